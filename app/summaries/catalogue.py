"""Every stored summary (`@summary`) and the readers pages use.

Each summary stores what the one definition computes — `app.counts` (the programme's counts), `app.areas.queries`
(the area metrics), `app.targets.indicators` (the plan's indicators), `app.targets.forecast` (the forecast's
inputs) — so a page that reads a summary shows the numbers it would count itself at `computed_at`:

- `counts` (key: the map; day: the as-of day): every count of `app.counts`, distinct learners included, of every
  area's subtree of the map, in one pass (`counts.every_area`);
- `counts_union` (key: the map, the areas; day: the as-of day): the counts of several top areas taken together
  (`counts.figures_of`: the programme's area after 1/7/2025 on the un-migrated 2024 map);
- `area_metrics` (key: the map; day: today): trainers, active trainers, registered classes and units per area
  of the map, before the roll-up (`app.areas.queries.map_counts`: the steering home and the area pages);
- `indicators` (key: the map, the core-group minimum; day: the as-of day): numerators and denominators per area
  of every measured indicator, and T3's numerators per unit (`measure_all`: the targets dashboard without a
  snapshot, the forecast's population, the gap scan). Its two parts that read the enrolments are summaries of
  their own (key: the map; day: the as-of day), each stale only with what it reads: `indicators_civil_servants`
  (T3 and its outcome: units, their headcounts and moves, persons, enrolments) and `indicators_learners` (T4,
  T5 and their outcomes: persons, enrolments, classes, learning records, populations, settings); `indicators`
  counts the rest (T1, T2, communes with a trainer: district plans, units, trainers) and reads the two, so a
  trainer paused makes only `indicators` stale and computing it again takes a few queries, not 1.1M enrolments;
- `forecast` (key: the area, the map; day: today): the forecast's inputs for an area (per child: active
  trainers, learners reached, working-age population; the parameters' counts), read from the three above;
- `duplicate_persons` (no key; day: today): the groups of persons the gap scan's `duplicate_person` rule reports
  (`app.gaps.inputs.duplicate_groups`: same folded name, birth year and home commune), stale with any change of
  a person, so the daily scan reads them instead of grouping 1.1M persons (the `summaries_refresh` job computes
  them again within minutes of a change).

JSON keys are strings: the readers below give back what the pages used before (Counters keyed by area id, with
None for "no area on this map"), plus the time the figures were read.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from app.models import (
    Area,
    AreaPopulation,
    AreaRehoming,
    Certificate,
    DistrictPlan,
    Enrollment,
    LearningRecord,
    Person,
    Setting,
    Trainer,
    TrainingClass,
    Unit,
    UnitCrosswalk,
    UnitMove,
)
from app.summaries.registry import Stored, fresh, read, summary

__all__ = ["Figures", "counts_figures", "counts_figures_of", "counts_children", "area_metrics", "indicators",
           "INDICATOR_PARTS", "fresh_indicators", "forecast_inputs", "duplicate_persons",
           "NONE_KEY"]

NONE_KEY = "none"  # a Counter's None key (rows with no area on the map) in JSON
COUNT_MODELS = (Area, AreaRehoming, TrainingClass, Enrollment, Certificate)
METRIC_MODELS = (Area, AreaRehoming, Trainer, TrainingClass, Unit)
INDICATOR_MODELS = (Area, AreaRehoming, AreaPopulation, DistrictPlan, Unit, UnitCrosswalk, UnitMove, Trainer,
                    TrainingClass, Enrollment, Person, LearningRecord, Setting)
# what each enrolment-based part of the indicators reads (`indicators.measure_civil_servants`, `measure_learners`):
# not the trainers, not the district plans
CIVIL_SERVANT_MODELS = (Area, AreaRehoming, Unit, UnitCrosswalk, UnitMove, Person, Enrollment)
LEARNER_MODELS = (Area, AreaRehoming, AreaPopulation, TrainingClass, Enrollment, Person, LearningRecord, Setting)


class Figures(dict):
    """One area's counts (key → number, as `app.counts.figures` gives them) with the time they were read."""

    def __init__(self, values: dict, stored: Stored):
        super().__init__(values)
        self.computed_at = stored.computed_at
        self.stale = stored.stale


def _counter(pairs: dict[str, int]) -> Counter:
    return Counter({(None if k == NONE_KEY else int(k)): v for k, v in pairs.items()})


