"""The targets steering measures against: the plan's indicators with stored percent, deadline and start.

Rules:
- the plan is the plan in force on the day asked for (`app.plan.queries.plan_in_force`: its period contains
  the day, else the latest started before it), with the targets it stores; without a stored plan, KH 137's file;
- every indicator of that plan has a target; a row in `targets` overrides the plan's percent and deadline
  (start defaults to the plan period's start), unless the row's start lies in the period of another stored plan
  (a row belongs to the plan whose period holds its start); `seed_targets` writes the missing rows from the plan;
- only steering and admin edit a target; the percent lies in (0, 100], the deadline after the start; every
  edit is audited with the values before and after.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select

from app.audit import record
from app.errors import OperationError
from app.extensions import db
from app.models import Plan as PlanRow
from app.models import Target
from app.permissions import may
from app.plan.queries import plan_in_force, programme_plans
from app.timeutil import local_today, utcnow
from app.training.levels import PLAN_FILE
from rollout.plan import IndicatorSpec, Plan, load_plan_file

__all__ = ["TargetValue", "plan", "current_targets", "seed_targets", "update_target"]


@dataclass(frozen=True)
class TargetValue:
    code: str
    label: str
    target_code: str  # T1..T6
    percent: float
    deadline: dt.date
    start_on: dt.date

    @property
    def spec(self) -> IndicatorSpec:
        return IndicatorSpec(self.code, self.percent, self.label)

    @property
    def fraction(self) -> float:
        return self.percent / 100.0


@lru_cache(maxsize=1)
def plan() -> Plan:
    return load_plan_file(PLAN_FILE)


def _defaults(stored: PlanRow | None) -> dict[str, TargetValue]:
    if stored is None or not stored.targets:
        p = plan()
        return {spec.code: TargetValue(spec.code, spec.label, t.code, spec.percent, t.deadline, p.period.start)
                for t in p.targets for spec in t.indicators}
    return {i["code"]: TargetValue(i["code"], i["label"], t["code"], float(i["percent"]),
                                   dt.date.fromisoformat(t["deadline"]), stored.period_start)
            for t in stored.targets for i in t["indicators"]}


def _other_periods(stored: PlanRow | None) -> list[tuple[dt.date, dt.date]]:
    if stored is None:
        return []
    return [(p.period_start, p.period_end) for p in db.session.scalars(programme_plans().where(PlanRow.id != stored.id))]


def current_targets(day: dt.date | None = None) -> dict[str, TargetValue]:
    """Every indicator of the plan in force on `day` (default: today) with its target (stored row over the
    plan's default), in plan order."""
    stored = plan_in_force(day or local_today())
    values = _defaults(stored)
    others = _other_periods(stored)
    for row in db.session.scalars(select(Target)):
        if any(a <= row.start_on <= b for a, b in others):
            continue  # the row of another plan
        if row.indicator_code in values:
            base = values[row.indicator_code]
            values[row.indicator_code] = TargetValue(base.code, base.label, base.target_code, row.target_percent,
                                                     row.deadline, row.start_on)
    return values


def seed_targets(day: dt.date | None = None) -> int:
    """Insert the default of the plan in force on `day` for every indicator without a row; returns how many were
    added."""
    existing = set(db.session.scalars(select(Target.indicator_code)))
    added = 0
    for value in _defaults(plan_in_force(day or local_today())).values():
        if value.code not in existing:
            db.session.add(Target(indicator_code=value.code, target_percent=value.percent,
                                  deadline=value.deadline, start_on=value.start_on))
            added += 1
    db.session.flush()
    return added


def update_target(code: str, percent: float, deadline: dt.date, start_on: dt.date, user) -> Target:
    """Store a target's percent, deadline and start; audited. Flushes, never commits."""
    if not may(user, "edit_targets"):
        raise OperationError("Chỉ Ban Chỉ đạo được sửa chỉ tiêu.")
    if code not in _defaults(plan_in_force(local_today())):
        raise OperationError("Không có chỉ tiêu này trong kế hoạch.")
    if not 0 < percent <= 100:
        raise OperationError("Tỷ lệ mục tiêu phải lớn hơn 0 và không quá 100%.", field="target_percent")
    if deadline <= start_on:
        raise OperationError("Hạn hoàn thành phải sau ngày bắt đầu.", field="deadline")
    seed_targets()
    row = db.session.get(Target, code)
    before = {"target_percent": row.target_percent, "deadline": row.deadline.isoformat(),
              "start_on": row.start_on.isoformat()}
    row.target_percent, row.deadline, row.start_on = percent, deadline, start_on
    row.updated_at, row.updated_by_id = utcnow(), user.id
    db.session.flush()
    record("target.update", entity="targets", before={"indicator_code": code, **before},
           after={"indicator_code": code, "target_percent": percent, "deadline": deadline.isoformat(),
                  "start_on": start_on.isoformat()})
    return row
