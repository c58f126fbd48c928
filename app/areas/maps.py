"""Counting on either map: the reusable query helpers for dashboards, indicators, leaderboards, reports.

Rules:
- A map is identified by its validity date (`MapInfo.valid_from`); `available_maps()` lists the loaded
  maps (their top areas), `map_on(day)` finds the one in force on a day.
- `count_on_map(column, day)` counts the rows of a registered area-bearing column per area of that map
  (`count_on_map_by` splits the count by a further expression, in one pass):
  a row re-homed to a later map counts, on the map it came from, where its history says it was; any
  other row counts at the image of its area (`AreaGraph.image`). Rows whose area has no image on the
  map are counted under the key `None`. Every row is counted exactly once on every map, so totals
  are equal on all maps.
- `rollup(counts, area_id, graph)` sums a subtree: its total, one figure per child, and what lies at
  the area itself ("not yet placed" below it, e.g. a split commune's rows on the new map).
- `rows_on_map(column, day)` gives each row's area on that map, for per-row reports and rankings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, or_, select, true
from sqlalchemy.orm import aliased

from app.areas.graph import AreaGraph
from app.areas.registry import AreaColumn, area_column
from app.extensions import db
from app.models import Area, AreaCrosswalk, AreaRehoming, Trainer

__all__ = [
    "MapInfo", "available_maps", "map_on", "count_on_map", "count_on_map_by", "rows_on_map", "rollup", "Rollup",
    "AreaGraph", "area_on_map", "area_key_on_map", "UNPLACED_LABELS", "working_map", "programme_root",
    "programme_province", "programme_roots", "in_programme", "Region", "programme_region",
]

UNPLACED_LABELS = {
    "newest": "Chưa xác định xã mới",
    "older": "Chưa xác định xã trên bản đồ này",
}


@dataclass(frozen=True)
class MapInfo:
    key: str
    valid_from: date
    valid_to: date | None

    @property
    def label(self) -> str:
        return f"Bản đồ {self.key}"

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def available_maps() -> list[MapInfo]:
    """The loaded maps, oldest first, keyed by their first year (or full date when a year has two)."""
    rows = db.session.execute(
        select(Area.valid_from, func.max(Area.valid_to), func.count(Area.valid_to))
        .where(Area.parent_id.is_(None))
        .group_by(Area.valid_from)
        .order_by(Area.valid_from)
    ).all()
    years = Counter(r[0].year for r in rows)
    maps = []
    for valid_from, valid_to, with_end in rows:
        key = str(valid_from.year) if years[valid_from.year] == 1 else valid_from.isoformat()
        maps.append(MapInfo(key, valid_from, valid_to if with_end else None))
    return maps


def _data_map() -> date | None:
    """The newest map holding a trainer, else the newest map: the areas are walked newest map first, each asking
    the trainers' area index whether one is there (EXISTS), so the answer costs a few hundred index probes and
    never a pass over the trainers (the join over the province's 30,000 trainers it replaces cost 14–22 ms per call
    on the 2-core machine at load average 11, this 0.6–1.1 ms; bench/boards.py)."""
    found = db.session.scalar(
        select(Area.valid_from).where(exists().where(Trainer.area_id == Area.id))
        .order_by(Area.valid_from.desc()).limit(1))
    return found or db.session.scalar(select(func.max(Area.valid_from)))


def working_map(user=None) -> date | None:
    """The map new records go on: the newest map that holds trainers (where the data lives: the old map
    until `lantoa areas migrate` moves it), else the newest loaded map; never newer than the newest map
    the user can see (a coordinator scoped to an old district keeps working on the old map).
    """
    data_map = _data_map()
    if user is not None:
        from app.scope import scope_of, visible

        if scope_of(user).everything:  # sees every map: the newest they see is the newest loaded
            return data_map
        seen = db.session.scalar(select(func.max(Area.valid_from)).where(visible(Area, user)))
        if seen is not None and (data_map is None or seen < data_map):
            return seen
    return data_map


def _province_code() -> str:
    from flask import current_app

    return current_app.config.get("LANTOA_PROVINCE_CODE", "P19")


def programme_root(day: date | None = None) -> Area | None:
    """The programme's province (LANTOA_PROVINCE_CODE) on a map (`day` is the map's first day, or any day it is
    in force); by default on the working map."""
    day = day or working_map()
    if day is None:
        return None
    return db.session.scalar(select(Area).where(Area.code == _province_code(), Area.valid_from == day)) \
        or programme_province(day)


def programme_province(day: date) -> Area | None:
    """The programme's province as it was on `day`: the province code's area in force that day (old Thái Nguyên
    before 1/7/2025, the merged province from then on); None before the first map."""
    return db.session.scalar(select(Area).where(
        Area.code == _province_code(), Area.parent_id.is_(None), Area.valid_from <= day,
        or_(Area.valid_to.is_(None), Area.valid_to >= day)).order_by(Area.valid_from.desc()).limit(1))


def programme_roots(day: date, map_day: date | None = None, graph: AreaGraph | None = None) -> list[Area]:
    """The programme's area on `day` as top areas of the map valid from `map_day` (default: the working map).

    The programme is the province as it was on `day` (`programme_province`). On its own map that is the one
    area; on an older map it is every top area whose image on the province's map lies inside it (after
    1/7/2025, on the 2024 map the data lives on until `lantoa areas migrate`: old Thái Nguyên and old Bắc
    Kạn); on a newer map, the province's image there. Before the first map: the working map's province."""
    map_day = map_day or working_map()
    province = programme_province(day)
    if map_day is None:
        return [province] if province is not None else []
    if province is None:
        root = programme_root(map_day)
        return [root] if root is not None else []
    if province.valid_from == map_day:
        return [province]
    key = (province.id, map_day, _maps_version())
    ids = _ROOT_IDS.get(key)
    if ids is None:
        graph = graph or AreaGraph.load()
        if province.valid_from > map_day:
            ids = [r for r in graph.roots_on(map_day)
                   if (image := graph.image(r, province.valid_from)) is not None
                   and province.id in graph.nodes[image].ids]
        else:
            image = graph.image(province.id, map_day)
            ids = [image] if image is not None else []
        if len(_ROOT_IDS) >= 64:
            _ROOT_IDS.clear()
        _ROOT_IDS[key] = ids = tuple(ids)
    return list(db.session.scalars(select(Area).where(Area.id.in_(ids)).order_by(Area.path)))


@dataclass(frozen=True)
class Region:
    """One area, or several top areas of one map taken together under one name: the programme's area after
    1/7/2025 on the un-migrated 2024 map is old Thái Nguyên and old Bắc Kạn, named the merged province. Boards
    and overviews that cover "the province" take a region; `parts` are the areas whose subtrees it covers."""

    name: str
    parts: tuple[Area, ...]

    @classmethod
    def of(cls, area: Area | Region) -> Region:
        return area if isinstance(area, Region) else cls(area.name, (area,))

    @property
    def ids(self) -> list[int]:
        return [a.id for a in self.parts]

    @property
    def several(self) -> bool:
        return len(self.parts) > 1

    def under(self, path_column):
        """SQL: `path_column` (an area path) lies in one of the parts' subtrees."""
        return or_(*(path_column.startswith(a.path, autoescape=True) for a in self.parts))


