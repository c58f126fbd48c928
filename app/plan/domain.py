"""From stored rows to `rollout`'s plain plan, and the schedule and forecast the pages show.

Rules:
- the domain plan is rebuilt from the database (phases, activities, dependencies as stored), so a dependency
  edited on the web counts at once; `rollout.schedule` does all the maths;
- actual dates after `today` are not facts yet (a pinned `LANTOA_TODAY` may be earlier than what is stored):
  they are left out of the forecast;
- an activity is overdue when it is not done and `today` is past its planned finish (the gap rule
  `activity_overdue` with no grace).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Activity, ActivityDependency, Phase, Plan
from rollout import plan as domain
from rollout.schedule import Actual, Schedule, Slip, SlippageReport, compute_schedule, slippage

__all__ = ["PlanRows", "load_rows", "to_domain", "stated_plan", "actuals", "ActivityRow", "PlanView", "plan_view"]


@dataclass
class PlanRows:
    plan: Plan
    phases: list[Phase]
    activities: list[Activity]
    dependencies: list[ActivityDependency]

    def by_id(self) -> dict[int, Activity]:
        return {a.id: a for a in self.activities}


def load_rows(plan: Plan) -> PlanRows:
    phases = list(db.session.scalars(select(Phase).where(Phase.plan_id == plan.id).order_by(Phase.number)))
    activities = list(db.session.scalars(
        select(Activity).where(Activity.plan_id == plan.id).order_by(Activity.number)
        .options(selectinload(Activity.linked_units))
    ))
    dependencies = list(db.session.scalars(
        select(ActivityDependency).where(ActivityDependency.plan_id == plan.id).order_by(ActivityDependency.id)
    ))
    return PlanRows(plan, phases, activities, dependencies)


def to_domain(rows: PlanRows, dependencies: Iterable[tuple[int, int, int]] | None = None) -> domain.Plan:
    """The plan as `rollout` sees it; `dependencies` ((predecessor id, successor id, lag) triples) replace the
    stored ones when given (to test a change before saving it)."""
    number_of = {a.id: a.number for a in rows.activities}
    phase_number = {p.id: p.number for p in rows.phases}
    triples = dependencies if dependencies is not None else [
        (d.predecessor_id, d.successor_id, d.lag_days) for d in rows.dependencies]
    deps: dict[int, list[domain.Dependency]] = {}
    for pred, succ, lag in triples:
        deps.setdefault(number_of[succ], []).append(domain.Dependency(number_of[pred], number_of[succ], lag))
    plan = rows.plan
    return domain.Plan(
        number=plan.number, date=plan.issued_on, issuer=plan.issuer, title=plan.title, area_code=plan.area_code,
        period=domain.Window(plan.period_start, plan.period_end, plan.period_text),
        phases=tuple(domain.Phase(p.number, p.name, domain.Window(p.start_on, p.end_on, p.window_text),
                                  tuple(p.content or ())) for p in rows.phases),
        activities=tuple(domain.Activity(
            number=a.number, title=a.title, window=domain.Window(a.start_on, a.end_on, a.window_text),
            lead_units=tuple(a.lead_units or ()), coordinating_units=tuple(a.coordinating_units or ()),
            phase=phase_number.get(a.phase_id), quantities=dict(a.quantities or {}),
            depends_on=tuple(deps.get(a.number, ())),
        ) for a in rows.activities),
    )


def stated_plan(plan: Plan) -> domain.Plan:
    """The stored plan's header, levels and targets as `rollout` sees them (no phases nor activities): what the
    reports quote and measure against."""
    return domain.Plan(
        number=plan.number, date=plan.issued_on, issuer=plan.issuer, title=plan.title, area_code=plan.area_code,
        period=domain.Window(plan.period_start, plan.period_end, plan.period_text), phases=(), activities=(),
        levels=tuple(domain.LevelSpec(lv["number"], lv["name"], tuple(lv["content"]), lv["outcome"])
                     for lv in plan.levels or ()),
        targets=tuple(domain.TargetSpec(t["code"], t["text"], t["denominator"], dt.date.fromisoformat(t["deadline"]),
                                        tuple(domain.IndicatorSpec(i["code"], float(i["percent"]), i["label"])
                                              for i in t["indicators"]))
                      for t in plan.targets or ()))


def actuals(activities: Iterable[Activity], today: dt.date) -> dict[int, Actual]:
    """Actual dates known on `today`, by activity number."""
    facts = {}
    for a in activities:
        started = a.started_on if a.started_on and a.started_on <= today else None
        finished = a.finished_on if a.finished_on and a.finished_on <= today else None
        if started and finished and finished < started:
            started = None
        if started or finished:
            facts[a.number] = Actual(started, finished)
    return facts


@dataclass(frozen=True)
class ActivityRow:
    activity: Activity
    planned_start: dt.date
    planned_finish: dt.date
    latest_start: dt.date
    latest_finish: dt.date
    slack: int
    critical: bool
    on_critical_path: bool
    slip: Slip
    overdue: bool
    days_late: int

    @property
    def number(self) -> int:
        return self.activity.number


@dataclass
class PlanView:
    rows: PlanRows
    today: dt.date
    schedule: Schedule
    report: SlippageReport
    activities: list[ActivityRow]

    @property
    def plan(self) -> Plan:
        return self.rows.plan

    def row(self, number: int) -> ActivityRow:
        return next(r for r in self.activities if r.number == number)

    @property
    def overdue(self) -> list[ActivityRow]:
        return [r for r in self.activities if r.overdue]


def plan_view(rows: PlanRows, today: dt.date) -> PlanView:
    """Schedule (critical path) and forecast of the stored plan on `today`."""
    plan = to_domain(rows)
    schedule = compute_schedule(plan)
    report = slippage(plan, actuals(rows.activities, today), today)
    path = set(schedule.critical_path)
    result = []
    for a in rows.activities:
        s = schedule[a.number]
        overdue = a.status != "done" and today > s.earliest_finish
        result.append(ActivityRow(a, s.earliest_start, s.earliest_finish, s.latest_start, s.latest_finish, s.slack,
                                  s.critical, a.number in path, report.activities[a.number], overdue,
                                  (today - s.earliest_finish).days if overdue else 0))
    return PlanView(rows, today, schedule, report, result)
