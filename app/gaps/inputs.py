"""`rollout.gaps.GapInputs` built from the database for the rules that read the network (all but the plan's
activity and district-plan rules, which `app/gaps/scan.py` evaluates per stored plan).

Rules:
- everything is placed on the working map (`app.areas.maps.working_map`: where the data lives, the map the
  coordinators' scopes are on): each row's area is its image on that map; the areas are those of the
  programme's province on that map, passed as valid (their map is chosen already);
- ids are strings for subjects (as stored in `gaps.subject_id`), area ids stay ints (for `gaps.area_id`);
- a trainer is active when its status is 'active'; a class 'open' counts as planned (live);
- ethnic-minority residents of an area: persons living there whose `ethnic_group` is set and is not Kinh or Hoa;
- duplicate persons: same folded name (`search_key`), same birth year and same home commune;
- the last activity of a trainer's subtree is the latest class opened or trainer certified in it (walked up
  the materialized `path`); R per area comes from `network_rollups` (r_grown / r_eligible);
- thresholds are plan settings (`app/training/settings.py`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select

from app.areas.maps import AreaGraph, programme_roots, working_map
from app.assignments.queries import assignment_gap_rows
from app.extensions import db
from app.models import Area, Enrollment, NetworkRollup, Person, Trainer, TrainingClass, Unit
from app.targets.indicators import CORE_GROUP_UNIT_KINDS, Measure, measure_all
from app.targets.targets import current_targets
from app.training.settings import all_settings
from rollout.gaps import (
    AreaRow,
    ClassRow,
    DuplicatePersonsRow,
    GapInputs,
    GapSettings,
    IndicatorRow,
    ReproductionRow,
    SubtreeActivityRow,
    TrainerRow,
    UnitRow,
)

__all__ = ["gap_settings", "network_inputs", "duplicate_groups", "MAJORITY_GROUPS"]

MAJORITY_GROUPS = ("Kinh", "Hoa")
# indicators checked against their trajectory per commune and per unit
COMMUNE_INDICATORS = ("working_age_trained_online",)
UNIT_INDICATORS = ("civil_servants_trained",)


def gap_settings() -> GapSettings:
    s = all_settings()
    return GapSettings(
        min_classes_per_trainer=s["classes_min"], min_classes_after_days=s["classes_min_after_days"],
        max_running_classes=s["classes_max_running"], core_group_min_trainers=s["core_group_min_trainers"],
        activity_start_grace_days=s["activity_start_grace_days"], stalled_weeks=s["stalled_weeks"],
        reproduction_threshold=s["reproduction_threshold_percent"] / 100,
        trajectory_tolerance=s["trajectory_tolerance_percent"] / 100,
        ethnic_minority_audiences=("ethnic_minority",), household_business_audiences=("business",),
        household_business_unit_kinds=("household_group",), assignment_idle_days=s["assignment_idle_days"])


class _Placer:
    """Images of area ids on one map, limited to the programme's subtrees (`root_ids`: the programme's top areas on
    that map, after 1/7/2025 on the un-migrated 2024 map old Thái Nguyên and old Bắc Kạn; None: every area);
    cached."""

    def __init__(self, graph: AreaGraph, day: dt.date, root_ids: frozenset[int] | None):
        self.graph, self.day, self.root_ids, self.cache = graph, day, root_ids, {}

    def __call__(self, area_id: int | None) -> int | None:
        if area_id is None:
            return None
        if area_id not in self.cache:
            image = self.graph.image(area_id, self.day)
            node = self.graph.nodes.get(image) if image is not None else None
            inside = node is not None and (self.root_ids is None or not self.root_ids.isdisjoint(node.ids))
            self.cache[area_id] = image if inside else None
        return self.cache[area_id]


def _areas(graph: AreaGraph, day: dt.date, root_ids: frozenset[int] | None, place: _Placer) -> list[AreaRow]:
    minority: Counter = Counter()
    # grouped by (ethnic group, home area): read from ix_persons_ethnic_area alone; the majority groups are
    # left out here rather than by a NOT IN that would send the database to the persons table
    rows = db.session.execute(select(Person.ethnic_group, Person.home_area_id, func.count()).where(
        Person.ethnic_group.is_not(None), Person.home_area_id.is_not(None))
        .group_by(Person.ethnic_group, Person.home_area_id))
    for group, area_id, n in rows:
        if group not in MAJORITY_GROUPS:
            minority[place(area_id)] += n
    ids = [n.id for n in graph.nodes.values()
           if n.valid_on(day) and (root_ids is None or not root_ids.isdisjoint(n.ids))]
    names = dict(db.session.execute(select(Area.id, Area.name).where(Area.id.in_(ids))).all())
    return [AreaRow(str(i), names[i], graph.nodes[i].level, str(graph.nodes[i].parent_id)
                    if graph.nodes[i].parent_id else None, ethnic_minority_residents=minority.get(i, 0))
            for i in sorted(ids)]


def _trainers(place: _Placer) -> tuple[list[TrainerRow], dict[int, str]]:
    rows = db.session.execute(select(Trainer.id, Person.full_name, Trainer.unit_id, Trainer.area_id, Trainer.mentor_id,
                                     Trainer.certified_on, Trainer.status, Trainer.path)
                              .join(Person, Person.id == Trainer.person_id).order_by(Trainer.id)).all()
    # plain tuples, not Row attributes: this runs over every trainer of the province in the daily scan
    trainers = [TrainerRow(str(tid), name, _s(unit_id), _s(place(area_id)), _s(mentor_id), certified_on,
                           status == "active")
                for tid, name, unit_id, area_id, mentor_id, certified_on, status, _path in rows]
    return trainers, {row[0]: row[7] for row in rows}


def _s(value) -> str | None:
    return None if value is None else str(value)


def _classes(place: _Placer) -> list[ClassRow]:
    learners = dict(db.session.execute(select(Enrollment.class_id, func.count()).group_by(Enrollment.class_id)).all())
    rows = db.session.execute(select(TrainingClass.id, TrainingClass.trainer_id, TrainingClass.topic,
                                     TrainingClass.venue_area_id, TrainingClass.host_unit_id,
                                     TrainingClass.audience_group, TrainingClass.status).order_by(TrainingClass.id))
    return [ClassRow(str(cid), str(trainer_id), topic or f"#{cid}", _s(place(venue_id)), _s(unit_id), audience,
                     "planned" if status == "open" else status, learners.get(cid, 0))
            for cid, trainer_id, topic, venue_id, unit_id, audience, status in rows]


def _subtree_activity(paths: dict[int, str]) -> list[SubtreeActivityRow]:
    """The latest class opened or trainer certified anywhere below (and at) each trainer."""
    last: dict[int, dt.date] = {}

    def touch(path: str, day: dt.date | None) -> None:
        if day is None:
            return
        for part in path.strip("/").split("/"):
            if part:
                tid = int(part)
                if last.get(tid) is None or last[tid] < day:
                    last[tid] = day

    opened = func.coalesce(TrainingClass.opened_on, TrainingClass.start_on, func.date(TrainingClass.created_at))
    for trainer_id, day in db.session.execute(select(TrainingClass.trainer_id, func.max(opened))
                                              .group_by(TrainingClass.trainer_id)):
        if trainer_id in paths:
            touch(paths[trainer_id], day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10]))
    for _trainer_id, path, certified_on in db.session.execute(select(Trainer.id, Trainer.path, Trainer.certified_on)):
        touch(path, certified_on)
    return [SubtreeActivityRow(str(t), day) for t, day in sorted(last.items())]


def _units(place: _Placer) -> list[UnitRow]:
    rows = db.session.execute(select(Unit.id, Unit.name, Unit.kind, Unit.area_id).order_by(Unit.id))
    return [UnitRow(str(uid), name, kind, _s(place(area_id)), kind in CORE_GROUP_UNIT_KINDS)
            for uid, name, kind, area_id in rows]


def duplicate_groups() -> list[list]:
    """[home area id, [person ids]] of each group of two or more persons with the same folded name, birth year and
    home commune, in the order of their first ids (the `duplicate_persons` summary, `app/summaries/catalogue.py`).

    One pass over the persons in the order of `ix_persons_duplicate_key`, each row with the size of its group by a
    window count; not a GROUP BY … HAVING joined back to the persons, which read them twice."""
    key = (Person.search_key, Person.birth_year, Person.home_area_id)
    sized = (select(Person.id, *key, func.count().over(partition_by=key).label("size"))
             .where(Person.birth_year.is_not(None), Person.home_area_id.is_not(None)).subquery())
    rows = db.session.execute(select(sized.c.id, sized.c.search_key, sized.c.birth_year, sized.c.home_area_id)
                              .where(sized.c.size > 1).order_by(sized.c.id))
    found: dict[tuple, list[int]] = {}
    for person_id, *k in rows:
        found.setdefault(tuple(k), []).append(person_id)
    return [[k[2], ids] for k, ids in found.items()]


def _duplicates(place: _Placer, today: dt.date) -> tuple[list[DuplicatePersonsRow], dict[str, int]]:
    """The groups (the stored `duplicate_persons` summary, computed first unless it is current: the daily scan
    does not group the 1.1M persons of a province again when none has changed), and the home area (on the map)
    of each group's first person, where its gap is placed."""
    from app.summaries.catalogue import duplicate_persons

    groups = [(area_id, [str(i) for i in ids]) for area_id, ids in duplicate_persons(today)]
    areas = {ids[0]: place(area_id) for area_id, ids in groups}
    return ([DuplicatePersonsRow(tuple(ids), "name_birth_year_commune") for _area_id, ids in groups],
            {i: a for i, a in areas.items() if a is not None})


