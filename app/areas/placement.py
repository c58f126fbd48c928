"""Placing the rows of split communes: a coordinator picks the new commune, among the split's targets.

Rules:
- A pending row is a history row (`area_rehomings`) without a new area: the record still points
  at its old commune, which the crosswalk splits between several new areas.
- Who sees a pending row: steering and admin all; a coordinator when one of its candidate new areas,
  or its old commune, lies in their scope (`register_rule`). Viewers read, never place.
- Placing sets the record's column to the chosen new area and completes the history row (new area,
  when, by whom); the choice must be one of the split's targets. Audited (`areas.place`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import or_, select, update

from app.areas.registry import area_column
from app.audit import record
from app.errors import OperationError
from app.extensions import db
from app.models import Area, AreaCrosswalk, AreaRehoming
from app.scope import Scope, area_subtree_ids, check_choice, register_rule, visible
from app.timeutil import utcnow

__all__ = ["PendingRow", "pending_query", "pending_rows", "describe", "place", "candidates"]


def _rule(s: Scope):
    if not s.area_path:
        return AreaRehoming.id.is_(None)  # nothing, unless everything (handled by `visible`)
    inside = area_subtree_ids(s.area_path)
    targets_inside = select(AreaCrosswalk.old_area_id).where(AreaCrosswalk.new_area_id.in_(inside))
    return or_(AreaRehoming.old_area_id.in_(inside), AreaRehoming.old_area_id.in_(targets_inside))


register_rule(AreaRehoming, _rule)


@dataclass(frozen=True)
class PendingRow:
    rehoming_id: int
    key: str
    label: str
    row_id: int
    title: str
    old_area: str
    targets: tuple[tuple[int, str], ...]


def pending_query(user=None):
    stmt = select(AreaRehoming).where(AreaRehoming.new_area_id.is_(None))
    if user is not None:
        stmt = stmt.where(visible(AreaRehoming, user))
    return stmt.order_by(AreaRehoming.table_name, AreaRehoming.column_name, AreaRehoming.row_id)


def target_choices(old_area_id: int):
    """The ids a record of `old_area_id` may be placed in: the crosswalk targets (the options of `candidates`)."""
    return select(AreaCrosswalk.new_area_id).where(AreaCrosswalk.old_area_id == old_area_id)


def candidates(old_area_ids) -> dict[int, list[tuple[int, str]]]:
    """The new areas each old area was split into (crosswalk targets), by name."""
    rows = db.session.execute(
        select(AreaCrosswalk.old_area_id, Area.id, Area.name)
        .join(Area, Area.id == AreaCrosswalk.new_area_id)
        .where(AreaCrosswalk.old_area_id.in_(set(old_area_ids)))
        .order_by(Area.search_key)
    ).all()
    result: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for old_id, new_id, name in rows:
        result[old_id].append((new_id, name))
    return result


def describe(history: list[AreaRehoming]) -> list[PendingRow]:
    """Plain rows for a page: what the record is, where it was, where it may go."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for h in history:
        by_key[f"{h.table_name}.{h.column_name}"].append(h.row_id)
    titles = {}
    for key, ids in by_key.items():
        entry = area_column(key)
        titles[key] = entry.titles(ids) if entry else {}
    old_names = dict(db.session.execute(select(Area.id, Area.name).where(Area.id.in_({h.old_area_id for h in history}))).all())
    targets = candidates(h.old_area_id for h in history)
    rows = []
    for h in history:
        key = f"{h.table_name}.{h.column_name}"
        entry = area_column(key)
        rows.append(PendingRow(
            h.id, key, entry.label if entry else key, h.row_id, titles[key].get(h.row_id, f"#{h.row_id}"),
            old_names.get(h.old_area_id, ""), tuple(targets.get(h.old_area_id, [])),
        ))
    return rows


def pending_rows(user=None, limit: int | None = None) -> list[PendingRow]:
    stmt = pending_query(user)
    if limit:
        stmt = stmt.limit(limit)
    return describe(list(db.session.scalars(stmt)))


def place(history: AreaRehoming, new_area_id: int | None, actor=None) -> None:
    """Put a split commune's record in the chosen new area. Flushes; the caller commits."""
    if history.new_area_id is not None:
        raise OperationError("Bản ghi này đã được xếp vào xã mới.", field="new_area_id")
    message = "Hãy chọn một trong các xã mới mà xã cũ được chia về."
    if not new_area_id:
        raise OperationError(message, field="new_area_id")
    check_choice(new_area_id, target_choices(history.old_area_id), "new_area_id", message)
    entry = area_column(f"{history.table_name}.{history.column_name}")
    if entry is None:
        raise OperationError("Loại bản ghi này không còn được quản lý theo địa bàn.", field="new_area_id")
    table = entry.model.__table__
    db.session.execute(
        update(table).where(table.c.id == history.row_id).values({entry.column: new_area_id})
    )
    history.new_area_id = new_area_id
    history.placed_at = utcnow()
    history.placed_by_id = getattr(actor, "id", None)
    record("areas.place", entity=history.table_name, entity_id=history.row_id, actor=actor,
           before={history.column_name: history.old_area_id}, after={history.column_name: new_area_id})
    db.session.flush()
