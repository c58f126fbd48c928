"""The one authorization checkpoint: what a user may see and change.

Rules:
- admin and steering see everything; a viewer without a scope sees everything, read only;
- a coordinator (or a scoped viewer) sees the subtree of their area, or of their unit;
- a trainer sees their own trainer record, their own classes and the persons in them;
- anything outside the scope answers 404, never 403, so ids leak nothing.
Every query for a user goes through `visible(Model, user)` (or `scoped`/`get_or_404`; `sees` for one loaded
row). What a user may DO with what they see is `app.permissions.may`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, g, has_request_context
from sqlalchemy import Select, and_, false, func, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from app.errors import OperationError
from app.extensions import db
from app.models import Area, AuditEvent, Certificate, Enrollment, Person, Trainer, TrainingClass, Unit, User

__all__ = ["Scope", "scope_of", "visible", "scoped", "get_or_404", "sees", "area_subtree_ids", "check_choice",
           "choice_or_404", "is_choosable", "OUTSIDE_CHOICES"]

OUTSIDE_CHOICES = "Giá trị không hợp lệ hoặc ngoài phạm vi được giao."
_MAX_ID = 2**31 - 1  # an INTEGER key; a larger number names nothing (and would overflow on PostgreSQL)


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    area_path: str | None = None
    unit_path: str | None = None
    trainer_id: int | None = None
    person_id: int | None = None
    admin: bool = False


def scope_of(user) -> Scope:
    """The user's scope, read once per request; unauthenticated users see nothing."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope()
    if has_request_context():
        cache = g.setdefault("lantoa_scopes", {})
        if user.id not in cache:
            cache[user.id] = _read_scope(user)
        return cache[user.id]
    return _read_scope(user)


def _read_scope(user) -> Scope:
    if user.role in ("admin", "steering"):
        return Scope(everything=True, admin=user.role == "admin")
    if user.role in ("coordinator", "viewer"):
        if user.scope_area_id is not None:
            return Scope(area_path=db.session.scalar(select(Area.path).where(Area.id == user.scope_area_id)))
        if user.scope_unit_id is not None:
            return Scope(unit_path=db.session.scalar(select(Unit.path).where(Unit.id == user.scope_unit_id)))
        return Scope(everything=user.role == "viewer")
    if user.role == "trainer" and user.person_id is not None:
        trainer_id = db.session.scalar(select(Trainer.id).where(Trainer.person_id == user.person_id))
        return Scope(trainer_id=trainer_id, person_id=user.person_id)
    return Scope()


def area_subtree_ids(path: str):
    return select(Area.id).where(Area.path.startswith(path))


def unit_subtree_ids(path: str):
    return select(Unit.id).where(Unit.path.startswith(path))


def _areas(s: Scope) -> ColumnElement[bool]:
    return Area.path.startswith(s.area_path) if s.area_path else false()


def _units(s: Scope) -> ColumnElement[bool]:
    if s.area_path:
        return Unit.area_id.in_(area_subtree_ids(s.area_path))
    return Unit.path.startswith(s.unit_path) if s.unit_path else false()


def _trainers(s: Scope) -> ColumnElement[bool]:
    if s.area_path:
        return Trainer.area_id.in_(area_subtree_ids(s.area_path))
    if s.unit_path:
        return Trainer.unit_id.in_(unit_subtree_ids(s.unit_path))
    return Trainer.id == s.trainer_id if s.trainer_id else false()


def _classes(s: Scope) -> ColumnElement[bool]:
    if s.area_path:
        return TrainingClass.venue_area_id.in_(area_subtree_ids(s.area_path))
    if s.unit_path:
        units = unit_subtree_ids(s.unit_path)
        return or_(
            TrainingClass.host_unit_id.in_(units),
            TrainingClass.trainer_id.in_(select(Trainer.id).where(Trainer.unit_id.in_(units))),
        )
    return TrainingClass.trainer_id == s.trainer_id if s.trainer_id else false()


def _enrollments(s: Scope) -> ColumnElement[bool]:
    """The enrolments of the classes one sees, and the online platform enrolments of the persons one sees (a
    platform's class spans the province, so its page stays with those who see it; each learner's own online
    enrolment is seen where the learner is)."""
    platform = select(TrainingClass.id).where(TrainingClass.platform.is_not(None))
    return or_(_class_enrollments(s),
               and_(Enrollment.class_id.in_(platform), Enrollment.person_id.in_(select(Person.id).where(_persons(s)))))


def _class_enrollments(s: Scope) -> ColumnElement[bool]:
    return Enrollment.class_id.in_(select(TrainingClass.id).where(_classes(s)))


