"""Who sees and who changes the plan, its evidence and the district plans.

Scope rules (registered with app.scope, so `visible`/`get_or_404` apply them):
- a plan or an activity is visible to a user whose area scope lies inside the plan's (activity's) area or
  contains it: a district coordinator sees the province plan and their own district's plans, never another
  district's; a unit coordinator sees the plans covering their unit's area; trainers see no plan;
- a dependency is visible with its successor activity;
- an evidence file is visible when its area (area scope) or its unit (unit scope) lies in the user's subtree;
- a district plan is visible to area scopes containing the district.
Changes are actions of app/permissions.py: `see_plans`, `edit_plan` (steering and admin: dependencies and lead
units), `update_activity` (progress and evidence: steering, admin, or a unit coordinator whose unit subtree holds
a linked lead unit), `record_district_plan` (a coordinator for a district inside their area scope; steering and
admin any district).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select

from app.extensions import db
from app.models import Activity, ActivityDependency, Area, DistrictPlan, Evidence, Phase, Plan, Unit
from app.models import activity_lead_units as links
from app.scope import Scope, area_subtree_ids, register_rule, unit_subtree_ids


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


def led_activity_ids(s: Scope):
    """Ids of activities a scope is responsible for: a linked lead unit lies in the unit subtree, or (area
    scope) in an organisation placed inside the area subtree."""
    if s.unit_path:
        return select(links.c.activity_id).where(links.c.unit_id.in_(unit_subtree_ids(s.unit_path)))
    if s.area_path:
        placed = select(Unit.id).where(Unit.area_id.in_(area_subtree_ids(s.area_path)))
        return select(links.c.activity_id).where(links.c.unit_id.in_(placed))
    return select(links.c.activity_id).where(false())
