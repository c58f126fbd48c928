"""The targets steering measures against: the plan's indicators with stored percent, deadline and start.

Rules:
- each programme plan has its own targets: the rows of `targets` with its `plan_id` (unique per plan and
  indicator code), seeded from its file when it is loaded (`seed_plan_targets`, called by
  `app.plan.loading.store_plan`) and by the daily scan for the plan in force (`seed_targets`);
- "the" targets of a day are those of the plan in force on it (`app.plan.queries.plan_in_force`: its period
  contains the day, else the latest started before it); without a stored plan, KH 137's file, whose edited rows
  carry no plan (and are adopted by KH 137's row when that plan is loaded);
- every indicator of a plan has a target; its row overrides the plan's percent and deadline (start defaults to
  the plan period's start); an edit changes the row of the plan it names, never another plan's;
- only steering and admin edit a target; the percent lies in (0, 100], the deadline after the start; every
  edit is audited with the plan and the values before and after.
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

__all__ = ["TargetValue", "plan", "current_targets", "targets_of", "seed_targets", "seed_plan_targets",
           "update_target", "programme_plan_ids"]


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


def _rows_of(stored: PlanRow | None):
    return select(Target).where(Target.plan_id.is_(None) if stored is None else Target.plan_id == stored.id)


def targets_of(stored: PlanRow | None) -> dict[str, TargetValue]:
    """Every indicator of a plan (None: KH 137's file, no plan stored) with its target — its own stored row over
    the plan's default —, in plan order."""
    values = _defaults(stored)
    for row in db.session.scalars(_rows_of(stored)):
        if row.indicator_code in values:
            base = values[row.indicator_code]
            values[row.indicator_code] = TargetValue(base.code, base.label, base.target_code, row.target_percent,
                                                     row.deadline, row.start_on)
    return values


def current_targets(day: dt.date | None = None) -> dict[str, TargetValue]:
    """The targets of the plan in force on `day` (default: today)."""
    return targets_of(plan_in_force(day or local_today()))


def programme_plan_ids():
    """SELECT of the ids of the programme's plans: those whose targets may be shown and edited."""
    return programme_plans().with_only_columns(PlanRow.id)


def seed_plan_targets(stored: PlanRow | None) -> int:
    """Insert the plan's default for every indicator of it without a row; returns how many were added. KH 137's
    row first adopts the rows kept while no plan was stored (edits made on KH 137's file)."""
    if stored is not None and stored.number == plan().number and stored.issuer == plan().issuer:
        own = set(db.session.scalars(select(Target.indicator_code).where(Target.plan_id == stored.id)))
        for row in db.session.scalars(select(Target).where(Target.plan_id.is_(None))):
            if row.indicator_code not in own:
                row.plan_id = stored.id
        db.session.flush()
    existing = set(db.session.scalars(_rows_of(stored).with_only_columns(Target.indicator_code)))
    added = 0
    for value in _defaults(stored).values():
        if value.code not in existing:
            db.session.add(Target(plan_id=stored.id if stored is not None else None, indicator_code=value.code,
                                  target_percent=value.percent, deadline=value.deadline, start_on=value.start_on))
            added += 1
    db.session.flush()
    return added


def seed_targets(day: dt.date | None = None) -> int:
    """Seed the targets of the plan in force on `day` (default: today); returns how many rows were added."""
    return seed_plan_targets(plan_in_force(day or local_today()))


def update_target(code: str, percent: float, deadline: dt.date, start_on: dt.date, user,
                  stored: PlanRow | None = None) -> Target:
    """Store a target of the plan `stored` (None: KH 137's file while no plan is stored): percent, deadline and
    start; audited. Flushes, never commits."""
    if not may(user, "edit_targets"):
        raise OperationError("Chỉ Ban Chỉ đạo được sửa chỉ tiêu.")
    if code not in _defaults(stored):
        raise OperationError("Không có chỉ tiêu này trong kế hoạch.")
    if not 0 < percent <= 100:
        raise OperationError("Tỷ lệ mục tiêu phải lớn hơn 0 và không quá 100%.", field="target_percent")
    if deadline <= start_on:
        raise OperationError("Hạn hoàn thành phải sau ngày bắt đầu.", field="deadline")
    seed_plan_targets(stored)
    row = db.session.scalar(_rows_of(stored).where(Target.indicator_code == code))
    plan_id = stored.id if stored is not None else None
    before = {"plan_id": plan_id, "indicator_code": code, "target_percent": row.target_percent,
              "deadline": row.deadline.isoformat(), "start_on": row.start_on.isoformat()}
    row.target_percent, row.deadline, row.start_on = percent, deadline, start_on
    row.updated_at, row.updated_by_id = utcnow(), user.id
    db.session.flush()
    record("target.update", row, before=before,
           after={"plan_id": plan_id, "indicator_code": code, "target_percent": percent,
                  "deadline": deadline.isoformat(), "start_on": start_on.isoformat()})
    return row
