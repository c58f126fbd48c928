"""Who sees and who changes the plan, its evidence and the district plans.

Scope rules (registered with app.scope, so `visible`/`get_or_404` apply them):
- a plan or an activity is visible to a user whose area scope lies inside the plan's (activity's) area or
  contains it: a district coordinator sees the province plan and their own district's plans, never another
  district's; a unit coordinator sees the plans covering their unit's area; trainers see no plan;
- a dependency is visible with its successor activity;
- an evidence file is visible when its area (area scope) or its unit (unit scope) lies in the user's subtree;
- a district plan is visible to area scopes containing the district.
Changes:
- steering and admin edit everything: dependencies, the units linked as lead units, progress;
- a unit coordinator updates progress and attaches evidence for an activity when a linked lead unit lies in
  their unit's subtree (their unit leads it, or one of its sub-units does);
- a coordinator records the plan of a district inside their area scope (steering and admin: any district).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, or_, select

from app.extensions import db
from app.models import Activity, ActivityDependency, Area, DistrictPlan, Evidence, Phase, Plan, Unit
from app.models import activity_lead_units as links
from app.scope import Scope, area_subtree_ids, register_rule, scope_of, unit_subtree_ids

PLAN_ROLES = ("admin", "steering", "coordinator", "viewer")


def _ids_in_path(path: str | None) -> list[int]:
    return [int(part) for part in (path or "").strip("/").split("/") if part]


def _unit_area_path(unit_path: str) -> str | None:
    return db.session.scalar(select(Area.path).join(Unit, Unit.area_id == Area.id).where(Unit.path == unit_path))


def _covering(column, s: Scope) -> ColumnElement[bool]:
    """Rows placed in an area that contains the user's area, or lies inside their area scope."""
    if s.area_path:
        return or_(column.in_(_ids_in_path(s.area_path)), column.in_(area_subtree_ids(s.area_path)))
    if s.unit_path:
        return column.in_(_ids_in_path(_unit_area_path(s.unit_path)))
    return false()


def _plans(s: Scope) -> ColumnElement[bool]:
    return _covering(Plan.area_id, s)


def _phases(s: Scope) -> ColumnElement[bool]:
    return Phase.plan_id.in_(select(Plan.id).where(_plans(s)))


def _activities(s: Scope) -> ColumnElement[bool]:
    return _covering(Activity.area_id, s)


def _dependencies(s: Scope) -> ColumnElement[bool]:
    return ActivityDependency.successor_id.in_(select(Activity.id).where(_activities(s)))


def _evidence(s: Scope) -> ColumnElement[bool]:
    if s.area_path:
        return Evidence.area_id.in_(area_subtree_ids(s.area_path))
    if s.unit_path:
        return Evidence.unit_id.in_(unit_subtree_ids(s.unit_path))
    return false()


def _district_plans(s: Scope) -> ColumnElement[bool]:
    return DistrictPlan.area_id.in_(area_subtree_ids(s.area_path)) if s.area_path else false()


for _model, _rule in ((Plan, _plans), (Phase, _phases), (Activity, _activities),
                      (ActivityDependency, _dependencies), (Evidence, _evidence), (DistrictPlan, _district_plans)):
    register_rule(_model, _rule)


def may_see_plans(user) -> bool:
    return bool(user and user.is_authenticated and user.role in PLAN_ROLES)


def may_edit_plan(user) -> bool:
    """Dependencies and lead-unit links: steering and admin."""
    return bool(user and user.is_authenticated and user.role in ("admin", "steering"))


def may_update_activity(user, activity: Activity) -> bool:
    """Progress, actual dates and evidence: steering, admin, or a coordinator of a lead unit's subtree."""
    if may_edit_plan(user):
        return True
    if not (user and user.is_authenticated and user.role == "coordinator" and user.scope_unit_id):
        return False
    s = scope_of(user)
    return bool(s.unit_path) and bool(db.session.scalar(select(exists().where(
        links.c.activity_id == activity.id, links.c.unit_id.in_(unit_subtree_ids(s.unit_path))))))


def may_record_district_plan(user, district: Area) -> bool:
    if may_edit_plan(user):
        return True
    if not (user and user.is_authenticated and user.role == "coordinator" and user.scope_area_id):
        return False
    s = scope_of(user)
    return bool(s.area_path) and district.path.startswith(s.area_path)


def led_activity_ids(s: Scope):
    """Ids of activities a scope is responsible for: a linked lead unit lies in the unit subtree, or (area
    scope) in an organisation placed inside the area subtree."""
    if s.unit_path:
        return select(links.c.activity_id).where(links.c.unit_id.in_(unit_subtree_ids(s.unit_path)))
    if s.area_path:
        placed = select(Unit.id).where(Unit.area_id.in_(area_subtree_ids(s.area_path)))
        return select(links.c.activity_id).where(links.c.unit_id.in_(placed))
    return select(links.c.activity_id).where(false())
