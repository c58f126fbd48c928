"""Gap counts per severity from the `gap_counts` summary, not a GROUP BY over every gap per request.

Rules:
- the scan rebuilds the whole summary from the gaps after storing its findings (`rebuild`, one GROUP BY per
  scan), stamping `computed_at`; acknowledging and closing by hand move one gap between buckets (`moved`) in
  the same transaction as the change, so between scans the counts stay exact;
- `counts_by_severity(user)` sums the buckets the user sees (`visible(GapCount, user)`, the gap scope rule
  bucket by bucket) over the active states (open, acknowledged), and says when the summary was built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Integer, and_, case, cast, delete, func, insert, select, update

from app.extensions import db
from app.models import Gap, GapCount
from app.scope import visible
from app.timeutil import utcnow

ACTIVE = ("open", "acknowledged")


@dataclass
class SeverityCounts:
    """Active gaps per severity (a dict's `get`, as the templates read it) and the summary's time."""

    counts: dict[str, int] = field(default_factory=dict)
    as_of: datetime | None = None

    def get(self, code: str, default: int = 0) -> int:
        return self.counts.get(code, default)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _subject_int(kind: str):
    return case((Gap.subject_kind == kind, cast(Gap.subject_id, Integer)), else_=None)


def rebuild() -> int:
    """Replace the summary with the counts of the stored gaps; returns the number of buckets."""
    unit, activity = _subject_int("unit").label("unit_id"), _subject_int("activity").label("activity_id")
    rows = [{"area_id": r.area_id, "unit_id": r.unit_id, "activity_id": r.activity_id, "severity": r.severity,
             "state": r.state, "gaps": r.gaps} for r in db.session.execute(
        select(Gap.area_id, unit, activity, Gap.severity, Gap.state, func.count(Gap.id).label("gaps"))
        .group_by(Gap.area_id, unit, activity, Gap.severity, Gap.state))]
    now = utcnow()
    db.session.execute(delete(GapCount.__table__))
    if rows:
        db.session.execute(insert(GapCount.__table__), [{**r, "computed_at": now} for r in rows])
    return len(rows)


def _bucket(gap: Gap, state: str):
    def same(column, value):
        return column.is_(None) if value is None else column == value

    unit = int(gap.subject_id) if gap.subject_kind == "unit" and gap.subject_id.isdigit() else None
    activity = int(gap.subject_id) if gap.subject_kind == "activity" and gap.subject_id.isdigit() else None
    return (unit, activity), and_(same(GapCount.area_id, gap.area_id), same(GapCount.unit_id, unit),
                                  same(GapCount.activity_id, activity), GapCount.severity == gap.severity,
                                  GapCount.state == state)


def moved(gap: Gap, before: str, after: str) -> None:
    """One gap went from state `before` to `after` (acknowledged, closed by hand): one fewer in its old bucket,
    one more in its new one (a new row when the bucket has none)."""
    if before == after:
        return
    table = GapCount.__table__
    _ids, old = _bucket(gap, before)
    db.session.execute(update(table).where(old, GapCount.gaps > 0).values(gaps=table.c.gaps - 1))
    (unit, activity), new = _bucket(gap, after)
    if not db.session.execute(update(table).where(new).values(gaps=table.c.gaps + 1)).rowcount:
        db.session.execute(insert(table).values(area_id=gap.area_id, unit_id=unit, activity_id=activity,
                                                severity=gap.severity, state=after, gaps=1, computed_at=utcnow()))


def counts_by_severity(user) -> SeverityCounts:
    """Open and acknowledged gaps the user sees, per severity, from the summary."""
    rows = db.session.execute(
        select(GapCount.severity, func.sum(GapCount.gaps))
        .where(visible(GapCount, user), GapCount.state.in_(ACTIVE)).group_by(GapCount.severity)).all()
    as_of = db.session.scalar(select(func.min(GapCount.computed_at)))  # the scan's rebuild (later rows: moves)
    return SeverityCounts({severity: int(n) for severity, n in rows if n}, as_of)
