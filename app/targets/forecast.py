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

from app.areas.maps import AreaGraph
from app.counts import LEARNERS
from app.extensions import db
from app.models import Area, Enrollment, Trainer, TrainingClass
from app.targets.snapshots import subtree_totals
from app.training.settings import plan_setting
from rollout.forecast import AreaState, ExtraTrainers, Forecast, ForecastParams, WhatIf, project

__all__ = ["Cascade", "cascade_inputs", "current_cascade", "run_forecast"]

STEP_DAYS = 30


@dataclass(frozen=True)
class Cascade:
    states: list[AreaState]
    names: dict[int, str]
    params: ForecastParams
    weakest: int | None
    population: float
    reached: float
    computed_at: dt.datetime | None = None  # when the inputs were read (the stored summary `forecast`)


def _first_class_delay() -> int:
    first = select(TrainingClass.trainer_id, func.min(TrainingClass.start_on).label("first")) \
        .where(TrainingClass.start_on.is_not(None)).group_by(TrainingClass.trainer_id).subquery()
    rows = db.session.execute(select(Trainer.certified_on, first.c.first).join(first, first.c.trainer_id == Trainer.id)
                              .where(Trainer.certified_on.is_not(None)))
    days = [(f - c).days for c, f in rows if f is not None and f >= c]
    return int(statistics.median(days)) if days else STEP_DAYS


def cascade_inputs(day: dt.date, today: dt.date, area_id: int) -> dict:
    """The forecast's inputs for the area (plain JSON: the stored summary `forecast`): per child its active
    trainers (the area metrics), learners reached (`counts`: LEARNERS) and working-age population (the T5
    denominator), read from the stored summaries they are counted in; the parameters' counts."""
    from app.summaries.catalogue import area_metrics, counts_children, counts_figures, indicators

    graph = AreaGraph.load()
    area = db.session.get(Area, area_id)
    children = [n.id for n in graph.nodes.values() if n.parent_id == area.id]
    metrics, _ = area_metrics(day, today)
    trainers = subtree_totals(metrics["active_trainers"], graph, area.id)
    by_child, _ = counts_children(area, today, children)
    measures, _ = indicators(day, today, plan_setting("core_group_min_trainers"))
    population = subtree_totals(measures["working_age_trained_online"].denominators, graph, area.id)
    names = dict(db.session.execute(select(Area.id, Area.name).where(Area.id.in_(children))).all())
    recent = db.session.scalar(select(func.count(TrainingClass.id)).where(
        TrainingClass.start_on >= today - dt.timedelta(days=90), TrainingClass.start_on <= today,
        TrainingClass.status != "cancelled")) or 0
    live = db.session.scalar(select(func.count(TrainingClass.id)).where(TrainingClass.status != "cancelled")) or 0
    enrolments = db.session.scalar(select(func.count(Enrollment.id))) or 0
    completed = db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.status == "completed")) or 0
    promoted = db.session.scalar(select(func.count(Trainer.id)).where(Trainer.origin_class_id.is_not(None))) or 0
    return {
        "children": [{"id": c, "name": names.get(c, ""), "trainers": trainers.get(c, 0),
                      "reached": by_child.get(c, {}).get(LEARNERS.key, 0), "population": population.get(c) or None}
                     for c in children],
        "active": trainers.get(area.id, 0),
        "reached": counts_figures(area, today)[LEARNERS.key],
        "counts": {"recent": recent, "live": live, "enrolments": enrolments, "completed": completed,
                   "promoted": promoted},
        "first_class_delay": _first_class_delay(),
    }


def current_cascade(day: dt.date, today: dt.date, area: Area, graph: AreaGraph) -> Cascade:
    """Today's cascade from the stored summary of its inputs (`cascade_inputs`)."""
    from app.summaries.catalogue import forecast_inputs

    stored = forecast_inputs(day, today, area.id)
    inputs = stored.payload
    n = inputs["counts"]
    active = max(1, inputs["active"])
    params = ForecastParams(
        step_days=STEP_DAYS,
        classes_per_trainer_per_step=round(max(n["recent"] / active / 3, 1 / 3), 3),
        learners_per_class=round(n["enrolments"] / n["live"], 1) if n["live"] else 30.0,
        conversion_rate=round(min(1.0, n["promoted"] / n["completed"]), 4) if n["completed"] else 0.02,
        first_class_delay_days=inputs["first_class_delay"],
        classes_per_trainer_total=float(plan_setting("classes_min")))
    children = inputs["children"]
    names = {c["id"]: c["name"] for c in children}
    states = [AreaState(c["id"], float(c["trainers"]), float(c["reached"]),
                        float(c["population"]) if c["population"] else None) for c in children]
    shares = {s.area_id: s.learners_reached / s.population for s in states if s.population}
    weakest = min(shares, key=lambda a: (shares[a], names.get(a, ""))) if shares else None
    return Cascade(states, names, params, weakest, float(sum(c["population"] or 0 for c in children)),
                   float(inputs["reached"]), stored.computed_at)


def run_forecast(cascade: Cascade, start: dt.date, steps: int, classes_total: float | None = None,
                 conversion: float | None = None, extra: int = 0) -> Forecast:
    """The projection from `start`, with the what-ifs: a class budget per trainer, a conversion rate, and
    `extra` core trainers starting in the weakest area on `start`."""
    params = replace(cascade.params, classes_per_trainer_total=classes_total) if classes_total else cascade.params
    extras = (ExtraTrainers(cascade.weakest, start, float(extra)),) if extra and cascade.weakest else ()
    return project(cascade.states, start, steps, params, WhatIf(conversion_rate=conversion, extra_trainers=extras))

