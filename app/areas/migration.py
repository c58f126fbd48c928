"""Moving the programme onto a new map: `lantoa areas migrate --to DAY` and its admin preview.

Rules:
- Clusters first. Each intermediate area of the map in force the day before (a district) gets a
  cluster on the new map, coded `CUM-<district code>`, holding the new communes it contributed
  most old communes to; a new commune with a tie between districts is listed, left directly under
  the province, for steering to place in a cluster by hand. A crosswalk row district → cluster makes
  the cluster the district's successor, so the district coordinator's scope moves to it. A cluster
  that already exists is left as it is (steering may have changed it): a second run changes nothing.
- Then every registered area-bearing column (`app.areas.registry`). A row on an area of an earlier
  map moves to that area's image on the new map (`AreaGraph.image`), and a history row
  (`area_rehomings`) keeps the old area. A row of an old commune split between several new areas
  does not move: a history row without a new area lists it for a coordinator to place
  (`app.areas.placement`); until then it counts on the "not yet placed" line.
- One audit event `areas.migrate` per run with the counts (plus one `areas.cluster` per cluster
  created); the per-row history is in `area_rehomings`. A run that changes nothing writes nothing.
- Operations flush and never commit: the command (or the view) commits once, so a failure leaves
  the database as it was. `preview` runs the same steps inside a savepoint and rolls them back.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import DateTime, Integer, String, func, insert, literal, select, update

from app.areas.clusters import cluster_name, save_cluster
from app.areas.graph import AreaGraph
from app.areas.placement import PendingRow, pending_rows
from app.areas.registry import area_columns
from app.audit import record
from app.errors import OperationError
from app.extensions import db
from app.models import Area, AreaCrosswalk, AreaRehoming
from app.timeutil import utcnow

__all__ = ["MigrationResult", "migrate_to", "preview"]


@dataclass
class MigrationResult:
    day: date
    labels: dict[str, str] = field(default_factory=dict)
    moved: Counter = field(default_factory=Counter)
    listed: Counter = field(default_factory=Counter)
    unmapped: Counter = field(default_factory=Counter)
    clusters: list[str] = field(default_factory=list)
    links: int = 0
    ties: list[tuple[str, list[str]]] = field(default_factory=list)
    pending: list[PendingRow] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(sum(self.moved.values()) or sum(self.listed.values()) or self.clusters or self.links)

    def as_audit(self) -> dict:
        return {
            "to": self.day.isoformat(), "moved": dict(self.moved), "listed": dict(self.listed),
            "unmapped": dict(self.unmapped), "clusters": self.clusters, "crosswalk_links": self.links,
            "ties": [name for name, _ in self.ties],
        }


def _check_map(day: date) -> None:
    if not db.session.scalar(select(func.count(Area.id)).where(Area.valid_from == day, Area.parent_id.is_(None))):
        raise OperationError(f"Chưa nạp bản đồ hiệu lực từ {day:%d/%m/%Y}.", field="day")
    if not db.session.scalar(select(func.count(AreaCrosswalk.id))):
        raise OperationError("Chưa nạp bảng chuyển đổi xã cũ → xã mới (lantoa areas crosswalk).", field="day")


def _ensure_clusters(day: date, result: MigrationResult) -> None:
    graph = AreaGraph.load()
    before = day - timedelta(days=1)
    old = [n for n in graph.nodes.values() if n.valid_on(before)]
    intermediate = {n.id for n in old if n.parent_id is not None and graph.children.get(n.id)}
    contributions: dict[int, Counter] = defaultdict(Counter)
    for node in old:
        if node.parent_id in intermediate:
            for target in graph.forward.get(node.id, []):
                if graph.valid_on(target, day):
                    contributions[target][node.parent_id] += 1
    roots = set(graph.roots_on(day))
    names = dict(db.session.execute(select(Area.id, Area.name).where(Area.id.in_(intermediate | set(contributions)))).all())
    members: dict[int, list[int]] = defaultdict(list)
    for commune, by_district in sorted(contributions.items()):
        ranked = by_district.most_common()
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            if graph.nodes[commune].parent_id in roots:
                tied = sorted(names[d] for d, n in ranked if n == ranked[0][1])
                result.ties.append((names[commune], tied))
            continue
        members[ranked[0][0]].append(commune)
    for district_id in sorted(members, key=lambda d: names[d]):
        district = db.session.get(Area, district_id)
        code = f"CUM-{district.code}"
        cluster = db.session.scalar(select(Area).where(Area.code == code, Area.valid_from == day))
        if cluster is None:
            free = [m for m in members[district_id] if graph.nodes[m].parent_id in roots]
            if not free:
                continue
            top = db.session.get(Area, graph.nodes[free[0]].ids[0])
            cluster = save_cluster(None, top, cluster_name(district.name), free, code=code)
            result.clusters.append(cluster.name)
        link = db.session.scalar(select(AreaCrosswalk.id).where(
            AreaCrosswalk.old_area_id == district_id, AreaCrosswalk.new_area_id == cluster.id))
        if link is None:
            db.session.add(AreaCrosswalk(old_area_id=district_id, new_area_id=cluster.id, is_split=False))
            result.links += 1
    db.session.flush()


def _history(entry, old_id: int, new_id: int | None, now) -> int:
    """Insert one history row per row of `entry` on `old_id` that has none yet; the number inserted."""
    history, table = AreaRehoming.__table__, entry.model.__table__
    column = table.c[entry.column]
    seen = select(history.c.id).where(
        history.c.table_name == entry.table, history.c.column_name == entry.column,
        history.c.row_id == table.c.id, history.c.old_area_id == old_id,
    ).exists()
    rows = select(
        literal(entry.table, String), literal(entry.column, String), table.c.id, literal(old_id, Integer),
        literal(new_id, Integer), literal(now, DateTime(timezone=True)),
    ).where(column == old_id, ~seen)
    names = ["table_name", "column_name", "row_id", "old_area_id", "new_area_id", "migrated_at"]
    missing = db.session.scalar(select(func.count()).select_from(table).where(column == old_id, ~seen))
    if missing:  # counted first: drivers differ on the rowcount of INSERT … SELECT
        db.session.execute(insert(history).from_select(names, rows))
    return missing


def _rehome(day: date, result: MigrationResult) -> None:
    graph = AreaGraph.load()
    old_ids = [n.id for n in graph.nodes.values() if n.valid_to is not None and n.valid_to < day]
    now = utcnow()
    for entry in area_columns():
        result.labels[entry.key] = entry.label
        table = entry.model.__table__
        column = table.c[entry.column]
        per_area = db.session.execute(
            select(column, func.count()).where(column.in_(old_ids)).group_by(column)
        ).all()
        for old_id, n in per_area:
            if graph.split_targets(old_id, day):
                result.listed[entry.key] += _history(entry, old_id, None, now)
                continue
            new_id = graph.image(old_id, day)
            if new_id is None:
                result.unmapped[entry.key] += n
                continue
            _history(entry, old_id, new_id, now)
            db.session.execute(update(table).where(column == old_id).values({entry.column: new_id}))
            result.moved[entry.key] += n
    db.session.expire_all()


def migrate_to(day: date, actor=None) -> MigrationResult:
    """Move every area-bearing row onto the map valid from `day`. Flushes; the caller commits."""
    _check_map(day)
    result = MigrationResult(day)
    _ensure_clusters(day, result)
    _rehome(day, result)
    db.session.flush()
    if result.changed:
        record("areas.migrate", entity="areas", after=result.as_audit(), actor=actor)
        db.session.flush()
    result.pending = pending_rows()
    return result


def preview(day: date) -> MigrationResult:
    """What `migrate_to(day)` would do, computed by doing it inside a savepoint and rolling it back."""
    savepoint = db.session.begin_nested()
    try:
        return migrate_to(day)
    finally:
        savepoint.rollback()
        db.session.expire_all()
