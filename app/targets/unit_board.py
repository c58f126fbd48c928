"""The unit indicator page: T2 (units with a core group) and T3 (civil servants who took a class) for a unit's
subtree, against their targets, with the units directly below it.

Rules:
- figures are measured now by `app.targets.indicators.measure_units` and rolled up the unit tree
  (`unit_totals`): a unit's figure is its own plus every unit below it;
- status is `rollout.indicators.evaluate_indicator` with the target's start, deadline and percent and the
  tolerance setting, as on the area dashboard;
- the page shows one unit the user sees (`app.scope.get_or_404` in the view); the "top" page lists the units
  without a parent among those the user sees (steering, admin, viewers without scope); the rows below a unit are
  its children the user sees, worst T3 first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Unit
from app.scope import visible
from app.targets.indicators import UNIT_MEASURED, measure_units, unit_totals
from app.targets.targets import TargetValue, current_targets
from app.training.settings import all_settings
from app.units.history import in_force_on, paths_on
from rollout.indicators import IndicatorResult, evaluate_indicator

__all__ = ["UnitRow", "UnitBoard", "unit_board"]


@dataclass(frozen=True)
class UnitRow:
    unit_id: int
    name: str
    kind_label: str
    results: dict[str, IndicatorResult]


@dataclass(frozen=True)
class UnitBoard:
    unit: Unit | None  # None: the top of the tree the user sees
    as_of: dt.date
    targets: list[TargetValue]
    results: dict[str, IndicatorResult]  # the unit's subtree (empty for the top)
    rows: list[UnitRow]


def _sort_key(row: UnitRow) -> tuple:
    t3 = row.results["civil_servants_trained"]
    return (t3.ratio if t3.ratio is not None else 2.0, row.name)


def unit_board(user, unit: Unit | None, today: dt.date) -> UnitBoard:
    settings = all_settings()
    measures = measure_units(today, settings["core_group_min_trainers"])
    paths = paths_on(today)
    figures = {code: unit_totals(measures[code], paths) for code in UNIT_MEASURED}
    targets = [t for code, t in current_targets(today).items() if code in UNIT_MEASURED]
    tolerance = settings["trajectory_tolerance_percent"] / 100

    def results(unit_id: int) -> dict[str, IndicatorResult]:
        out = {}
        for t in targets:
            num, den = figures[t.code].get(unit_id, (0, 0 if measures[t.code].has_denominator else None))
            out[t.code] = evaluate_indicator(t.spec, num, den, today, start=t.start_on, deadline=t.deadline,
                                             tolerance=tolerance)
        return out

    below = Unit.parent_id == unit.id if unit is not None else Unit.parent_id.is_(None)
    children = db.session.execute(select(Unit).where(visible(Unit, user), below, *in_force_on(today)).order_by(Unit.search_key)
                                  .limit(1000)).scalars()
    rows = sorted((UnitRow(c.id, c.name, c.kind_label, results(c.id)) for c in children), key=_sort_key)
    return UnitBoard(unit, today, targets, results(unit.id) if unit is not None else {}, rows)
