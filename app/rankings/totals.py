"""Point totals: the leaderboards' summary of the ledger.

Rules: one row per (trainer or area, period), period being a quarter ('2025-Q2') or 'all';
`refresh` recomputes the rows of the given trainers and areas (all of them when given None)
from `point_entries`, so the totals can never drift from the ledger for long: every award and
every merge refreshes what it touched, and a full refresh rebuilds everything; `add` adds the
points of entries just inserted to their rows instead (the many daily entries of online learning,
where re-summing a commune's whole ledger per batch would grow with it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete, func, insert, select

from app.extensions import db
from app.models import PointEntry, PointTotal

ALL = "all"
CHUNK = 500


def quarter_key(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _refresh_kind(kind: str, column, ids: list[int] | None) -> None:
    where = [column.is_not(None)]
    if ids is not None:
        where.append(column.in_(ids))
    sums: dict[tuple[int, str], int] = defaultdict(int)
    stmt = (select(column, PointEntry.earned_on, func.sum(PointEntry.points))
            .where(*where).group_by(column, PointEntry.earned_on))
    for key_id, earned_on, points in db.session.execute(stmt):
        sums[(key_id, quarter_key(earned_on))] += points
        sums[(key_id, ALL)] += points
    gone = delete(PointTotal).where(PointTotal.kind == kind)
    if ids is not None:
        gone = gone.where(PointTotal.key_id.in_(ids))
    db.session.execute(gone)
    rows = [{"kind": kind, "key_id": k, "period": period, "points": v} for (k, period), v in sums.items()]
    for start in range(0, len(rows), 20_000):
        db.session.execute(insert(PointTotal.__table__), rows[start:start + 20_000])


def refresh(trainer_ids: Iterable[int] | None = None, area_ids: Iterable[int] | None = None,
            *, everything: bool = False) -> None:
    """Recompute the totals of these trainers and areas (`everything=True`: all of them)."""
    for kind, column, ids in (("trainer", PointEntry.trainer_id, trainer_ids),
                              ("area", PointEntry.area_id, area_ids)):
        if everything:
            _refresh_kind(kind, column, None)
            continue
        wanted = sorted({i for i in (ids or ()) if i is not None})
        for start in range(0, len(wanted), CHUNK):
            _refresh_kind(kind, column, wanted[start:start + CHUNK])


def period_key(period: tuple[date, date] | None) -> str:
    """The totals' key of a board period: a quarter's first day gives its quarter; None is all time."""
    return quarter_key(period[0]) if period else ALL


def add(kind: str, entries: Iterable[tuple[int | None, date, int]]) -> None:
    """Add freshly inserted entries (key id, earned on, points) to the totals of `kind` (flushes)."""
    from sqlalchemy import bindparam, update

    deltas: dict[tuple[int, str], int] = defaultdict(int)
    for key_id, earned_on, points in entries:
        if key_id is not None:
            deltas[(key_id, quarter_key(earned_on))] += points
            deltas[(key_id, ALL)] += points
    if not deltas:
        return
    keys = sorted(deltas)
    present: set[tuple[int, str]] = set()
    for start in range(0, len(keys), CHUNK):
        ids = sorted({k for k, _ in keys[start:start + CHUNK]})
        present |= set(db.session.execute(select(PointTotal.key_id, PointTotal.period).where(
            PointTotal.kind == kind, PointTotal.key_id.in_(ids))).all())
    table = PointTotal.__table__
    bump = (update(table).where(table.c.kind == kind, table.c.key_id == bindparam("k"),
                                table.c.period == bindparam("p")).values(points=table.c.points + bindparam("d")))
    changed = [{"k": k, "p": p, "d": d} for (k, p), d in deltas.items() if (k, p) in present]
    if changed:
        db.session.execute(bump, changed)
    fresh = [{"kind": kind, "key_id": k, "period": p, "points": d} for (k, p), d in deltas.items()
             if (k, p) not in present]
    if fresh:
        db.session.execute(insert(table), fresh)
