"""Scoped reads of the plan pages: plans, an activity's neighbours and files, district plans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, exists, false, func, or_, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import Activity, ActivityDependency, Area, DistrictPlan, Evidence, Plan, Unit, User
from app.scope import scoped, visible


def programme_plans():
    """The programme's plans: those of a province (KH 137, its successors); a district's own plan is not one."""
    return select(Plan).join(Area, Area.id == Plan.area_id).where(Area.level == "province")


def plan_in_force(day: dt.date) -> Plan | None:
    """The programme's plan in force on `day`: the one whose period contains it (the latest started when periods
    overlap), else the latest that started before it, else the first (a day before every plan); None without
    one. Dashboards, targets and reports read "the" plan through this function only."""
    order = (Plan.period_start.desc(), Plan.issued_on.desc(), Plan.id.desc())
    plans = programme_plans()
    return (db.session.scalar(plans.where(Plan.period_start <= day, Plan.period_end >= day)
                              .order_by(*order).limit(1))
            or db.session.scalar(plans.where(Plan.period_start <= day).order_by(*order).limit(1))
            or db.session.scalar(plans.order_by(Plan.period_start, Plan.id).limit(1)))


def plans_for(user) -> list[Plan]:
    """Plans the user may see: the widest area first, then the newest."""
    stmt = scoped(Plan, user).join(Area, Area.id == Plan.area_id).order_by(
        func.length(Area.path), Plan.issued_on.desc(), Plan.id)
    return list(db.session.scalars(stmt))


@dataclass
class Neighbours:
    predecessors: list[tuple[ActivityDependency, Activity]]
    successors: list[tuple[ActivityDependency, Activity]]


def neighbours(activity: Activity) -> Neighbours:
    def linked(own, other):
        rows = db.session.execute(
            select(ActivityDependency, Activity).join(Activity, Activity.id == other)
            .where(own == activity.id).order_by(Activity.number)
        ).all()
        return [(dep, act) for dep, act in rows]

    return Neighbours(linked(ActivityDependency.successor_id, ActivityDependency.predecessor_id),
                      linked(ActivityDependency.predecessor_id, ActivityDependency.successor_id))


def other_activities(activity: Activity) -> list[tuple[int, str]]:
    rows = db.session.execute(select(Activity.id, Activity.number, Activity.title).where(
        Activity.plan_id == activity.plan_id, Activity.id != activity.id).order_by(Activity.number))
    return [(i, f"HĐ {n}. {t[:90]}") for i, n, t in rows]


def evidence_for(user, *, activity_id: int | None = None, district_plan_ids: list[int] | None = None):
    """Files the user may download, newest first, with the uploader's name."""
    stmt = select(Evidence, User.full_name, User.username).outerjoin(User, User.id == Evidence.uploaded_by_id).where(
        visible(Evidence, user))
    if activity_id is not None:
        stmt = stmt.where(Evidence.activity_id == activity_id)
    if district_plan_ids is not None:
        stmt = stmt.where(Evidence.district_plan_id.in_(district_plan_ids))
    return db.session.execute(stmt.order_by(Evidence.uploaded_at.desc(), Evidence.id.desc())).all()


def evidence_counts(activity_ids: list[int], user) -> dict[int, int]:
    if not activity_ids:
        return {}
    return dict(db.session.execute(
        select(Evidence.activity_id, func.count(Evidence.id))
        .where(Evidence.activity_id.in_(activity_ids), visible(Evidence, user)).group_by(Evidence.activity_id)
    ).all())


def unit_choices() -> list[tuple[int, str]]:
    return [(i, name) for i, name in db.session.execute(select(Unit.id, Unit.name).order_by(Unit.search_key))]


@dataclass
class DistrictRow:
    area: Area
    plan: DistrictPlan | None
    files: int

    def issued_by(self, today: dt.date) -> bool:
        return bool(self.plan and self.plan.issued_on and self.plan.issued_on <= today)


def planned_districts():
    """The condition on `Area` of a district inside the area a stored plan names (its `area_code`, on any map:
    after the 2025 map change the plan moves to the new province, and its districts stay those of the old map)."""
    covering = aliased(Area)
    return and_(Area.level == "district", exists(
        select(Plan.id).join(covering, covering.code == Plan.area_code).where(Area.path.startswith(covering.path))))


COMMUNE_PLAN_INDICATOR = "communes_plan_issued"


def _commune_based_plans() -> list[tuple[str, dt.date]]:
    """(area code, period start) of the stored plans whose T1 counts the communes' own plans (a plan on the 2025
    map, which has no districts: "xã, phường ban hành kế hoạch")."""
    return [(code, start) for code, start, targets in db.session.execute(
        select(Plan.area_code, Plan.period_start, Plan.targets))
        if any(i.get("code") == COMMUNE_PLAN_INDICATOR for t in targets or () for i in t.get("indicators", ()))]


def planned_communes():
    """The condition on `Area` of a commune inside the area of a commune-based plan, on a map in force during
    that plan (the 2025 map for a plan of 2026): such a commune records its own plan, as a district did."""
    plans = _commune_based_plans()
    if not plans:
        return false()
    covering = aliased(Area)
    return and_(Area.level == "commune", or_(*[and_(
        or_(Area.valid_to.is_(None), Area.valid_to >= start),
        exists(select(covering.id).where(covering.code == code, Area.path.startswith(covering.path))))
        for code, start in plans]))


def takes_local_plan(area: Area) -> bool:
    """Whether `area` records its own plan: a district, or a commune of a commune-based plan."""
    if area.level == "district":
        return True
    return area.level == "commune" and db.session.scalar(
        select(Area.id).where(Area.id == area.id, planned_communes())) is not None


def district_rows(user) -> list[DistrictRow]:
    """Every district the user may see inside a stored plan's area (and every commune of a commune-based plan),
    with its recorded plan; newest map first."""
    areas = list(db.session.scalars(
        scoped(Area, user).where(or_(planned_districts(), planned_communes()))
        .order_by(Area.valid_from.desc(), Area.path)))
    ids = [a.id for a in areas]
    plans = {p.area_id: p for p in db.session.scalars(select(DistrictPlan).where(DistrictPlan.area_id.in_(ids)))}
    counts = dict(db.session.execute(
        select(DistrictPlan.area_id, func.count(Evidence.id)).join(Evidence, Evidence.district_plan_id ==
                                                                    DistrictPlan.id)
        .where(DistrictPlan.area_id.in_(ids)).group_by(DistrictPlan.area_id)).all()) if ids else {}
    return [DistrictRow(a, plans.get(a.id), counts.get(a.id, 0)) for a in areas]
