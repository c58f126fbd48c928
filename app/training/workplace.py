"""A learner's workplace ("Đơn vị công tác"): a roster cell or the learner form's field → a unit.

Rules:
- the value is a unit's code ("Mã đơn vị": its id, the whole cell or a trailing "(mã 12)", as the learner
  exports write it: "Sở Nội vụ (mã 12)"), or its name or short name compared without diacritics, case or
  repeated spaces (`app.text.fold`);
- it is looked up only among the units the user may choose for this class (`choosable_units`: those they may
  name as a class's host, `queries.host_unit_ids`, not closed, and the class's own host unit), plus the unit
  the matched person already works in, so an export always imports back;
- a name that two choosable units share (after folding) is ambiguous unless one of them is the person's own
  unit; an unknown code or name is a row error naming the row and the column;
- an empty value of a class whose audience is civil servants (`civil_servant`) and that has a host unit is the
  host unit (`default_unit`); otherwise empty means "not said";
- a new person gets the unit; a matched person without a unit gets it filled; a matched person whose unit
  differs from a unit the row names changes to it (the latest roster says where they work now), counted and
  audited; an empty cell never changes a unit already recorded, even where the host unit would fill it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import or_, select

from app.extensions import db
from app.imports.spec import RowError
from app.models import Unit
from app.text import fold
from app.timeutil import local_today
from app.training.queries import host_unit_ids

__all__ = ["CIVIL_SERVANT", "Workplaces", "choosable_units", "default_unit", "label", "parse", "resolve"]

CIVIL_SERVANT = "civil_servant"
_CODE = re.compile(r"(?:#|mã\s*)?(\d{1,9})", re.IGNORECASE)
_TRAILING_CODE = re.compile(r"\((?:mã|ma)\s*(\d{1,9})\)\s*$", re.IGNORECASE)


def label(unit_id: int, name: str) -> str:
    """How a workplace is written back (exports, the prefilled form): "Sở Nội vụ (mã 12)"."""
    return f"{name} (mã {unit_id})"


def parse(value: str) -> tuple[int | None, str]:
    """(unit code, "") when the value carries a code, else (None, the folded name)."""
    text = value.strip()
    whole = _CODE.fullmatch(text)
    if whole:
        return int(whole.group(1)), ""
    trailing = _TRAILING_CODE.search(text)
    if trailing:
        return int(trailing.group(1)), ""
    return None, fold(text)


def choosable_units(user, training_class):
    """The ids of the units `user` may give as a learner's workplace in `training_class` (a select): those
    not closed before today."""
    allowed = select(Unit.id).where(Unit.id.in_(host_unit_ids(user))) if user is not None else select(Unit.id)
    allowed = allowed.where(or_(Unit.valid_to.is_(None), Unit.valid_to >= local_today()))
    if training_class.host_unit_id:
        allowed = select(Unit.id).where(or_(Unit.id.in_(allowed), Unit.id == training_class.host_unit_id))
    return allowed


def default_unit(training_class) -> int | None:
    """The workplace an empty value takes: the host unit of a civil-servant class, else none."""
    if training_class.audience_group == CIVIL_SERVANT and training_class.host_unit_id:
        return training_class.host_unit_id
    return None


class Workplaces:
    """The choosable units by code and by folded name (and short name), read once per import."""

    def __init__(self, user, training_class, own_units: Iterable[int] = ()):
        rows = db.session.execute(select(Unit.id, Unit.name, Unit.short_name).where(
            or_(Unit.id.in_(choosable_units(user, training_class)), Unit.id.in_(set(own_units))))).all()
        self.ids = {r[0] for r in rows}
        self.by_name: dict[str, set[int]] = {}
        for unit_id, *names in rows:
            for name in names:
                if name:
                    self.by_name.setdefault(fold(name), set()).add(unit_id)

    def find(self, value: str, own: int | None) -> tuple[int | None, str]:
        """(unit id, "") or (None, the Vietnamese reason)."""
        code, name = parse(value)
        if code is not None:
            if code in self.ids:
                return code, ""
            return None, f"Không có đơn vị mã {code} trong phạm vi của bạn."
        found = self.by_name.get(name, set())
        if own in found:
            return own, ""
        if len(found) == 1:
            return next(iter(found)), ""
        if found:
            codes = ", ".join(str(i) for i in sorted(found))
            return None, f"“{value}” trùng tên với {len(found)} đơn vị (mã {codes}); hãy ghi mã đơn vị."
        return None, f"Không có đơn vị “{value}” trong phạm vi của bạn."


def resolve(rows: list[dict], errors: list[RowError], header: str, user, training_class) -> None:
    """Set row["unit_id"] (the unit the row's person works in after loading, None: not said) and, for a
    matched person, row["unit_change"] ("fill" or "change", when their unit will be written)."""
    workplaces = Workplaces(user, training_class, {r["own_unit_id"] for r in rows if r.get("own_unit_id")})
    fallback = default_unit(training_class)
    for row in rows:
        own = row.get("own_unit_id")
        row["unit_change"] = None
        if row.get("workplace"):
            unit_id, reason = workplaces.find(row["workplace"], own)
            if unit_id is None:
                errors.append(RowError(row["row"], header, reason))
                continue
        else:
            unit_id = own or fallback
        row["unit_id"] = unit_id
        if row.get("person_id") is not None and unit_id is not None and unit_id != own:
            row["unit_change"] = "change" if own else "fill"