def _reproduction(place: _Placer) -> list[ReproductionRow]:
    rows = db.session.execute(select(NetworkRollup.key_id, NetworkRollup.r_grown, NetworkRollup.r_eligible,
                                     NetworkRollup.trainers)
                              .where(NetworkRollup.kind == "area", NetworkRollup.r_eligible > 0))
    return [ReproductionRow(str(area_id), grown / eligible, trainers) for area_id, grown, eligible, trainers in rows
            if place(area_id) == area_id]


def _indicator_rows(measures: dict[str, Measure], areas: list[AreaRow], units: list[UnitRow],
                    today: dt.date) -> list[IndicatorRow]:
    """Per commune and per unit, the indicators that have a denominator there, with their targets."""
    targets = current_targets(today)
    rows: list[IndicatorRow] = []
    communes = {int(a.id): a.name for a in areas if a.kind == "commune"}
    for code in COMMUNE_INDICATORS:
        m, t = measures[code], targets[code]
        for area_id, den in m.denominators.items():
            if area_id in communes and den:
                rows.append(IndicatorRow(code, "commune", str(area_id), communes[area_id], m.numerators[area_id] / den,
                                         t.fraction, t.start_on, t.deadline, area_id, t.label))
    trained = measures["civil_servants_trained"].by_unit
    headcount = dict(db.session.execute(select(Unit.id, Unit.headcount).where(Unit.headcount > 0)).all())
    for code in UNIT_INDICATORS:
        t = targets[code]
        for u in units:
            den = headcount.get(int(u.id))
            if u.needs_core_group and den:
                rows.append(IndicatorRow(code, "unit", u.id, u.name, trained.get(int(u.id), 0) / den, t.fraction,
                                         t.start_on, t.deadline, u.area_id, t.label))
    return rows