def programme_region(day: date, map_day: date | None = None, graph: AreaGraph | None = None) -> Region | None:
    """The programme's area on `day` as a region of the map valid from `map_day` (default: the working map):
    `programme_roots`, named after the province as it was on `day`; None when no map is loaded."""
    roots = programme_roots(day, map_day, graph)
    if not roots:
        return None
    if len(roots) == 1:
        return Region.of(roots[0])
    province = programme_province(day)
    return Region(province.name if province is not None else roots[0].name, tuple(roots))


# The programme's top areas on another map than the province's own, by (province area, map, `_maps_version`):
# finding them walks the whole area graph (every area and crosswalk row: ~20 ms at the province's size), and
# they change only when a map or a crosswalk is loaded or edited, which changes the version. Per process:
# a worker that missed a change sees a new version on its next read.
_ROOT_IDS: dict[tuple, tuple[int, ...]] = {}


def _maps_version() -> tuple:
    """What changes whenever areas or the crosswalk change: their counts, newest ids, latest end dates and,
    for an area moved under another parent (a cluster, an edit), the sums of parent ids and path lengths (one
    statement over a few hundred rows)."""
    areas = select(func.count(Area.id), func.max(Area.id), func.max(Area.valid_to), func.sum(Area.parent_id),
                   func.sum(func.length(Area.path))).subquery()
    crosswalk = select(func.count(AreaCrosswalk.id), func.max(AreaCrosswalk.id)).subquery()
    return tuple(db.session.execute(select(areas, crosswalk).select_from(areas.join(crosswalk, true()))).one())


def in_programme(column, day: date, map_day: date | None = None, graph: AreaGraph | None = None):
    """SQL: `column` (an area id) lies inside the programme's area on `day`, on the map valid from `map_day`."""
    roots = programme_roots(day, map_day, graph)
    if not roots:
        return column.is_not(None)
    inside = select(Area.id).where(or_(*(Area.path.startswith(r.path, autoescape=True) for r in roots)))
    return column.in_(inside)


def map_on(day: date, maps: list[MapInfo] | None = None) -> MapInfo | None:
    maps = available_maps() if maps is None else maps
    for info in maps:
        if info.valid_on(day):
            return info
    return maps[-1] if maps else None


