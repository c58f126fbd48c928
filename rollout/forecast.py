"""Cascade projection: a discrete-time cohort model of trainers and learners, per area.

The model (expected values, so counts may be fractional):
- time runs in steps of ``step_days`` from ``start``; step ``n`` covers
  ``[start + n*step_days, start + (n+1)*step_days)`` and its point is dated at its end;
- a trainer cohort is ``(count, classes left, first step it may teach)``; the area's current active trainers
  form a cohort that may teach from step 0 with the full class budget;
- in a step, each ready trainer with classes left teaches ``min(classes_per_trainer_per_step, classes left)``
  classes of ``learners_per_class`` learners (``classes_per_trainer_total = None``: no budget, the trainer
  teaches in every step);
- with a ``population`` set, new learners are cut so that learners reached never exceed it;
- ``conversion_rate`` of the step's new learners become trainers, certified at the end of the step; they may
  teach from step ``n + 1 + ceil(first_class_delay_days / step_days)`` with the full budget;
- areas are independent: nobody moves between areas.
:class:`WhatIf` overrides the rates and adds core trainers to an area on a date (they may teach from the first
step starting on or after that date).

Closed forms that follow: with conversion 0 and no budget, learners grow linearly
(``T * k * L`` per step); with one class per trainer (``k = 1``, budget 1, no delay) and ``c * L = r``, the
trainers teaching in step ``n`` are ``T * r**n``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rollout.errors import InvalidInputError
from rollout.gap_inputs import Id

__all__ = ["ForecastParams", "AreaState", "ExtraTrainers", "WhatIf", "ForecastPoint", "Forecast", "project"]


@dataclass(frozen=True)
class ForecastParams:
    step_days: int = 30
    classes_per_trainer_per_step: float = 1.0
    learners_per_class: float = 30.0
    conversion_rate: float = 0.05
    first_class_delay_days: int = 30
    classes_per_trainer_total: float | None = 3.0  # the plan: each core trainer opens 2-3 classes

    def validate(self) -> None:
        checks = {
            "step_days": self.step_days >= 1,
            "classes_per_trainer_per_step": self.classes_per_trainer_per_step >= 0,
            "learners_per_class": self.learners_per_class >= 0,
            "conversion_rate": 0 <= self.conversion_rate <= 1,
            "first_class_delay_days": self.first_class_delay_days >= 0,
            "classes_per_trainer_total": self.classes_per_trainer_total is None
            or self.classes_per_trainer_total >= 0,
        }
        for name, ok in checks.items():
            if not ok:
                raise InvalidInputError(name, "out of range")


@dataclass(frozen=True)
class AreaState:
    area_id: Id
    active_trainers: float
    learners_reached: float = 0.0
    population: float | None = None


@dataclass(frozen=True)
class ExtraTrainers:
    area_id: Id
    on: dt.date
    count: float


@dataclass(frozen=True)
class WhatIf:
    classes_per_trainer_per_step: float | None = None
    conversion_rate: float | None = None
    learners_per_class: float | None = None
    extra_trainers: tuple[ExtraTrainers, ...] = ()

    def apply(self, params: ForecastParams) -> ForecastParams:
        changes = {k: v for k in ("classes_per_trainer_per_step", "conversion_rate", "learners_per_class")
                   if (v := getattr(self, k)) is not None}
        return replace(params, **changes)


@dataclass(frozen=True)
class ForecastPoint:
    area_id: Id | None
    step: int
    date: dt.date
    trainers_teaching: float
    trainers_total: float
    classes: float
    learners_new: float
    learners_reached: float
    new_trainers: float


@dataclass(frozen=True)
class Forecast:
    points: tuple[ForecastPoint, ...]

    def series(self, area_id: Id | None = None) -> list[ForecastPoint]:
        """One area's points, or (``area_id=None``) the sum over all areas, one point per step."""
        if area_id is not None:
            return [p for p in self.points if p.area_id == area_id]
        by_step: dict[int, list[ForecastPoint]] = {}
        for p in self.points:
            by_step.setdefault(p.step, []).append(p)
        return [ForecastPoint(None, step, ps[0].date, *(sum(getattr(p, f) for p in ps) for f in _SUMMED))
                for step, ps in sorted(by_step.items())]

    def reach_date(self, learners: float, area_id: Id | None = None) -> dt.date | None:
        """The end of the first step by which ``learners`` are reached; ``None`` within the horizon."""
        return next((p.date for p in self.series(area_id) if p.learners_reached >= learners), None)


_SUMMED = ("trainers_teaching", "trainers_total", "classes", "learners_new", "learners_reached",
           "new_trainers")


def _ready_step(start: dt.date, on: dt.date, step_days: int) -> int:
    return max(0, math.ceil((on - start).days / step_days))


def _project_area(state: AreaState, start: dt.date, steps: int, p: ForecastParams,
                  extras: Sequence[ExtraTrainers]) -> list[ForecastPoint]:
    budget = math.inf if p.classes_per_trainer_total is None else p.classes_per_trainer_total
    extra_cohorts = [[e.count, budget, _ready_step(start, e.on, p.step_days)] for e in extras]
    cohorts = [[state.active_trainers, budget, 0], *extra_cohorts]
    reached = state.learners_reached
    certified = 0.0
    delay = math.ceil(p.first_class_delay_days / p.step_days)
    points = []
    for n in range(steps):
        teaching = classes = 0.0
        for cohort in cohorts:
            count, left, ready = cohort
            if ready <= n and left > 0 and count > 0:
                taught = min(p.classes_per_trainer_per_step, left)
                cohort[1] = left - taught
                teaching += count
                classes += count * taught
        learners = classes * p.learners_per_class
        if state.population is not None:
            learners = max(0.0, min(learners, state.population - reached))
        reached += learners
        new = learners * p.conversion_rate
        if new > 0:
            cohorts.append([new, budget, n + 1 + delay])
        certified += new
        total = state.active_trainers + certified + sum(c[0] for c in extra_cohorts if c[2] <= n)
        points.append(ForecastPoint(state.area_id, n, start + dt.timedelta(days=(n + 1) * p.step_days),
                                    teaching, total, classes, learners, reached, new))
    return points


def project(states: Sequence[AreaState], start: dt.date, steps: int, params: ForecastParams | None = None,
            what_if: WhatIf | None = None) -> Forecast:
    """Project every area ``steps`` steps ahead from ``start``; see the module for the model."""
    if steps < 0:
        raise InvalidInputError("steps", "must not be negative")
    p = params or ForecastParams()
    if what_if is not None:
        p = what_if.apply(p)
    p.validate()
    extras = what_if.extra_trainers if what_if else ()
    points: list[ForecastPoint] = []
    for state in states:
        if state.active_trainers < 0:
            raise InvalidInputError(f"states[{state.area_id!r}].active_trainers", "must not be negative")
        points += _project_area(state, start, steps, p, [e for e in extras if e.area_id == state.area_id])
    return Forecast(tuple(points))
