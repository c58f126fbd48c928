"""Geometry for the server-rendered SVG line charts (trend of an indicator, forecast curves).

Rules: x runs over the dates (first to last, left to right), y over 0..`top` (bottom to top); a series with
fewer than two points draws nothing; coordinates are rounded to one decimal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

__all__ = ["polyline", "x_of"]


def polyline(points: Sequence[tuple[dt.date, float]], width: float, height: float, top: float,
             first: dt.date | None = None, last: dt.date | None = None) -> str:
    """SVG `points` for the series inside a `width` × `height` box, y scaled so that `top` is the box's top."""
    if len(points) < 2 or top <= 0:
        return ""
    first = first or points[0][0]
    last = last or points[-1][0]
    span = max(1, (last - first).days)
    return " ".join(f"{round((d - first).days / span * width, 1)},{round(height - min(v, top) / top * height, 1)}"
                    for d, v in points)


def x_of(day: dt.date, first: dt.date, last: dt.date, width: float) -> float | None:
    """The x of `day` on a chart running from `first` to `last`; None when the day is outside it.

    >>> x_of(dt.date(2025, 1, 11), dt.date(2025, 1, 1), dt.date(2025, 1, 21), 600)
    300.0
    >>> x_of(dt.date(2026, 1, 1), dt.date(2025, 1, 1), dt.date(2025, 1, 21), 600) is None
    True
    """
    if not first <= day <= last:
        return None
    return round((day - first).days / max(1, (last - first).days) * width, 1)