def _pairs(counter: Counter) -> dict[str, int]:
    return {(NONE_KEY if k is None else str(k)): int(v) for k, v in counter.items() if v}


# --- the programme's counts --------------------------------------------------------------------------------------

@summary("counts", depends_on=COUNT_MODELS)
def _counts(day: dt.date, map_day: dt.date) -> dict[str, Any]:
    from app import counts

    return {str(area_id): row for area_id, row in counts.every_area(map_day, day).items()}


def _empty() -> dict[str, int]:
    from app.counts import COUNTS

    return {c.key: 0 for c in COUNTS}


def counts_figures(area: Area, day: dt.date) -> Figures:
    """`app.counts.figures(area, day)` as stored: every count of the area's subtree on its map."""
    stored = read("counts", day, map_day=area.valid_from)
    return Figures(stored.payload.get(str(area.id)) or _empty(), stored)


@summary("counts_union", depends_on=COUNT_MODELS)
def _counts_union(day: dt.date, map_day: dt.date, areas: str) -> dict[str, Any]:
    from app import counts
    from app.extensions import db

    ids = [int(a) for a in areas.split(",")]
    found = [db.session.get(Area, a) for a in ids]
    return counts.figures_of([a for a in found if a is not None and a.valid_from == map_day], day)


def counts_figures_of(areas: list[Area], day: dt.date) -> Figures:
    """`app.counts.figures_of(areas, day)` as stored: every count of several areas of one map taken together (a
    person learning in two of them counts once), or of the one area."""
    if len(areas) == 1:
        return counts_figures(areas[0], day)
    stored = read("counts_union", day, map_day=areas[0].valid_from,
                  areas=",".join(str(a.id) for a in sorted(areas, key=lambda a: a.id)))
    return Figures(stored.payload or _empty(), stored)


def counts_children(area: Area, day: dt.date, children: list[int]) -> tuple[dict[int, dict[str, int]], Stored]:
    """`app.counts.child_figures(..., with_learners=True)` as stored: child id → counts."""
    stored = read("counts", day, map_day=area.valid_from)
    return {c: stored.payload.get(str(c)) or _empty() for c in children}, stored


# --- the area pages' metrics -------------------------------------------------------------------------------------

@summary("area_metrics", depends_on=METRIC_MODELS)
def _area_metrics(day: dt.date, map_day: dt.date) -> dict[str, Any]:
    from app.areas.maps import AreaGraph
    from app.areas.queries import map_counts

    return {name: _pairs(counter) for name, counter in map_counts(map_day, AreaGraph.load(), as_of=day).items()}


def area_metrics(map_day: dt.date, day: dt.date) -> tuple[dict[str, Counter], Stored]:
    """`app.areas.queries.map_counts(map_day, …)` as stored (registered classes as of `day`)."""
    stored = read("area_metrics", day, map_day=map_day)
    return {name: _counter(pairs) for name, pairs in stored.payload.items()}, stored


# --- the plan's indicators ---------------------------------------------------------------------------------------

def _payload(measures: dict[str, Any]) -> dict[str, Any]:
    return {code: {"numerators": _pairs(m.numerators), "denominators": _pairs(m.denominators),
                   "has_denominator": m.has_denominator, "by_unit": _pairs(m.by_unit)}
            for code, m in measures.items()}


# the two parts of `indicators` that read the enrolments, stored on their own (registered first: the job computes
# them before `indicators`, which reads them) and stale only with what they read — a trainer paused or a district
# plan recorded leaves them current, and `indicators` is then computed again from them in a few queries
@summary("indicators_civil_servants", depends_on=CIVIL_SERVANT_MODELS)
def _indicators_civil_servants(day: dt.date, map_day: dt.date) -> dict[str, Any]:
    from app.areas.maps import AreaGraph
    from app.targets.indicators import measure_civil_servants

    return _payload(measure_civil_servants(map_day, day, AreaGraph.load()))


@summary("indicators_learners", depends_on=LEARNER_MODELS)
def _indicators_learners(day: dt.date, map_day: dt.date) -> dict[str, Any]:
    from app.areas.maps import AreaGraph
    from app.targets.indicators import measure_learners

    return _payload(measure_learners(map_day, day, AreaGraph.load()))


INDICATOR_PARTS = ("indicators_civil_servants", "indicators_learners")


