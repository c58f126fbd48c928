"""The targets dashboard for a user's area: each indicator as actual against target (red/amber/green on its
trajectory), the child areas below their trajectory (worst first), the trend from the daily snapshots and the
date the target is reached at the current rate.

Rules:
- the page is as of a day: today by default, or a day the user chooses (`?ngay=`, never after today);
- the area is the user's scope area (its image on the working map) or, for steering and unscoped users, the
  programme's area on that day (`app.areas.maps.programme_roots`): old Thái Nguyên before 1/7/2025, the merged
  province from then on — on the un-migrated 2024 map old Thái Nguyên and old Bắc Kạn together, after
  `lantoa areas migrate` the 2025 province; a day before the working map's first day is shown on the map in
  force that day;
- the targets are those of the plan in force on that day (`current_targets(day)`);
- figures come from the daily snapshot (the daily scan writes them): by default the latest, for a chosen day
  that day's; a snapshot counts only if it holds every top area shown; otherwise from the stored
  summary `indicators` of that day (`app.summaries`: `measure_all` as of its `computed_at`, shown on the page; the
  same numbers: `app.targets.snapshots.subtree_totals` over `app.targets.indicators`);
- status uses `rollout.indicators.evaluate_indicator` with the target's start, deadline and percent and the
  tolerance setting; a child is listed when red or amber, ranked by its ratio to the expected value;
- an indicator without a figure (no denominator, a denominator of 0, an outcome indicator with no outcome
  recorded) says "chưa có số liệu" with its reason (`indicators.missing_reason`); the outcome indicators show
  how many of their learners have no outcome recorded yet;
- the projected date extends the snapshot series (plus today's value) at its least-squares rate
  (`rollout.indicators.projected_date`); None when the series does not rise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from app.areas.maps import (
    AreaGraph,
    available_maps,
    map_on,
    programme_province,
    programme_root,
    programme_roots,
    working_map,
)
from app.extensions import db
from app.models import Area, IndicatorSnapshot, Plan
from app.models.vocab import CLASS_MODES
from app.plan.queries import plan_in_force
from app.scope import scope_of
from app.summaries.catalogue import indicators
from app.targets.indicators import MEASURED, OUTCOME_UNRECORDED, missing_reason, t5_modes
from app.targets.snapshots import series_all, snapshot_day, subtree_totals
from app.targets.targets import TargetValue, current_targets
from app.training.settings import all_settings
from rollout.indicators import IndicatorResult, evaluate_indicator, projected_date

__all__ = ["ChildView", "IndicatorView", "Dashboard", "dashboard_for", "dashboard_area", "programme_view"]

Figures = dict[tuple[str, int], tuple[int, int | None]]


@dataclass(frozen=True)
class ChildView:
    area_id: int
    name: str
    result: IndicatorResult


@dataclass(frozen=True)
class IndicatorView:
    target: TargetValue
    result: IndicatorResult | None  # None: not measured (no source)
    projected: dt.date | None = None
    trend: list[tuple[dt.date, float]] = field(default_factory=list)
    below: list[ChildView] = field(default_factory=list)
    missing: str | None = None  # why there is no figure ("chưa có số liệu: …")
    unrecorded: int | None = None  # outcome indicators: learners of the denominator with no outcome recorded


@dataclass(frozen=True)
class Dashboard:
    area: Area
    as_of: dt.date
    from_snapshot: bool
    indicators: list[IndicatorView]
    unknown_age: int = 0  # Bậc 1 learners left out of T5 because their birth year is unknown
    t5_modes: str = ""  # the class modes T5 counts (plan setting), as words: "trực tuyến, kết hợp"
    plan: Plan | None = None  # the plan in force on the day, whose targets these are
    parts: list[Area] = field(default_factory=list)  # the top areas shown (old Thái Nguyên and old Bắc Kạn)
    day: dt.date | None = None  # the day asked for (None: today, the latest snapshot)
    map_day: dt.date | None = None  # the first day of the map the figures are counted on
    merged_since: dt.date | None = None  # the programme's province is the one formed on that day (1/7/2025)
    computed_at: dt.datetime | None = None  # not from a snapshot: when the stored summary was measured

    @property
    def areas(self) -> list[Area]:
        """The areas of the map the figures are of: the parts, or the area itself."""
        return self.parts or [self.area]

    @property
    def merged_on_old_map(self) -> bool:
        """The programme's area is shown as several top areas of an older map (before `lantoa areas migrate`)."""
        return len(self.parts) > 1


def dashboard_area(user, day: dt.date, graph: AreaGraph) -> Area | None:
    s = scope_of(user)
    if s.everything:
        return programme_root(day)
    if s.area_path and user.scope_area_id:
        image = graph.image(user.scope_area_id, day)
        return db.session.get(Area, image) if image else None
    return None


def _snapshot_figures(day: dt.date, area_ids: set[int]) -> Figures:
    rows = db.session.execute(select(IndicatorSnapshot.indicator_code, IndicatorSnapshot.area_id,
                                     IndicatorSnapshot.numerator, IndicatorSnapshot.denominator)
                              .where(IndicatorSnapshot.day == day, IndicatorSnapshot.area_id.in_(area_ids)))
    return {(code, area_id): (num, den) for code, area_id, num, den in rows}