def _persons(s: Scope) -> ColumnElement[bool]:
    if s.area_path:
        return or_(
            Person.home_area_id.in_(area_subtree_ids(s.area_path)),
            Person.unit_id.in_(select(Unit.id).where(_units(s))),
        )
    if s.unit_path:
        return Person.unit_id.in_(unit_subtree_ids(s.unit_path))
    if s.trainer_id:
        mine = select(Enrollment.person_id).where(_class_enrollments(s))
        return or_(Person.id == s.person_id, Person.id.in_(mine))
    return false()


def _certificates(s: Scope) -> ColumnElement[bool]:
    """A certificate is seen with the class that issued it, or by its holder's scope."""
    return or_(
        Certificate.class_id.in_(select(TrainingClass.id).where(_classes(s))),
        Certificate.person_id.in_(select(Person.id).where(_persons(s))),
    )


def _admin_only(s: Scope) -> ColumnElement[bool]:
    return true() if s.admin else false()


_RULES: dict[type, Callable[[Scope], ColumnElement[bool]]] = {
    Area: _areas,
    Unit: _units,
    Trainer: _trainers,
    TrainingClass: _classes,
    Enrollment: _enrollments,
    Person: _persons,
    Certificate: _certificates,
    User: _admin_only,
    AuditEvent: _admin_only,
}


def register_rule(model: type, rule: Callable[[Scope], ColumnElement[bool]]) -> None:
    """Let a feature package declare the scope rule of its own model."""
    _RULES[model] = rule


def visible(model: type, user) -> ColumnElement[bool]:
    """The WHERE clause limiting `model` to what `user` may see."""
    s = user if isinstance(user, Scope) else scope_of(user)
    if s.everything and model not in (User, AuditEvent):
        return true()
    return _RULES[model](s)


def scoped(model: type, user) -> Select:
    return select(model).where(visible(model, user))


def get_or_404(model: type, ident: int, user):
    """Load one row the user may see, or answer 404."""
    if _ids(ident) != {ident}:
        abort(404)  # names no row (0, negative, not a number; a larger one would overflow the database's integer)
    obj = db.session.scalar(scoped(model, user).where(model.id == ident))
    if obj is None:
        abort(404)
    return obj


def sees(user, obj) -> bool:
    """Whether `user` may see this loaded row: the same rule as `visible`, asked of one id."""
    model = type(obj)
    s = user if isinstance(user, Scope) else scope_of(user)
    if s.everything and model not in (User, AuditEvent):
        return True
    return db.session.scalar(select(model.id).where(model.id == obj.id, visible(model, s))) is not None

def _ids(value) -> set[int] | None:
    """The ids a submitted value names (an int, a digit string, or a list of them); None when one is not an id."""
    items = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
    ids = set()
    for item in items:
        if item in (None, "", 0, "0"):
            continue
        try:
            ident = int(item)
        except (TypeError, ValueError):
            return None
        if not 0 < ident <= _MAX_ID:
            return None
        ids.add(ident)
    return ids


def is_choosable(value, allowed: Select) -> bool:
    """Whether every id `value` names is one that `allowed` returns.

    `allowed` is a SELECT of one id column: the set the user may choose from (the same statement the form's
    options are read from). The check is one query narrowed to the ids submitted (`allowed … AND id IN (…)`,
    counted), so a set of thousands is never loaded. Nothing submitted (None, "", 0, []) is choosable: whether a
    choice is required is the form's own rule.
    """
    ids = _ids(value)
    if ids is None:
        return False
    if not ids:
        return True
    column = allowed.selected_columns[0]
    found = db.session.scalar(select(func.count()).select_from(
        allowed.where(column.in_(sorted(ids))).distinct().subquery()))
    return found == len(ids)


def check_choice(value, allowed: Select, field: str, message: str = OUTSIDE_CHOICES) -> None:
    """THE check of an id a user submitted (a form field, a hidden input, a typed record number): refused with
    a Vietnamese `OperationError` on `field` unless `is_choosable(value, allowed)`. Call it before writing."""
    if not is_choosable(value, allowed):
        raise OperationError(message, field=field)


def choice_or_404(value, allowed: Select) -> None:
    """The same check for an id in a query string (a list filter): outside the choosable set answers 404."""
    if not is_choosable(value, allowed):
        abort(404)


def venue_scope_path(user, trainer: Trainer) -> str | None:
    """The area subtree where a class may be held (a path prefix), or None for anywhere.

    A trainer teaches in the district of their own commune (the subtree of their area's
    parent); a coordinator registers in their area subtree; steering and admin anywhere.
    """
    s = scope_of(user)
    if s.everything:
        return None
    if s.area_path:
        return s.area_path
    area = db.session.get(Area, trainer.area_id) if trainer.area_id else None
    if area is None:
        return "/-/"  # a trainer without a commune may not place a class anywhere
    if area.parent_id is None:
        return area.path
    return db.session.scalar(select(Area.path).where(Area.id == area.parent_id))

