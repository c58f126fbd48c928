"""Who may DO what: one table of roles × actions, a few object rules, and `may(user, action, obj=None)`.

`app/scope.py` answers "may see" (every query and `get_or_404`); this module answers "may do": which
pages and buttons a role has, and which changes it may make. Views, templates (the Jinja global `may`),
navigation and access helpers ask `may` instead of comparing roles.

Rules:
- an unauthenticated user (or None) may do nothing;
- an action that is not in `ACTIONS` raises `UnknownAction`: a typo must not silently deny or allow;
- the role must be listed for the action in `ACTIONS`;
- where the answer depends on the object, the action's rule in `RULES` decides too. Without an object, a rule
  answers for "some object" (e.g. whether to show the page at all); with one, for that object:
  - `change_data`, `change_class`, `place_area`, `invite_trainers`: the object lies in the user's scope (`scope.sees`), so a
    trainer changes their own classes only and a coordinator their area or unit subtree only; an online
    platform's class (`TrainingClass.platform`) is changed by nobody by hand: the API's records keep it;
  - `register_class`: a trainer account registers classes only once it has its own trainer record;
  - `update_activity`: steering and admin any activity; a unit coordinator the activities that a lead unit of
    their unit's subtree leads (an area coordinator none);
  - `record_district_plan`: steering and admin any district; an area coordinator the districts inside their
    area subtree (a unit coordinator none);
  - `see_unit_targets`: those who see every unit, and users scoped to a unit (not an area coordinator, whose
    figures are the area dashboard's);
  - `manage_units`: steering and admin the whole unit tree; a unit coordinator the units of their own subtree
    (their own unit included); an area coordinator none (they see the units placed in their area, read only).
- `home_for(user)` says which page is a role's home (dashboard).
Refusals answer 404 where the page does not exist for the role (like an id outside one's scope); the plan and
gap pages answer 403 for a visible object one may not change — the views keep their status codes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import exists, select

from app.extensions import db
from app.models import activity_lead_units
from app.models.vocab import ROLES
from app.scope import scope_of, sees, unit_subtree_ids

__all__ = ["ACTIONS", "RULES", "UnknownAction", "may", "require", "permission_required", "home_for"]

ADMIN, STEERING, COORDINATOR, TRAINER, VIEWER = "admin", "steering", "coordinator", "trainer", "viewer"
EVERYONE = frozenset(ROLES)
READERS = frozenset({ADMIN, STEERING, COORDINATOR, VIEWER})  # everyone but trainers
CHANGERS = frozenset({ADMIN, STEERING, COORDINATOR, TRAINER})  # everyone but viewers
MANAGERS = frozenset({ADMIN, STEERING, COORDINATOR})
LEADERS = frozenset({ADMIN, STEERING})
ADMINS = frozenset({ADMIN})

ACTIONS: dict[str, frozenset[str]] = {
    # pages to read
    "see_home": EVERYONE,
    "see_network": READERS,  # areas, units, trainers and the network pages in the menu
    "see_classes": EVERYONE,
    "see_learners": EVERYONE,
    "see_rankings": EVERYONE,
    "see_assignments": READERS,  # the assignment pages and their export
    "see_plans": READERS,
    "see_reports": READERS,
    "see_targets": READERS,
    "see_unit_targets": READERS,  # the unit indicator page (rule below)
    "see_gaps": READERS,
    "see_jobs": ADMINS,
    "see_audit": ADMINS,
    "receive_digest": frozenset({STEERING, COORDINATOR}),  # the e-mail digest (app/notifications/digest.py)
    # changes
    "change_data": CHANGERS,  # the generic "change what one sees" (gaps, placements)
    "register_class": CHANGERS,
    "change_class": CHANGERS,  # status, results, candidates, learners of a class
    "promote_learner": MANAGERS,
    "revoke_certificate": MANAGERS,
    "merge_people": MANAGERS,
    "edit_network": MANAGERS,  # add, edit, move trainers; the roster import
    "assign_trainers": MANAGERS,
    "recompute_suggestions": MANAGERS,  # "Tính lại" on the assignment page: the scope's suggestions computed now
    "generate_report": MANAGERS,
    "edit_report_narrative": LEADERS,  # số/ký hiệu, sections II–III, nơi nhận of the administrative reports
    "place_area": MANAGERS,  # place the records of a split commune
    "edit_clusters": LEADERS,
    "edit_plan": LEADERS,  # dependencies and lead units
    "update_activity": MANAGERS,  # progress and evidence (rule below)
    "record_district_plan": MANAGERS,  # (rule below)
    "edit_targets": LEADERS,  # targets and denominators
    "switch_map": ADMINS,  # move the data to a new administrative map
    "admin_users": ADMINS,
    "invite_trainers": frozenset({ADMIN, COORDINATOR}),  # invitations, resets, the sheet (rule: the trainer in scope)
    "run_jobs": ADMINS,
    "review_learning_records": MANAGERS,
    "manage_units": MANAGERS,  # create, edit, close units; the unit import (rule below)  # online learning records held for review, and matching them again
}


class UnknownAction(KeyError):
    """`may` was asked about an action that is not in the table."""


def _in_scope(user, obj) -> bool:
    return obj is None or sees(user, obj)


def _changes_class(user, obj) -> bool:
    return _in_scope(user, obj) and getattr(obj, "platform", None) is None


def _has_trainer_record(user, obj) -> bool:
    return user.role != TRAINER or scope_of(user).trainer_id is not None


def _leads_activity(user, activity) -> bool:
    s = scope_of(user)
    if s.everything or activity is None:
        return True
    if user.role != COORDINATOR or not s.unit_path:
        return False
    return bool(db.session.scalar(select(exists().where(
        activity_lead_units.c.activity_id == activity.id,
        activity_lead_units.c.unit_id.in_(unit_subtree_ids(s.unit_path))))))


def _district_in_area(user, district) -> bool:
    s = scope_of(user)
    if s.everything or district is None:
        return True
    return user.role == COORDINATOR and bool(s.area_path) and district.path.startswith(s.area_path)


def _sees_units(user, obj) -> bool:
    s = scope_of(user)
    return s.everything or bool(s.unit_path)


def _manages_unit(user, unit) -> bool:
    s = scope_of(user)
    if s.everything:
        return True
    if user.role != COORDINATOR or not s.unit_path:
        return False
    return unit is None or unit.path.startswith(s.unit_path)


RULES: dict[str, Callable[[object, object], bool]] = {
    "manage_units": _manages_unit,
    "change_data": _in_scope,
    "invite_trainers": _in_scope,
    "change_class": _changes_class,
    "place_area": _in_scope,
    "register_class": _has_trainer_record,
    "update_activity": _leads_activity,
    "record_district_plan": _district_in_area,
    "see_unit_targets": _sees_units,
}


def may(user, action: str, obj=None) -> bool:
    """Whether `user` may do `action` (to `obj`, when the answer depends on it)."""
    roles = ACTIONS.get(action)
    if roles is None:
        raise UnknownAction(action)
    if user is None or not getattr(user, "is_authenticated", False) or user.role not in roles:
        return False
    rule = RULES.get(action)
    return rule is None or bool(rule(user, obj))


def require(action: str, obj=None, status: int = 404) -> None:
    """Abort the request (404 by default: the page does not exist for this user) unless the current user may."""
    if not may(current_user, action, obj):
        abort(status)


def permission_required(action: str):
    """A view decorator: signed in, and allowed to do `action`, else 404."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            require(action)
            return view(*args, **kwargs)

        return wrapper

    return decorate


HOMES = {ADMIN: "overview", STEERING: "overview", COORDINATOR: "scope", VIEWER: "scope", TRAINER: "trainer"}


def home_for(user) -> tuple[str, int | None]:
    """The user's home: ("area", id) or ("unit", id) for a scoped coordinator or viewer, ("trainer", None) for a
    trainer (their classes), ("overview", None) for everyone else (the programme overview)."""
    home = HOMES[user.role]
    if home == "scope":
        if user.scope_area_id:
            return "area", user.scope_area_id
        if user.scope_unit_id:
            return "unit", user.scope_unit_id
        return "overview", None
    return home, None
