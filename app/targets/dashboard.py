"""The targets dashboard for a user's area: each indicator as actual against target (red/amber/green on its
trajectory), the child areas below their trajectory (worst first), the trend from the daily snapshots and the
date the target is reached at the current rate.

Rules:
- the area is the user's scope area (its image on the working map) or, for steering and unscoped users, the
  programme's province on the working map;
- figures come from the latest daily snapshot when one exists (the daily scan writes them); otherwise from the
  stored summary `indicators` of the day (`app.summaries`: `measure_all` as of its `computed_at`, shown on the
  page; the same numbers: `app.targets.snapshots.subtree_totals` over `app.targets.indicators`);
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

from sqlalchemy import func, select

from app.areas.maps import AreaGraph, programme_root, working_map
from app.extensions import db
from app.models import Area, IndicatorSnapshot, Plan
from app.models.vocab import CLASS_MODES
from app.plan.queries import plan_in_force
from app.scope import scope_of
from app.summaries.catalogue import indicators
from app.targets.indicators import MEASURED, OUTCOME_UNRECORDED, missing_reason, t5_modes
from app.targets.snapshots import series, subtree_totals
from app.targets.targets import TargetValue, current_targets
from app.training.settings import all_settings
from rollout.indicators import IndicatorResult, evaluate_indicator, projected_date

__all__ = ["ChildView", "IndicatorView", "Dashboard", "dashboard_for", "dashboard_area"]

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
    computed_at: dt.datetime | None = None  # measured, not from a snapshot: when (the stored summary's time)


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


def _live_figures(day: dt.date, today: dt.date, graph: AreaGraph, area_id: int,
                  core_min: int) -> tuple[Figures, dt.datetime]:
    """The indicators measured on the day (`measure_all`, read from the stored summary `indicators`) summed up
    the area's subtree, and when they were measured."""
    measures, stored = indicators(day, today, core_min)
    figures: Figures = {}
    for code, m in measures.items():
        nums, dens = subtree_totals(m.numerators, graph, area_id), subtree_totals(m.denominators, graph, area_id)
        for a in set(nums) | set(dens) | {area_id}:
            figures[(code, a)] = (nums.get(a, 0), dens.get(a, 0) if m.has_denominator else None)
    return figures, stored.computed_at


def dashboard_for(user, today: dt.date) -> Dashboard | None:
    graph = AreaGraph.load()
    day = working_map(user) or today
    area = dashboard_area(user, day, graph)
    if area is None:
        return None
    children = {n.id for n in graph.nodes.values() if n.parent_id == area.id}
    settings = all_settings()
    last = db.session.scalar(select(func.max(IndicatorSnapshot.day)).where(IndicatorSnapshot.area_id == area.id))
    figures = _snapshot_figures(last, children | {area.id}) if last else {}
    from_snapshot, computed_at = bool(figures), None
    if not figures:
        figures, computed_at = _live_figures(day, today, graph, area.id, settings["core_group_min_trainers"])
    as_of = last if from_snapshot else today
    names = dict(db.session.execute(select(Area.id, Area.name).where(Area.id.in_(children))).all())
    tolerance = settings["trajectory_tolerance_percent"] / 100
    views = []
    for t in current_targets(today).values():
        if t.code not in MEASURED:
            views.append(IndicatorView(t, None))
            continue

        def result(area_id: int, t=t) -> IndicatorResult:
            num, den = figures.get((t.code, area_id), (0, None))
            return evaluate_indicator(t.spec, num, den, as_of, start=t.start_on, deadline=t.deadline,
                                      tolerance=tolerance)

        own = result(area.id)
        unrecorded = (figures.get((OUTCOME_UNRECORDED[t.code], area.id), (0, None))[0]
                      if t.code in OUTCOME_UNRECORDED else None)
        missing = missing_reason(t.code, own.denominator, unrecorded or 0)
        below = [ChildView(c, names.get(c, str(c)), r) for c in children
                 if (t.code, c) in figures and (r := result(c)).status in ("red", "amber")]
        below.sort(key=lambda v: ((v.result.ratio or 0) / v.result.expected if v.result.expected else 1, v.name))
        trend = series(t.code, area.id)
        points = trend + ([(as_of, own.ratio)] if own.ratio is not None and not from_snapshot else [])
        views.append(IndicatorView(t, own, projected_date(points, t.fraction) if own.ratio is not None else None,
                                   trend, below, missing, unrecorded))
    unknown_age = figures.get(("working_age_unknown_age", area.id), (0, None))[0]
    modes = ", ".join(CLASS_MODES[m].lower() for m in t5_modes())
    return Dashboard(area, as_of, from_snapshot, views, unknown_age, modes, plan_in_force(today), computed_at)
