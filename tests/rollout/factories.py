"""Small literal plans for the tests."""

from __future__ import annotations

from typing import Any

from rollout.plan import Plan, load_plan


def small_plan(rows: list[tuple[int, str, str, list[tuple[int, int]]]]) -> Plan:
    """``rows``: (number, start, end, [(predecessor, lag_days), ...]) with ISO dates."""
    activities: list[dict[str, Any]] = [
        {
            "number": number,
            "title": f"Hoạt động {number}",
            "window": {"start": start, "end": end},
            "depends_on": [{"activity": p, "lag_days": lag} for p, lag in deps],
        }
        for number, start, end, deps in rows
    ]
    return load_plan({
        "number": "1/KH-TEST",
        "date": "2024-12-01",
        "issuer": "UBND tỉnh Thử",
        "title": "Kế hoạch thử",
        "area_code": "P99",
        "period": {"start": "2025-01-01", "end": "2025-12-31"},
        "phases": [{"number": 1, "name": "Một", "window": {"start": "2025-01-01", "end": "2025-12-31"}}],
        "activities": activities,
    })