def network_inputs(today: dt.date, settings: GapSettings | None = None, graph: AreaGraph | None = None,
                   measures: dict[str, Measure] | None = None) -> tuple[GapInputs, dict[str, int]]:
    """The snapshot for every rule except the plan's activity and district-plan rules, and the area of each
    duplicate-person group (by its first person's id)."""
    graph = graph or AreaGraph.load()
    day = working_map() or today
    # the programme's area today (old Thái Nguyên before 1/7/2025; both old provinces after it, un-migrated)
    root_ids = frozenset(a.id for a in programme_roots(today, day, graph)) or None
    place = _Placer(graph, day, root_ids)
    areas = _areas(graph, day, root_ids, place)
    trainers, paths = _trainers(place)
    units = _units(place)
    if measures is None:
        measures = measure_all(day, today, (settings or gap_settings()).core_group_min_trainers, graph)
    duplicates, person_areas = _duplicates(place, today)
    return GapInputs(
        today=today, areas=areas, units=units, trainers=trainers, classes=_classes(place),
        duplicate_persons=duplicates, indicators=_indicator_rows(measures, areas, units, today),
        subtree_activity=_subtree_activity(paths), reproduction=_reproduction(place),
        assignments=assignment_gap_rows(today), settings=settings or gap_settings()), person_areas