def _valid_ids(day: date):
    return select(Area.id).where(Area.valid_from <= day, or_(Area.valid_to.is_(None), Area.valid_to >= day))


def _column(column: AreaColumn | str) -> AreaColumn:
    entry = area_column(column) if isinstance(column, str) else column
    if entry is None:
        raise KeyError(f"{column} is not a registered area column")
    return entry


def _history_join(entry: AreaColumn, day: date):
    history = aliased(AreaRehoming)
    on = and_(
        history.table_name == entry.table,
        history.column_name == entry.column,
        history.row_id == entry.model.id,
        history.old_area_id.in_(_valid_ids(day)),
    )
    return history, on


def area_key_on_map(column: AreaColumn | str, day: date):
    """(history alias, its join condition, key): `key` is the area id a row of `column` had on the map valid on
    `day` when its history says so, else its current area — map it with `AreaGraph.image(key, day)`. For
    aggregate queries that group or filter by it (`app.counts`), as `count_on_map` does."""
    entry = _column(column)
    history, on = _history_join(entry, day)
    return history, on, func.coalesce(history.old_area_id, entry.attr)


def count_on_map(column: AreaColumn | str, day: date, where=(), graph: AreaGraph | None = None) -> Counter:
    """Rows of `column` per area of the map valid on `day` (key None: no image on that map)."""
    entry = _column(column)
    graph = graph or AreaGraph.load()
    history, on = _history_join(entry, day)
    stmt = (
        select(entry.attr, history.old_area_id, func.count())
        .select_from(entry.model)
        .outerjoin(history, on)
        .where(entry.attr.is_not(None), *where)
        .group_by(entry.attr, history.old_area_id)
    )
    counts: Counter = Counter()
    for current, old, n in db.session.execute(stmt):
        counts[graph.image(old if old is not None else current, day)] += n
    return counts


def count_on_map_by(column: AreaColumn | str, day: date, split, where=(),
                    graph: AreaGraph | None = None, outer_joins=()) -> dict[object, Counter]:
    """`count_on_map` split by the value of the expression `split`: {value: counts per area}, in one query
    (two counts that differ by one condition read the rows once). `split` a tuple of expressions: split by all of
    them, keyed by the tuple of their values; `outer_joins` (target, on) pairs LEFT JOINed to the rows counted,
    for a split or a condition on them."""
    several = isinstance(split, tuple)
    splits = split if several else (split,)
    entry = _column(column)
    graph = graph or AreaGraph.load()
    history, on = _history_join(entry, day)
    stmt = (
        select(*splits, entry.attr, history.old_area_id, func.count())
        .select_from(entry.model)
        .outerjoin(history, on)
        .where(entry.attr.is_not(None), *where)
        .group_by(*splits, entry.attr, history.old_area_id)
    )
    for target, onclause in outer_joins:
        stmt = stmt.outerjoin(target, onclause)
    counts: dict[object, Counter] = {}
    width = len(splits)
    for row in db.session.execute(stmt):
        value = tuple(row[:width]) if several else row[0]
        current, old, n = row[width:]
        bucket = counts.setdefault(value, Counter())
        bucket[graph.image(old if old is not None else current, day)] += n
    return counts


def rows_on_map(column: AreaColumn | str, day: date, where=(), graph: AreaGraph | None = None) -> dict[int, int | None]:
    """Each row id of `column` with its area on the map valid on `day` (None: no image there)."""
    entry = _column(column)
    graph = graph or AreaGraph.load()
    history, on = _history_join(entry, day)
    stmt = (
        select(entry.model.id, entry.attr, history.old_area_id)
        .select_from(entry.model).outerjoin(history, on)
        .where(entry.attr.is_not(None), *where)
    )
    return {
        row_id: graph.image(old if old is not None else current, day)
        for row_id, current, old in db.session.execute(stmt)
    }


def area_on_map(area_id: int, day: date, graph: AreaGraph | None = None) -> int | None:
    return (graph or AreaGraph.load()).image(area_id, day)


@dataclass
class Rollup:
    total: int
    by_child: Counter
    at_area: int


def rollup(counts: Counter, area_id: int, graph: AreaGraph) -> Rollup:
    """Sum the counts inside `area_id`'s subtree: in total, per child, and at the area itself."""
    total, at_area, by_child = 0, 0, Counter()
    for counted_id, n in counts.items():
        node = graph.nodes.get(counted_id) if counted_id is not None else None
        if node is None or area_id not in node.ids:
            continue
        total += n
        position = node.ids.index(area_id)
        if position + 1 < len(node.ids):
            by_child[node.ids[position + 1]] += n
        else:
            at_area += n
    return Rollup(total, by_child, at_area)
