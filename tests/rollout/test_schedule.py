"""Critical path, cycles and slippage on literal plans with a fixed ``today``."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from rollout import PLANS_DIR
from rollout.errors import InvalidInputError, ScheduleCycleError, UnknownActivityError
from rollout.plan import load_plan_file
from rollout.schedule import Actual, compute_schedule, slippage, successors_shift
from tests.rollout.factories import small_plan


def D(month_day: str) -> dt.date:  # noqa: N802 - reads like a literal
    return dt.date.fromisoformat(f"2025-{month_day}")


@pytest.fixture
def plan():
    #  1 (10 d) -> 2 (10 d) -> 5 (5 d);  3 (5 d) -lag 2-> 4 (3 d) -> 5
    return small_plan([
        (1, "2025-01-01", "2025-01-10", []),
        (2, "2025-01-11", "2025-01-20", [(1, 0)]),
        (3, "2025-01-01", "2025-01-05", []),
        (4, "2025-01-06", "2025-01-08", [(3, 2)]),
        (5, "2025-01-21", "2025-01-25", [(2, 0), (4, 0)]),
    ])


def test_forward_and_backward_pass(plan):
    s = compute_schedule(plan)
    assert (s.start, s.finish) == (D("01-01"), D("01-25"))
    assert (s[4].earliest_start, s[4].earliest_finish) == (D("01-08"), D("01-10"))  # pushed by the lag
    assert (s[4].latest_start, s[4].latest_finish) == (D("01-18"), D("01-20"))
    assert (s[3].latest_start, s[3].latest_finish) == (D("01-11"), D("01-15"))
    assert {n: a.slack for n, a in s.activities.items()} == {1: 0, 2: 0, 3: 10, 4: 10, 5: 0}
    assert s.critical == (1, 2, 5)
    assert s.critical_path == (1, 2, 5)
    assert s[2].duration == 10


def test_window_start_is_a_floor():
    s = compute_schedule(small_plan([
        (1, "2025-01-01", "2025-01-02", []),
        (2, "2025-03-01", "2025-03-10", [(1, 0)]),
    ]))
    assert s[2].earliest_start == D("03-01")
    assert s[1].slack == (D("02-28") - D("01-02")).days
    assert s.critical_path == (2,)


def test_empty_plan_is_refused(plan):
    with pytest.raises(InvalidInputError):
        compute_schedule(dataclasses.replace(plan, activities=()))


def test_cycle_is_refused():
    plan = small_plan([
        (1, "2025-01-01", "2025-01-10", [(3, 0)]),
        (2, "2025-01-11", "2025-01-20", [(1, 0)]),
        (3, "2025-01-21", "2025-01-30", [(2, 0)]),
        (4, "2025-01-01", "2025-01-30", []),
    ])
    with pytest.raises(ScheduleCycleError) as err:
        compute_schedule(plan)
    assert err.value.code == "cycle"
    assert sorted(err.value.params["cycle"]) == [1, 2, 3]


def test_kh137_is_consistent_with_its_windows():
    plan = load_plan_file(PLANS_DIR / "kh137.yaml")
    s = compute_schedule(plan)
    for activity in plan.activities:
        assert (s[activity.number].earliest_start, s[activity.number].earliest_finish) == (
            activity.window.start, activity.window.end)
    assert s.finish == dt.date(2025, 12, 31)
    assert s.critical_path == (1, 3, 5, 10)
    assert s[2].slack > 0 and s[4].slack > 0
    report = slippage(plan, {}, dt.date(2024, 11, 20))
    assert report.slipping == () and report.finish_slip_days == 0


def test_slippage_propagates_and_float_absorbs(plan):
    report = slippage(plan, {1: Actual(started_on=D("01-01"))}, today=D("01-12"))
    a = report.activities
    assert (a[1].status, a[1].forecast_finish, a[1].finish_slip_days, a[1].cause) == (
        "in_progress", D("01-12"), 2, "overrun")
    assert (a[2].forecast_start, a[2].finish_slip_days, a[2].cause, a[2].driving_predecessor) == (
        D("01-13"), 2, "predecessor", 1)
    assert (a[3].status, a[3].forecast_start, a[3].cause) == ("not_started", D("01-12"), "late_start")
    assert (a[4].forecast_start, a[4].forecast_finish) == (D("01-19"), D("01-21"))
    assert (a[5].forecast_start, a[5].driving_predecessor, a[5].finish_slip_days) == (D("01-23"), 2, 2)
    assert report.finish_slip_days == 2
    assert report.slipping == (1, 2, 3, 4, 5)


def test_done_activities_use_actual_dates(plan):
    actuals = {1: Actual(D("01-01"), D("01-08")), 3: Actual(D("01-02"), D("01-09"))}
    a = slippage(plan, actuals, today=D("01-09")).activities
    assert (a[1].status, a[1].finish_slip_days, a[1].cause) == ("done", -2, "early_finish")
    assert (a[3].finish_slip_days, a[3].cause) == (4, "overrun")
    assert a[2].forecast_start == D("01-11")  # an early finish does not pull the window
    assert a[4].forecast_start == D("01-12")


def test_successors_shift(plan):
    assert successors_shift(plan, 1, D("01-14")) == {2: 4, 5: 4}
    assert successors_shift(plan, 1, D("01-08")) == {2: 0, 5: 0}
    assert successors_shift(plan, 3, D("01-10")) == {4: 5, 5: 0}
    assert successors_shift(plan, 5, D("01-30")) == {}
    with pytest.raises(UnknownActivityError):
        successors_shift(plan, 9, D("01-30"))


@pytest.mark.parametrize(("actuals", "field"), [
    ({1: Actual(D("01-05"), D("01-04"))}, "actuals[1].finished_on"),
    ({1: Actual(D("02-05"))}, "actuals[1].started_on"),
])
def test_bad_actuals(plan, actuals, field):
    with pytest.raises(InvalidInputError) as err:
        slippage(plan, actuals, today=D("01-20"))
    assert err.value.params["field"] == field
    with pytest.raises(UnknownActivityError):
        slippage(plan, {8: Actual(D("01-05"))}, today=D("01-20"))
