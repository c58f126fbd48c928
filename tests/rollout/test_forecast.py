"""The cohort model against closed forms."""

from __future__ import annotations

import datetime as dt

import pytest

from rollout.errors import InvalidInputError
from rollout.forecast import AreaState, ExtraTrainers, ForecastParams, WhatIf, project

START = dt.date(2025, 1, 1)


def test_no_conversion_gives_linear_learner_growth():
    params = ForecastParams(step_days=30, classes_per_trainer_per_step=2, learners_per_class=10,
                            conversion_rate=0.0, classes_per_trainer_total=None)
    series = project([AreaState("W1", 5)], START, 6, params).series("W1")
    assert [p.learners_reached for p in series] == [100 * (n + 1) for n in range(6)]
    assert {p.trainers_total for p in series} == {5}
    assert series[0].date == START + dt.timedelta(days=30)


@pytest.mark.parametrize("r", [0.5, 1.0, 2.0, 3.0])
def test_one_class_per_trainer_gives_geometric_growth(r):
    L = 20
    params = ForecastParams(classes_per_trainer_per_step=1, learners_per_class=L, conversion_rate=r / L,
                            first_class_delay_days=0, classes_per_trainer_total=1)
    series = project([AreaState("W1", 4)], START, 8, params).series("W1")
    for n, point in enumerate(series):
        assert point.trainers_teaching == pytest.approx(4 * r**n)
        assert point.learners_new == pytest.approx(4 * r**n * L)
    assert series[-1].learners_reached == pytest.approx(sum(4 * r**n * L for n in range(8)))


def test_delay_and_budget():
    params = ForecastParams(step_days=30, classes_per_trainer_per_step=1, learners_per_class=10,
                            conversion_rate=0.1, first_class_delay_days=30, classes_per_trainer_total=2)
    series = project([AreaState("W1", 1)], START, 5, params).series("W1")
    # the root teaches in steps 0 and 1 (budget 2); each class yields one trainer, certified at the end of
    # the step, who teaches two steps later (one step of delay): A (of step 0) in 2-3, B in 3-4, C from 4
    assert [p.trainers_teaching for p in series] == [1, 1, 1, 2, 2]
    assert [p.new_trainers for p in series] == [1, 1, 1, 2, 2]
    assert [p.trainers_total for p in series] == [2, 3, 4, 6, 8]


def test_population_caps_the_reach():
    params = ForecastParams(classes_per_trainer_per_step=1, learners_per_class=30, conversion_rate=0.5,
                            first_class_delay_days=0, classes_per_trainer_total=None)
    state = AreaState("W1", 2, learners_reached=10, population=500)
    series = project([state], START, 10, params).series("W1")
    assert max(p.learners_reached for p in series) == pytest.approx(500)
    assert all(b.learners_reached >= a.learners_reached for a, b in zip(series, series[1:], strict=False))


def test_what_if_overrides_and_extra_trainers():
    params = ForecastParams(step_days=30, classes_per_trainer_per_step=1, learners_per_class=10,
                            conversion_rate=0.0, classes_per_trainer_total=None)
    states = [AreaState("W1", 1), AreaState("W2", 1)]
    what_if = WhatIf(classes_per_trainer_per_step=2,
                     extra_trainers=(ExtraTrainers("W2", START + dt.timedelta(days=45), 3),))
    forecast = project(states, START, 4, params, what_if)
    assert [p.learners_new for p in forecast.series("W1")] == [20, 20, 20, 20]
    assert [p.learners_new for p in forecast.series("W2")] == [20, 20, 80, 80]  # extras teach from step 2
    assert [p.trainers_total for p in forecast.series("W2")] == [1, 1, 4, 4]
    total = forecast.series()
    assert [p.learners_reached for p in total] == [40, 80, 180, 280]
    assert forecast.reach_date(100) == START + dt.timedelta(days=90)
    assert forecast.reach_date(10_000) is None
    assert project(states, START, 2, params, WhatIf(conversion_rate=0.1)).series("W1")[0].new_trainers == 1


@pytest.mark.parametrize("params", [ForecastParams(conversion_rate=1.5), ForecastParams(step_days=0),
                                    ForecastParams(classes_per_trainer_total=-1)])
def test_bad_parameters(params):
    with pytest.raises(InvalidInputError):
        project([AreaState("W1", 1)], START, 3, params)
    with pytest.raises(InvalidInputError):
        project([AreaState("W1", -1)], START, 3)
