"""Indicator ratio, trajectory, status and projection."""

from __future__ import annotations

import datetime as dt

import pytest

from rollout import PLANS_DIR
from rollout.errors import InvalidInputError
from rollout.indicators import (
    evaluate_indicator,
    evaluate_targets,
    projected_date,
    rate_per_day,
    status_for,
    trajectory_value,
)
from rollout.plan import IndicatorSpec, load_plan_file

D = dt.date
START, DEADLINE = D(2025, 1, 1), D(2025, 12, 31)


def test_trajectory_is_linear_and_clamped():
    args = {"start": D(2025, 1, 1), "deadline": D(2025, 1, 11), "target": 0.8}
    assert trajectory_value(D(2025, 1, 6), **args) == pytest.approx(0.4)
    assert trajectory_value(D(2024, 12, 1), **args) == 0.0
    assert trajectory_value(D(2026, 1, 1), **args) == pytest.approx(0.8)
    assert trajectory_value(D(2025, 1, 6), **args, baseline=0.2) == pytest.approx(0.5)
    with pytest.raises(InvalidInputError):
        trajectory_value(D(2025, 1, 6), start=D(2025, 1, 1), deadline=D(2025, 1, 1), target=1)


@pytest.mark.parametrize(("value", "expected", "status"), [
    (0.5, 0.5, "green"), (0.6, 0.5, "green"), (0.46, 0.5, "amber"), (0.45, 0.5, "amber"),
    (0.44, 0.5, "red"), (None, 0.5, "unknown"), (0.0, 0.0, "green"),
])
def test_status(value, expected, status):
    assert status_for(value, expected, tolerance=0.1) == status


def test_evaluate_indicator():
    spec = IndicatorSpec("communes_with_trainer", 100, "Xã có giảng viên")
    mid = D(2025, 7, 2)  # 182 of 364 days: expected 0.5
    result = evaluate_indicator(spec, 46, 100, mid, start=START, deadline=DEADLINE)
    assert (result.ratio, result.expected, result.status) == (0.46, 0.5, "amber")
    assert result.shortfall == pytest.approx(0.54)
    empty = evaluate_indicator(spec, 0, 0, mid, start=START, deadline=DEADLINE)
    assert (empty.ratio, empty.status, empty.shortfall) == (None, "unknown", None)
    with pytest.raises(InvalidInputError):
        evaluate_indicator(spec, -1, 10, mid, start=START, deadline=DEADLINE)


def test_evaluate_targets_on_kh137():
    plan = load_plan_file(PLANS_DIR / "kh137.yaml")
    counts = {"districts_plan_issued": (9, 9), "business_owners_trained": (100, 1000), "unknown_code": (1, 1)}
    results = evaluate_targets(plan, counts, D(2025, 12, 31))
    assert [(r.code, r.target, r.status) for r in results] == [
        ("districts_plan_issued", 1.0, "green"), ("business_owners_trained", 0.8, "red")]


def test_rate_and_projection():
    series = [(D(2025, 1, 1), 0.0), (D(2025, 1, 11), 0.1), (D(2025, 1, 21), 0.2)]
    assert rate_per_day(series) == pytest.approx(0.01)
    assert projected_date(series, 0.8) == D(2025, 3, 22)  # 60 more days at 0.01/day
    assert projected_date(series, 0.1) == D(2025, 1, 11)  # already reached
    assert projected_date([(D(2025, 1, 1), 0.3), (D(2025, 2, 1), 0.3)], 0.8) is None
    assert projected_date([], 0.8) is None
    assert rate_per_day([(D(2025, 1, 1), 0.3)]) == 0.0