def _live_figures(day: dt.date, today: dt.date, graph: AreaGraph, area_ids: list[int],
                  core_min: int) -> tuple[Figures, dt.datetime]:
    """The indicators measured on the day (`measure_all`, read from the stored summary `indicators`) summed up
    each area's subtree, and when they were measured."""
    measures, stored = indicators(day, today, core_min)
    figures: Figures = {}
    for code, m in measures.items():
        for area_id in area_ids:
            nums = subtree_totals(m.numerators, graph, area_id)
            dens = subtree_totals(m.denominators, graph, area_id)
            for a in set(nums) | set(dens) | {area_id}:
                figures[(code, a)] = (nums.get(a, 0), dens.get(a, 0) if m.has_denominator else None)
    return figures, stored.computed_at


def programme_view(user, day: dt.date, graph: AreaGraph) -> tuple[Area | None, list[Area], dt.date | None]:
    """(the area named, the top areas of the map its figures are of when it is several, that map's first day)
    for `user` on `day`: a scoped user's area on their working map; for those who see everything, the programme's
    area on `day` (`programme_roots`) on the working map, or on the map in force on `day` when that day comes
    before the working map's first day."""
    map_day = working_map(user) or day
    if not scope_of(user).everything:
        return dashboard_area(user, map_day, graph), [], map_day
    if day < map_day:
        maps = available_maps()
        in_force = map_on(day, maps)
        # the map in force on the day; before every map, the oldest
        map_day = in_force.valid_from if in_force is not None and in_force.valid_on(day) else maps[0].valid_from
    roots = programme_roots(day, map_day, graph)
    if len(roots) > 1:
        return programme_province(day) or roots[0], roots, map_day
    return (roots[0] if roots else programme_root(map_day)), [], map_day


def _sum(figures: Figures, code: str, area_ids: list[int]) -> tuple[int, int | None]:
    found = [figures[(code, a)] for a in area_ids if (code, a) in figures]
    if not found:
        return 0, None
    dens = [d for _n, d in found if d is not None]
    return sum(n for n, _d in found), (sum(dens) if dens else None)


def dashboard_for(user, today: dt.date, day: dt.date | None = None) -> Dashboard | None:
    """The dashboard as of `day` (None: today, read from the latest snapshot when there is one)."""
    graph = AreaGraph.load()
    on = day or today
    area, parts, map_day = programme_view(user, on, graph)
    if area is None:
        return None
    roots = [a.id for a in parts or [area]]
    children = {n.id for n in graph.nodes.values() if n.parent_id in roots}
    settings = all_settings()
    last = snapshot_day(roots, day) if day is not None else snapshot_day(roots, until=today)
    figures = _snapshot_figures(last, children | set(roots)) if last else {}
    from_snapshot, computed_at = bool(figures), None
    if not figures:
        figures, computed_at = _live_figures(map_day, on, graph, roots, settings["core_group_min_trainers"])
    as_of = last if from_snapshot else on
    names = dict(db.session.execute(select(Area.id, Area.name).where(Area.id.in_(children))).all())
    tolerance = settings["trajectory_tolerance_percent"] / 100
    views = []
    targets = current_targets(on)
    trends = series_all([t.code for t in targets.values() if t.code in MEASURED], roots, until=day)
    for t in targets.values():
        if t.code not in MEASURED:
            views.append(IndicatorView(t, None))
            continue

        def result(area_ids: list[int], t=t) -> IndicatorResult:
            num, den = _sum(figures, t.code, area_ids)
            return evaluate_indicator(t.spec, num, den, as_of, start=t.start_on, deadline=t.deadline,
                                      tolerance=tolerance)

        own = result(roots)
        unrecorded = (_sum(figures, OUTCOME_UNRECORDED[t.code], roots)[0]
                      if t.code in OUTCOME_UNRECORDED else None)
        missing = missing_reason(t.code, own.denominator, unrecorded or 0)
        below = [ChildView(c, names.get(c, str(c)), r) for c in children
                 if (t.code, c) in figures and (r := result([c])).status in ("red", "amber")]
        below.sort(key=lambda v: ((v.result.ratio or 0) / v.result.expected if v.result.expected else 1, v.name))
        trend = trends[t.code]
        points = trend + ([(as_of, own.ratio)] if own.ratio is not None and not from_snapshot else [])
        views.append(IndicatorView(t, own, projected_date(points, t.fraction) if own.ratio is not None else None,
                                   trend, below, missing, unrecorded))
    unknown_age = _sum(figures, "working_age_unknown_age", roots)[0]
    modes = ", ".join(CLASS_MODES[m].lower() for m in t5_modes())
    return Dashboard(area, as_of, from_snapshot, views, unknown_age, modes, plan_in_force(on), parts, day, map_day,
                     _merged_since(user, on), computed_at)


def _merged_since(user, day: dt.date) -> dt.date | None:
    """The first day of the programme's province in force on `day` when an older province of the same code came
    before it (the merged province of 1/7/2025); None otherwise, and for scoped users."""
    if not scope_of(user).everything:
        return None
    province = programme_province(day)
    if province is None:
        return None
    older = db.session.scalar(select(Area.id).where(Area.code == province.code, Area.parent_id.is_(None),
                                                    Area.valid_from < province.valid_from).limit(1))
    return province.valid_from if older is not None else None
