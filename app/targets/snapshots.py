"""Daily indicator snapshots: each measured indicator for the programme's area of the day and every area below
it on the working map, written by the daily gap scan (after 1/7/2025 on the un-migrated 2024 map: old Thái
Nguyên and old Bắc Kạn, `app.areas.maps.programme_roots`).

Rules: a run replaces the rows of its day (so running twice on a day leaves one set: idempotent); areas with
neither a numerator nor a denominator get no row; the series of an area is its rows ordered by day, of several
top areas the sums of their rows on the days every one of them has a row.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import delete, func, insert, select

from app.areas.maps import AreaGraph
from app.extensions import db
from app.models import IndicatorSnapshot
from app.targets.indicators import Measure

__all__ = ["subtree_totals", "write_snapshots", "series_all", "snapshot_day"]


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


def write_snapshots(day: dt.date, measures: dict[str, Measure], graph: AreaGraph, root_ids: list[int]) -> int:
    """Replace `day`'s snapshot rows with those of the subtrees of `root_ids`; returns the number written."""
    db.session.execute(delete(IndicatorSnapshot).where(IndicatorSnapshot.day == day))
    rows = []
    for root_id in root_ids:
        for code, m in measures.items():
            nums = subtree_totals(m.numerators, graph, root_id)
            dens = subtree_totals(m.denominators, graph, root_id)
            for area_id in sorted(set(nums) | set(dens) | {root_id}):
                rows.append({"day": day, "indicator_code": code, "area_id": area_id,
                             "numerator": nums.get(area_id, 0),
                             "denominator": dens.get(area_id, 0) if m.has_denominator else None})
    if rows:
        db.session.execute(insert(IndicatorSnapshot), rows)
    db.session.flush()
    return len(rows)


def series_all(codes, area_ids: list[int], until: dt.date | None = None) -> dict[str, list[tuple[dt.date, float]]]:
    """(day, ratio) of each indicator of `codes`, oldest first, for the areas `area_ids` taken together, in one
    statement (the dashboard's trends): a day counts when every one of the areas has its row that day and the
    summed denominator is not zero; up to `until` when given."""
    found: dict[str, list[tuple[dt.date, float]]] = {code: [] for code in codes}
    if not found:
        return found
    stmt = (select(IndicatorSnapshot.indicator_code, IndicatorSnapshot.day, func.sum(IndicatorSnapshot.numerator),
                   func.sum(IndicatorSnapshot.denominator), func.count(IndicatorSnapshot.id))
            .where(IndicatorSnapshot.indicator_code.in_(list(found)), IndicatorSnapshot.area_id.in_(area_ids))
            .group_by(IndicatorSnapshot.indicator_code, IndicatorSnapshot.day)
            .order_by(IndicatorSnapshot.indicator_code, IndicatorSnapshot.day))
    if until is not None:
        stmt = stmt.where(IndicatorSnapshot.day <= until)
    areas = len(set(area_ids))
    for code, day, num, den, n in db.session.execute(stmt):
        if den and n == areas:
            found[code].append((day, num / den))
    return found


def _complete_days(area_ids: list[int]):
    """SELECT of the days on which every one of `area_ids` has snapshot rows."""
    return (select(IndicatorSnapshot.day).where(IndicatorSnapshot.area_id.in_(area_ids))
            .group_by(IndicatorSnapshot.day)
            .having(func.count(func.distinct(IndicatorSnapshot.area_id)) == len(set(area_ids))))


def snapshot_day(area_ids: list[int], day: dt.date | None = None, until: dt.date | None = None) -> dt.date | None:
    """The snapshot day to read for the areas: `day` itself when every area has rows that day (None: not
    snapped), or without `day` the latest such day (not after `until`)."""
    days = _complete_days(area_ids)
    if day is not None:
        return db.session.scalar(select(days.where(IndicatorSnapshot.day == day).subquery().c.day))
    if until is not None:
        days = days.where(IndicatorSnapshot.day <= until)
    return db.session.scalar(select(func.max(days.subquery().c.day)))