@summary("indicators", depends_on=INDICATOR_MODELS)
def _indicators(day: dt.date, map_day: dt.date, core_min: int) -> dict[str, Any]:
    """`measure_all`: its network part counted now, its two other parts read from their own summaries (a stale
    or missing one computed: `read` from within a computation never serves a stale row)."""
    from app.areas.maps import AreaGraph
    from app.targets.indicators import in_order, measure_network

    return in_order(_payload(measure_network(map_day, day, core_min, AreaGraph.load())),
                    *(read(name, day, map_day=map_day).payload for name in INDICATOR_PARTS))


def indicators(map_day: dt.date, day: dt.date, core_min: int) -> tuple[dict[str, Any], Stored]:
    """`measure_all(map_day, day, core_min)` as stored: code → Measure."""
    stored = read("indicators", day, map_day=map_day, core_min=core_min)
    return _measures(stored.payload), stored


def _measures(payload: dict[str, Any]) -> dict[str, Any]:
    from app.targets.indicators import Measure

    return {code: Measure(code, _counter(m["numerators"]), _counter(m["denominators"]), m["has_denominator"],
                          _counter(m.get("by_unit", {})))
            for code, m in payload.items()}


def fresh_indicators(map_day: dt.date, day: dt.date, core_min: int) -> tuple[dict[str, Any], bool]:
    """The indicators as `indicators` gives them, from a row that is current (`registry.fresh`: a stale or missing
    one is computed again first, whatever the mode; its two parts first, so what is computed is stored and
    `indicators` reads them): the gap scan's; and whether the row has the per-unit numerators (rows stored
    before they were: not)."""
    for name in INDICATOR_PARTS:  # current first (stored when computed), so `indicators` reads them
        fresh(name, day, map_day=map_day)
    payload = fresh("indicators", day, map_day=map_day, core_min=core_min).payload
    return _measures(payload), all("by_unit" in m for m in payload.values())


# --- the forecast's inputs ---------------------------------------------------------------------------------------

@summary("forecast", depends_on=tuple(dict.fromkeys(COUNT_MODELS + METRIC_MODELS + INDICATOR_MODELS)))
def _forecast(day: dt.date, area: int, map_day: dt.date) -> dict[str, Any]:
    from app.targets.forecast import cascade_inputs

    return cascade_inputs(map_day, day, area)


def forecast_inputs(map_day: dt.date, day: dt.date, area_id: int) -> Stored:
    return read("forecast", day, area=area_id, map_day=map_day)


# --- the gap scan's duplicate persons ------------------------------------------------------------------------------

@summary("duplicate_persons", depends_on=(Person,))
def _duplicate_persons(day: dt.date) -> dict[str, Any]:
    from app.gaps.inputs import duplicate_groups

    return {"groups": duplicate_groups()}


def duplicate_persons(day: dt.date) -> list[tuple[int, list[int]]]:
    """(home area, person ids) of each group of likely duplicates, from a current row (`registry.fresh`)."""
    return [(area_id, ids) for area_id, ids in fresh("duplicate_persons", day).payload["groups"]]


# --- what the pages read first -------------------------------------------------------------------------------------

def first_reads(today: dt.date) -> list[tuple[str, dict[str, Any]]]:
    """The summaries of `today` the dashboards read first: the counts and area metrics of every map (the home's
    ?map= switch, every area page), the indicators of the working map, the forecast of the programme's province."""
    from app.areas.maps import available_maps, programme_root, working_map
    from app.training.settings import plan_setting

    wanted: list[tuple[str, dict[str, Any]]] = []
    for info in available_maps():
        wanted += [("counts", {"map_day": info.valid_from}), ("area_metrics", {"map_day": info.valid_from})]
    day = working_map()
    if day is not None:
        wanted += [(name, {"map_day": day}) for name in INDICATOR_PARTS]
        wanted.append(("indicators", {"map_day": day, "core_min": plan_setting("core_group_min_trainers")}))
        root = programme_root(day)
        if root is not None:
            wanted.append(("forecast", {"area": root.id, "map_day": day}))
    return wanted


def warm(today: dt.date, steps: bool = False) -> int:
    """Compute today's first reads not stored yet (the demo, the daily gap scan, the refresh job); how many."""
    from app.summaries.registry import compute_missing

    return compute_missing(today, first_reads(today), steps)
