"""The forecast page's inputs: today's cascade read from the database, projected with `rollout.forecast`.

Rules (what "today's cascade" is):
- one `AreaState` per child area of the dashboard's area (districts of the province on the 2024 map): its
  active trainers, its learners already reached (`app.counts.LEARNERS`, "Học viên (người)": distinct persons
  enrolled in the classes opened there by today, the number every page shows under that label) and its
  working-age population; the province's reached is its own distinct count (a person who learned in two
  districts counts once);
- classes per trainer per step: classes started in the last 90 days per active trainer, over 3 steps of 30 days
  (at least one class in 90 days per trainer when there is no recent data);
- learners per class: enrolments per class that was not cancelled;
- conversion: trainers promoted from a class (`origin_class_id`) per completed enrolment;
- delay before a new trainer's first class: the median days from certification to the first class;
- classes per trainer in total: the plan setting `classes_min` (the 2 of "2–3 classes");
- the weakest area: the one with the lowest share of its population reached (what-if "extra core trainers").
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, replace

from sqlalchemy import func, select

from app import counts
from app.areas.maps import AreaGraph, count_on_map
from app.counts import LEARNERS
from app.extensions import db
from app.models import Area, Enrollment, Trainer, TrainingClass
from app.targets.indicators import measure_all
from app.targets.snapshots import subtree_totals
from app.training.settings import plan_setting
from rollout.forecast import AreaState, ExtraTrainers, Forecast, ForecastParams, WhatIf, project

__all__ = ["Cascade", "current_cascade", "run_forecast"]

STEP_DAYS = 30


@dataclass(frozen=True)
class Cascade:
    states: list[AreaState]
    names: dict[int, str]
    params: ForecastParams
    weakest: int | None
    population: float
    reached: float


def _first_class_delay() -> int:
    first = select(TrainingClass.trainer_id, func.min(TrainingClass.start_on).label("first")) \
        .where(TrainingClass.start_on.is_not(None)).group_by(TrainingClass.trainer_id).subquery()
    rows = db.session.execute(select(Trainer.certified_on, first.c.first).join(first, first.c.trainer_id == Trainer.id)
                              .where(Trainer.certified_on.is_not(None)))
    days = [(f - c).days for c, f in rows if f is not None and f >= c]
    return int(statistics.median(days)) if days else STEP_DAYS


def current_cascade(day: dt.date, today: dt.date, area: Area, graph: AreaGraph) -> Cascade:
    children = [n.id for n in graph.nodes.values() if n.parent_id == area.id]
    trainers = subtree_totals(count_on_map("trainers.area_id", day, [Trainer.status == "active"], graph), graph,
                              area.id)
    by_child = counts.child_figures(area, today, graph, with_learners=True)
    reached = {c: by_child.get(c, {}).get(LEARNERS.key, 0) for c in children}
    reached_total = counts.figures(area, today, graph)[LEARNERS.key]
    working = measure_all(day, today, plan_setting("core_group_min_trainers"), graph)["working_age_trained_online"]
    population = subtree_totals(working.denominators, graph, area.id)
    active = max(1, trainers.get(area.id, 0))
    recent = db.session.scalar(select(func.count(TrainingClass.id)).where(
        TrainingClass.start_on >= today - dt.timedelta(days=90), TrainingClass.start_on <= today,
        TrainingClass.status != "cancelled")) or 0
    live = db.session.scalar(select(func.count(TrainingClass.id)).where(TrainingClass.status != "cancelled")) or 0
    enrolments = db.session.scalar(select(func.count(Enrollment.id))) or 0
    completed = db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.status == "completed")) or 0
    promoted = db.session.scalar(select(func.count(Trainer.id)).where(Trainer.origin_class_id.is_not(None))) or 0
    params = ForecastParams(
        step_days=STEP_DAYS,
        classes_per_trainer_per_step=round(max(recent / active / 3, 1 / 3), 3),
        learners_per_class=round(enrolments / live, 1) if live else 30.0,
        conversion_rate=round(min(1.0, promoted / completed), 4) if completed else 0.02,
        first_class_delay_days=_first_class_delay(),
        classes_per_trainer_total=float(plan_setting("classes_min")))
    names = dict(db.session.execute(select(Area.id, Area.name).where(Area.id.in_(children))).all())
    states = [AreaState(c, float(trainers.get(c, 0)), float(reached.get(c, 0)),
                        float(population[c]) if population.get(c) else None) for c in children]
    shares = {s.area_id: s.learners_reached / s.population for s in states if s.population}
    weakest = min(shares, key=lambda a: (shares[a], names.get(a, ""))) if shares else None
    return Cascade(states, names, params, weakest, float(sum(population.get(c, 0) for c in children)),
                   float(reached_total))


def run_forecast(cascade: Cascade, start: dt.date, steps: int, classes_total: float | None = None,
                 conversion: float | None = None, extra: int = 0) -> Forecast:
    """The projection from `start`, with the what-ifs: a class budget per trainer, a conversion rate, and
    `extra` core trainers starting in the weakest area on `start`."""
    params = replace(cascade.params, classes_per_trainer_total=classes_total) if classes_total else cascade.params
    extras = (ExtraTrainers(cascade.weakest, start, float(extra)),) if extra and cascade.weakest else ()
    return project(cascade.states, start, steps, params, WhatIf(conversion_rate=conversion, extra_trainers=extras))

