"""Daily indicator snapshots: each measured indicator for the programme's province and every area below it on
the working map, written by the daily gap scan.

Rules: a run replaces the rows of its day (so running twice on a day leaves one set: idempotent); areas with
neither a numerator nor a denominator get no row; the series of an area is its rows ordered by day.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import delete, insert, select

from app.areas.maps import AreaGraph
from app.extensions import db
from app.models import IndicatorSnapshot
from app.targets.indicators import Measure

__all__ = ["subtree_totals", "write_snapshots", "series"]


def subtree_totals(counts: Counter, graph: AreaGraph, root_id: int) -> Counter:
    """Each area of `root_id`'s subtree with the sum of the counts at it and below it."""
    totals: Counter = Counter()
    for area_id, n in counts.items():
        node = graph.nodes.get(area_id) if area_id is not None else None
        if node is None or root_id not in node.ids:
            continue
        for ancestor in node.ids[node.ids.index(root_id):]:
            totals[ancestor] += n
    return totals


def write_snapshots(day: dt.date, measures: dict[str, Measure], graph: AreaGraph, root_id: int) -> int:
    """Replace `day`'s snapshot rows; returns the number of rows written."""
    db.session.execute(delete(IndicatorSnapshot).where(IndicatorSnapshot.day == day))
    rows = []
    for code, m in measures.items():
        nums = subtree_totals(m.numerators, graph, root_id)
        dens = subtree_totals(m.denominators, graph, root_id)
        for area_id in sorted(set(nums) | set(dens) | {root_id}):
            rows.append({"day": day, "indicator_code": code, "area_id": area_id, "numerator": nums.get(area_id, 0),
                         "denominator": dens.get(area_id, 0) if m.has_denominator else None})
    if rows:
        db.session.execute(insert(IndicatorSnapshot), rows)
    db.session.flush()
    return len(rows)


def series(code: str, area_id: int) -> list[tuple[dt.date, float]]:
    """(day, ratio) of one indicator in one area, oldest first; days without a denominator are skipped."""
    rows = db.session.execute(select(IndicatorSnapshot.day, IndicatorSnapshot.numerator, IndicatorSnapshot.denominator)
                              .where(IndicatorSnapshot.indicator_code == code, IndicatorSnapshot.area_id == area_id)
                              .order_by(IndicatorSnapshot.day)).all()
    return [(day, num / den) for day, num, den in rows if den]
