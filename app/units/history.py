"""The unit tree and its records as they were on a day: merges and split placements read back from `unit_moves`.

Rules:
- a record moved by a change that took effect after `day` was on the change's source unit that day (the source
  of its earliest such move); records never moved are where they are now;
- the units of a day are those in force on it (`valid_from <= day <= valid_to`); a merged source counts until
  the day before the merge, its successor from the merge on;
- a headcount moved onto an existing successor by a merge (`unit_crosswalk.headcount`) is taken back off it for
  an earlier day, so the denominators too are equal before and after a merge;
- the tree of a day puts each moved sub-unit back under its parent of that day (`paths_on`).
With no change after `day` (the common case: today), every function reads the current rows only.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from app.extensions import db
from app.models import Unit, UnitCrosswalk, UnitMove

__all__ = ["moved_back", "headcounts_on", "paths_on", "in_force_on"]


def in_force_on(day: date):
    """The WHERE clause of the units in force on `day`."""
    return Unit.valid_from <= day, or_(Unit.valid_to.is_(None), Unit.valid_to >= day)


def moved_back(entity: str, day: date | None) -> dict[int, int]:
    """entity id → the unit it was on `day`, for the `entity` records moved after that day (empty for None)."""
    if day is None:
        return {}
    rows = db.session.execute(select(UnitMove.entity_id, UnitMove.from_unit_id).where(
        UnitMove.entity == entity, UnitMove.effective > day).order_by(UnitMove.effective.desc(), UnitMove.id.desc()))
    return {entity_id: unit_id for entity_id, unit_id in rows}  # the earliest move is read last and wins


def headcounts_on(day: date, kinds) -> dict[int, int]:
    """unit id → headcount, of the units of `kinds` in force on `day` that have one."""
    counts = dict(db.session.execute(select(Unit.id, Unit.headcount).where(
        Unit.kind.in_(kinds), Unit.headcount.is_not(None), *in_force_on(day))).all())
    for to_unit, moved in db.session.execute(select(UnitCrosswalk.to_unit_id, UnitCrosswalk.headcount).where(
            UnitCrosswalk.effective > day, UnitCrosswalk.headcount.is_not(None))):
        if to_unit in counts:
            counts[to_unit] = max(0, counts[to_unit] - moved)
    return counts


def paths_on(day: date | None) -> dict[int, str]:
    """unit id → its path ('/3/17/') in the tree of `day` (the current tree for None)."""
    rows = db.session.execute(select(Unit.id, Unit.parent_id, Unit.path)).all()
    back = moved_back("unit", day)
    if not back:
        return {unit_id: path for unit_id, _parent, path in rows}
    parents = {unit_id: back.get(unit_id, parent) for unit_id, parent, _path in rows}
    paths: dict[int, str] = {}

    def path_of(unit_id: int, seen: frozenset = frozenset()) -> str:
        if unit_id in paths:
            return paths[unit_id]
        parent = parents.get(unit_id)
        prefix = path_of(parent, seen | {unit_id}) if parent and parent not in seen else "/"
        paths[unit_id] = prefix + f"{unit_id}/"
        return paths[unit_id]

    for unit_id in parents:
        path_of(unit_id)
    return paths
