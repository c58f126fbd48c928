"""Changing the unit registry: create, edit (rename with history, re-parent a subtree, area, headcount, contact),
close. Every change flushes and writes an audit event; nothing commits (the request or command boundary does).

Rules:
- `user` is who acts: steering and admin manage the whole tree, a unit coordinator their own subtree
  (`queries.managed`); `None` is the command line (the whole tree). Whether the user may manage units at all is
  `app.permissions.may(user, "manage_units", unit)`, asked by the views;
- a submitted parent and area go through `scope.check_choice` against `queries.parent_ids` / `area_ids`; a
  parent or area equal to the unit's own is accepted unchanged (a coordinator's own unit keeps its parent
  outside their subtree);
- a unit coordinator's new unit needs a parent in their subtree (a unit of theirs cannot be a root);
- a parent may not be the unit itself or one of its descendants (a loop); moving a unit rewrites the `path` of
  its whole subtree in one UPDATE;
- a rename (name or short name) keeps the old name in `unit_names` (see app/models/unit.py), dated today;
- a new or changed headcount needs its year and its source;
- closing sets `valid_to`, the last day the unit is in force (≥ `valid_from`); refused while the unit has
  sub-units in force after that day (close or move them first) or active accounts scoped to it (re-scope them first: they would manage a closed unit). Its trainers,
  learners and classes keep pointing at it: their history stays true.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import String, func, literal, select, update

from app.audit import record, snapshot
from app.errors import OperationError
from app.extensions import db
from app.models import Unit, UnitName, User
from app.models.unit import search_key_of
from app.models.vocab import UNIT_KINDS
from app.scope import check_choice, scope_of
from app.units import queries

FIELDS = ["name", "short_name", "kind", "parent_id", "area_id", "headcount", "headcount_year", "headcount_source",
          "contact", "valid_from", "valid_to", "path"]
OUTSIDE_PARENT = "Đơn vị cấp trên không có hoặc nằm ngoài phạm vi quản lý của bạn."
OUTSIDE_AREA = "Địa bàn không có trên bản đồ đang dùng."


@dataclass
class UnitFields:
    """What a form, an import row or a command gives for a unit (cleaned: empty texts are None)."""

    name: str
    kind: str
    area_id: int
    parent_id: int | None = None
    short_name: str | None = None
    headcount: int | None = None
    headcount_year: int | None = None
    headcount_source: str | None = None
    contact: str | None = None
    valid_from: date | None = None


def check_fields(user, fields: UnitFields, today: date, unit: Unit | None = None) -> None:
    """Refuse `fields` (an `OperationError` on the field at fault) unless they make a valid unit for `user`."""
    if not fields.name:
        raise OperationError("Vui lòng nhập tên đơn vị.", field="name")
    if fields.kind not in UNIT_KINDS:
        raise OperationError("Loại đơn vị không hợp lệ.", field="kind")
    if unit is None or fields.parent_id != unit.parent_id:
        check_choice(fields.parent_id, queries.parent_ids(user, today), "parent_id", OUTSIDE_PARENT)
    if not fields.area_id:
        raise OperationError("Vui lòng chọn địa bàn.", field="area_id")
    if unit is None or fields.area_id != unit.area_id:
        check_choice(fields.area_id, queries.area_ids(user), "area_id", OUTSIDE_AREA)
    if fields.parent_id is None and user is not None and not scope_of(user).everything \
            and (unit is None or unit.parent_id is not None):
        raise OperationError("Chọn đơn vị cấp trên trong phạm vi quản lý của bạn.", field="parent_id")
    changed = unit is None or (fields.headcount, fields.headcount_year, fields.headcount_source) != (
        unit.headcount, unit.headcount_year, unit.headcount_source)
    if fields.headcount is not None and changed:
        if fields.headcount_year is None:
            raise OperationError("Ghi năm của số cán bộ, nhân sự.", field="headcount_year")
        if not fields.headcount_source:
            raise OperationError("Ghi nguồn của số cán bộ, nhân sự.", field="headcount_source")
    if unit is not None and unit.valid_to is not None and fields.valid_from and fields.valid_from > unit.valid_to:
        raise OperationError("Ngày bắt đầu hoạt động sau ngày cuối hoạt động.", field="valid_from")


def create_unit(user, fields: UnitFields, today: date) -> Unit:
    check_fields(user, fields, today)
    parent = db.session.get(Unit, fields.parent_id) if fields.parent_id else None
    unit = Unit(kind=fields.kind, area_id=fields.area_id, parent_id=fields.parent_id, headcount=fields.headcount,
                headcount_year=fields.headcount_year, headcount_source=fields.headcount_source,
                contact=fields.contact, valid_from=fields.valid_from or today, path="")
    unit.set_name(fields.name, fields.short_name)
    db.session.add(unit)
    db.session.flush()
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    db.session.add(UnitName(unit_id=unit.id, name=unit.name, short_name=unit.short_name, valid_from=unit.valid_from,
                            changed_by_id=getattr(user, "id", None)))
    db.session.flush()
    record("unit.create", unit, after=snapshot(unit, FIELDS), actor=user)
    return unit


def changes(unit: Unit, fields: UnitFields) -> dict:
    """The fields `fields` would change on `unit` (name → (old, new)); empty: the unit is unchanged."""
    wanted = asdict(fields)
    if wanted["valid_from"] is None:
        wanted.pop("valid_from")
    return {key: (getattr(unit, key), value) for key, value in wanted.items() if getattr(unit, key) != value}


def edit_unit(user, unit: Unit, fields: UnitFields, today: date) -> dict:
    """Apply `fields` to `unit`; returns what changed (nothing written when nothing did)."""
    changed = changes(unit, fields)
    if not changed:
        return {}
    check_fields(user, fields, today, unit)
    before = snapshot(unit, FIELDS)
    if "name" in changed or "short_name" in changed:
        _rename(user, unit, fields.name, fields.short_name, today)
    if "parent_id" in changed:
        _reparent(unit, fields.parent_id)
    if "valid_from" in changed:  # the first name starts with the unit
        db.session.execute(update(UnitName).where(
            UnitName.unit_id == unit.id, UnitName.valid_from == unit.valid_from,
            (UnitName.valid_to.is_(None)) | (UnitName.valid_to >= fields.valid_from)).values(valid_from=fields.valid_from)
            .execution_options(synchronize_session="fetch"))
    for key in ("kind", "area_id", "headcount", "headcount_year", "headcount_source", "contact", "valid_from"):
        if key in changed:
            setattr(unit, key, changed[key][1])
    db.session.flush()
    record("unit.edit", unit, before=before, after=snapshot(unit, FIELDS), actor=user)
    return changed


def _rename(user, unit: Unit, name: str, short_name: str | None, today: date) -> None:
    current = db.session.scalar(select(UnitName).where(UnitName.unit_id == unit.id, UnitName.valid_to.is_(None))
                                .order_by(UnitName.valid_from.desc()).limit(1))
    if current is None:  # a unit older than the registry: its first name becomes history
        current = UnitName(unit_id=unit.id, name=unit.name, short_name=unit.short_name, valid_from=unit.valid_from)
        db.session.add(current)
    by = getattr(user, "id", None)
    if current.valid_from >= today:  # renamed again the day it was named: a correction of that day's name
        current.name, current.short_name, current.changed_by_id = name, short_name or None, by
    else:
        current.valid_to = today - timedelta(days=1)
        db.session.add(UnitName(unit_id=unit.id, name=name, short_name=short_name or None, valid_from=today,
                                changed_by_id=by))
    unit.set_name(name, short_name)


def _reparent(unit: Unit, parent_id: int | None) -> int:
    """Move `unit` and its subtree under `parent_id`: one UPDATE rewrites every path; a loop is refused."""
    parent = db.session.get(Unit, parent_id) if parent_id else None
    if parent is not None and parent.path.startswith(unit.path):
        raise OperationError("Không thể chọn chính đơn vị này hoặc một đơn vị trực thuộc nó làm đơn vị cấp trên.",
                             field="parent_id")
    old_path, new_path = unit.path, (parent.path if parent else "/") + f"{unit.id}/"
    unit.parent_id = parent_id
    db.session.flush()
    moved = db.session.execute(
        update(Unit).where(Unit.path.startswith(old_path))
        .values(path=literal(new_path, String) + func.substr(Unit.path, len(old_path) + 1))
        .execution_options(synchronize_session="fetch")
    ).rowcount
    db.session.refresh(unit)
    return moved


def close_unit(user, unit: Unit, on: date) -> None:
    if unit.valid_to is not None:
        raise OperationError("Đơn vị này đã ngừng hoạt động.", field="valid_to")
    if on < unit.valid_from:
        raise OperationError("Ngày cuối hoạt động phải từ ngày bắt đầu hoạt động trở đi.", field="valid_to")
    children = db.session.scalar(select(func.count()).where(
        Unit.parent_id == unit.id, (Unit.valid_to.is_(None)) | (Unit.valid_to > on)))
    if children:
        raise OperationError(f"Đơn vị còn {children} đơn vị trực thuộc đang hoạt động: hãy ngừng hoặc chuyển "
                             "chúng trước.", field="valid_to")
    accounts = db.session.scalar(select(func.count()).where(User.scope_unit_id == unit.id, User.active.is_(True)))
    if accounts:
        raise OperationError(f"Còn {accounts} tài khoản đang phụ trách đơn vị này: hãy đổi phạm vi của họ trước.",
                             field="valid_to")
    before = snapshot(unit, ["valid_to"])
    unit.valid_to = on
    db.session.flush()
    record("unit.close", unit, before=before, after=snapshot(unit, ["valid_to"]), actor=user)


def name_on(unit_id: int, day: date) -> str | None:
    """The name a unit carried on `day` (None when its history does not reach that day)."""
    return db.session.scalar(select(UnitName.name).where(
        UnitName.unit_id == unit_id, UnitName.valid_from <= day,
        (UnitName.valid_to.is_(None)) | (UnitName.valid_to >= day)).order_by(UnitName.valid_from.desc()).limit(1))


__all__ = ["UnitFields", "create_unit", "edit_unit", "close_unit", "changes", "name_on", "search_key_of"]
