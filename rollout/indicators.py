"""The plan's targets as indicators: ratio, expected value on a date, status and projected date.

Rules:
- ``ratio = numerator / denominator``; a missing or zero denominator gives ``ratio = None``, status
  'unknown';
- the expected value on a date follows a straight line from ``baseline`` on ``start`` to ``target`` on
  ``deadline`` (before ``start``: baseline; after ``deadline``: target);
- status compares the ratio with the expected value on ``as_of``: 'green' at or above it, 'amber' within
  ``tolerance`` below it (relative: ``ratio >= expected * (1 - tolerance)``), 'red' below that;
- a projection fits a least-squares line to the series (value per day) and extends the last observed value at
  that rate; it is ``None`` when the rate is not positive (the target is never reached at that rate).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rollout.errors import InvalidInputError
from rollout.plan import IndicatorSpec, Plan

__all__ = [
    "IndicatorResult",
    "trajectory_value",
    "status_for",
    "evaluate_indicator",
    "evaluate_targets",
    "rate_per_day",
    "projected_date",
]

_EPS = 1e-12


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    label: str
    numerator: float
    denominator: float | None
    ratio: float | None
    target: float
    expected: float
    status: str
    as_of: dt.date

    @property
    def shortfall(self) -> float | None:
        """How far the ratio is below the final target (0 when reached); ``None`` without a ratio."""
        return None if self.ratio is None else max(0.0, self.target - self.ratio)


def trajectory_value(on: dt.date, *, start: dt.date, deadline: dt.date, target: float,
                     baseline: float = 0.0) -> float:
    """The value a linear trajectory from ``(start, baseline)`` to ``(deadline, target)`` has on ``on``."""
    if deadline <= start:
        raise InvalidInputError("deadline", "must be after start")
    share = (on - start).days / (deadline - start).days
    return baseline + (target - baseline) * min(1.0, max(0.0, share))


def status_for(value: float | None, expected: float, tolerance: float = 0.1) -> str:
    """'green' | 'amber' | 'red' against ``expected``; 'unknown' when ``value`` is ``None``."""
    if not 0 <= tolerance < 1:
        raise InvalidInputError("tolerance", "must be in [0, 1)")
    if value is None:
        return "unknown"
    if value >= expected - _EPS:
        return "green"
    if value >= expected * (1 - tolerance) - _EPS:
        return "amber"
    return "red"


def evaluate_indicator(spec: IndicatorSpec, numerator: float, denominator: float | None, as_of: dt.date, *,
                       start: dt.date, deadline: dt.date, tolerance: float = 0.1,
                       baseline: float = 0.0) -> IndicatorResult:
    if numerator < 0 or (denominator is not None and denominator < 0):
        raise InvalidInputError(spec.code, "counts must not be negative")
    ratio = numerator / denominator if denominator else None
    expected = trajectory_value(as_of, start=start, deadline=deadline, target=spec.fraction,
                                baseline=baseline)
    return IndicatorResult(spec.code, spec.label, numerator, denominator, ratio, spec.fraction, expected,
                           status_for(ratio, expected, tolerance), as_of)


def evaluate_targets(plan: Plan, counts: Mapping[str, tuple[float, float | None]], as_of: dt.date, *,
                     tolerance: float = 0.1, start: dt.date | None = None) -> list[IndicatorResult]:
    """Every indicator of the plan that has ``counts[code] = (numerator, denominator)``, in plan order.

    Trajectories start on ``start`` (default: the plan period's start) and end on each target's deadline.
    """
    results = []
    for target in plan.targets:
        for spec in target.indicators:
            if spec.code in counts:
                numerator, denominator = counts[spec.code]
                results.append(evaluate_indicator(spec, numerator, denominator, as_of,
                                                  start=start or plan.period.start, deadline=target.deadline,
                                                  tolerance=tolerance))
    return results


def rate_per_day(series: Sequence[tuple[dt.date, float]]) -> float:
    """Least-squares slope of the series in value units per day (0 for fewer than two distinct dates)."""
    if len({d for d, _ in series}) < 2:
        return 0.0
    origin = min(d for d, _ in series)
    xs = [(d - origin).days for d, _ in series]
    ys = [v for _, v in series]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def projected_date(series: Sequence[tuple[dt.date, float]], target: float) -> dt.date | None:
    """When the series reaches ``target`` at its current rate.

    Already reached: the first observed date at or above the target. Not reachable (empty series or a rate
    that is not positive): ``None``. Otherwise the last date plus ``ceil((target - last value) / rate)`` days.
    """
    points = sorted(series)
    if not points:
        return None
    for day, value in points:
        if value >= target - _EPS:
            return day
    rate = rate_per_day(points)
    if rate <= _EPS:
        return None
    last_day, last_value = points[-1]
    return last_day + dt.timedelta(days=math.ceil((target - last_value) / rate - _EPS))
