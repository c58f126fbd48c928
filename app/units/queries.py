"""Scoped reads of the unit registry: the list, the choices a form offers, and the same sets as SELECTs of ids.

Rules:
- the list shows the units the user sees (`scope.visible(Unit, user)`), by folded name then id; `q` matches the
  folded name and short name word by word; `kind` one kind; `area_id` the units placed in that area's subtree
  (an area the user does not see answers 404); `state` open units (default), closed ones, or all, as of today;
- a parent may be chosen among the open units the user manages (`managed_ids`); `user=None` is the command line,
  which manages the whole tree;
- an area may be chosen among the areas of the working map (`app.areas.maps.working_map`): units of a unit
  coordinator's subtree lie in any district, and area names are the official map; a unit's own area is always
  accepted back unchanged (the operations check that).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, or_, select, true

from app.areas.maps import working_map
from app.extensions import db
from app.models import Area, Unit
from app.models.vocab import UNIT_KINDS
from app.scope import area_subtree_ids, choice_or_404, scope_of, visible
from app.web.choices import SelectChoice, choices
from app.web.lists import apply_search

STATES = {"open": "Đang hoạt động", "closed": "Đã ngừng hoạt động", "all": "Tất cả"}


def managed(user):
    """The WHERE clause of the units `user` manages: the whole tree (steering, admin, the command line), a unit
    coordinator's subtree, nothing for anyone else (`app.permissions` decides who manages at all)."""
    if user is None:
        return true()
    s = scope_of(user)
    if s.everything:
        return true()
    return Unit.path.startswith(s.unit_path) if s.unit_path else Unit.id.is_(None)


def open_on(day: date):
    return or_(Unit.valid_to.is_(None), Unit.valid_to >= day)


def parent_ids(user, today: date) -> Select:
    """The units `user` may choose as a parent: open ones they manage."""
    return select(Unit.id).where(managed(user), open_on(today), Unit.valid_from <= today)


def area_ids(user) -> Select:
    """The areas a unit may be placed in: the working map's."""
    return select(Area.id).where(Area.valid_from == working_map(user))


def area_choices(user) -> list[SelectChoice]:
    rows = db.session.execute(select(Area.id, Area.name, Area.path).where(Area.id.in_(area_ids(user)))
                              .order_by(Area.path)).all()
    base = min((p.count("/") for _, _, p in rows), default=0)
    return choices([(0, "— Chọn địa bàn —")]
                   + [(i, "\u00a0\u00a0" * (p.count("/") - base) + name) for i, name, p in rows])


def parent_choices(user, today: date, required: bool) -> list[SelectChoice]:
    rows = db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(parent_ids(user, today)))
                              .order_by(Unit.path)).all()
    empty = "— Chọn đơn vị cấp trên —" if required else "— Không có (đơn vị cấp cao nhất) —"
    return choices([(0, empty), *rows])


def filter_area_ids(user) -> Select:
    """The areas the list may be filtered by: districts of the working map that the user sees."""
    return select(Area.id).where(Area.valid_from == working_map(user), Area.level.in_(("province", "district")),
                                 visible(Area, user))


def filter_area_choices(user) -> list[SelectChoice]:
    rows = db.session.execute(select(Area.id, Area.name).where(Area.id.in_(filter_area_ids(user)))
                              .order_by(Area.path)).all()
    return choices([(0, "Mọi địa bàn"), *rows]) if rows else []


def unit_filters(args) -> dict:
    kind, state = args.get("kind", ""), args.get("state", "open")
    return {"q": (args.get("q") or "").strip()[:100], "kind": kind if kind in UNIT_KINDS else "",
            "area_id": args.get("area_id", 0, type=int), "state": state if state in STATES else "open"}


def unit_list(user, today: date, q: str = "", kind: str = "", area_id: int = 0, state: str = "open") -> Select:
    stmt = select(Unit).where(visible(Unit, user)).order_by(Unit.search_key, Unit.id)
    if q:
        stmt = apply_search(stmt, Unit.search_key, q)
    if kind:
        stmt = stmt.where(Unit.kind == kind)
    if area_id:  # an area outside what the user sees answers 404, like an id in the URL
        choice_or_404(area_id, filter_area_ids(user))
        path = db.session.scalar(select(Area.path).where(Area.id == area_id))
        stmt = stmt.where(Unit.area_id.in_(area_subtree_ids(path)))
    if state == "open":
        stmt = stmt.where(open_on(today))
    elif state == "closed":
        stmt = stmt.where(Unit.valid_to < today)
    return stmt
