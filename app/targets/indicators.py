"""The plan's indicators measured from the database, per area of a map.

Each measure gives two counters keyed by an area id of the map valid on `day` (rows counted where
`app.areas.maps` places them on that map, so totals are equal on either map): `numerators` and
`denominators`. `totals(measure, area_id, graph)` sums an area's subtree, `by_child` its children.

Rules (what counts, indicator by indicator):
- districts_plan_issued: districts of the map; numerator: those with a district plan issued and launched on or
  before `today` (a plan stored on the old map counts at its district's image);
- communes_plan_issued (T1 of a plan on the 2025 map, which has no districts: "xã, phường ban hành kế hoạch"):
  communes of the map; numerator: those with their own plan (a `district_plans` row at a commune) issued and
  launched on or before `today`;
- units_with_core_group: units that must form a core group (`CORE_GROUP_UNIT_KINDS`), at their area;
  numerator: those with at least `core_group_min_trainers` active trainers whose unit is it;
- civil_servants_trained: denominator: headcount of those units; numerator: distinct persons of those units
  with a completed enrolment in any class;
- business_owners_trained: denominator: `area_populations.business_owners` (latest year per area);
  numerator: distinct persons of the 'business' audience, at their home area, with a completed enrolment;
- working_age_trained_online: denominator: `area_populations.working_age` (latest year per area);
  numerator: distinct persons at their home area aged `working_age_min`–`working_age_max` (15–60) on `today`
  by their birth year, enrolled (not dropped) in a Bậc 1 class taught online, or blended while the plan setting
  `t5_counts_blended` is 1 (the plan: "học các lớp AI cơ bản trực tuyến"), or with a Bậc 1 day on an online
  platform matched to them (`learning_records`, sent through the API) on or before `today`: a person counts once
  however many classes and days they have;
- working_age_unknown_age: the same learners whose birth year is unknown, counted apart (not in T5) and shown;
- communes_with_trainer: communes of the map; numerator: those with at least one active trainer working there.

The three outcome indicators ("trong đó 50% …" of T3, T4, T5) are measured from what trainers record at
completion (`enrollments.applies`, "áp dụng được": unset / yes / no, dated `applies_on`). The plan's "trong đó"
("among them") is read as: among the learners the first indicator of the same target counts who completed, so
each denominator is the completed learners of that audience, and each numerator those of them with a yes
recorded on or before `today` (a person counts once, with a yes on any of their completed enrolments):
- civil_servants_improved: persons of the units that must form a core group with a completed enrolment (T3's
  numerator) / those with a yes;
- business_owners_improved: persons of the 'business' audience with a completed enrolment (T4's numerator) /
  those with a yes;
- working_age_basic_skills: persons aged 15–60 on `today` who completed a Bậc 1 class taught in the T5 modes
  (online, blended by default) / those with a yes;
- `<code>_unrecorded` (OUTCOME_UNRECORDED): the persons of each denominator with no outcome recorded (neither yes
  nor no on any completed enrolment): they stay in the denominator, and are shown apart; an indicator with a
  denominator but no outcome recorded at all has "chưa có số liệu" (`missing_reason`).

Per unit (`measure_units`, the unit indicator page): T2 and T3 by the same rules, keyed by unit id instead of
area: each unit that must form a core group counts 1 in T2's denominator (1 in its numerator with a core group);
T3 counts its own persons (`persons.unit_id`, the learner's workplace) with a completed enrolment over its own
headcount. `unit_totals` rolls a unit's subtree up the unit tree (`units.path`): a unit's own figures plus those
of every unit below it, so a department's learners count for it, its parents and (by its area) the province.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, exists, func, select, union

from app.areas.maps import AreaGraph, count_on_map, count_on_map_by, rollup, rows_on_map
from app.extensions import db
from app.models import (
    AreaPopulation,
    DistrictPlan,
    Enrollment,
    LearningRecord,
    Person,
    Trainer,
    TrainingClass,
    Unit,
)
from app.training.settings import plan_setting
from app.units.history import headcounts_on, in_force_on, moved_back

__all__ = ["CORE_GROUP_UNIT_KINDS", "MEASURED", "OUTCOME_UNRECORDED", "Measure", "measure_all", "totals", "by_child",
           "missing_reason", "NETWORK_PART", "CIVIL_SERVANTS_PART", "LEARNERS_PART", "MEASURE_ORDER", "measure_network",
           "measure_civil_servants", "measure_learners", "in_order",
           "trained_by_unit", "core_group_units", "populations_estimated", "UNIT_MEASURED", "measure_units",
           "unit_totals"]

CORE_GROUP_UNIT_KINDS = ("agency", "political_social", "school", "university")
MEASURED = ("districts_plan_issued", "communes_plan_issued", "units_with_core_group", "civil_servants_trained", "civil_servants_improved",
            "business_owners_trained", "business_owners_improved", "working_age_trained_online",
            "working_age_basic_skills", "communes_with_trainer")
# each outcome indicator → the measure of its learners with no outcome recorded
OUTCOME_UNRECORDED = {"civil_servants_improved": "civil_servants_improved_unrecorded",
                      "business_owners_improved": "business_owners_improved_unrecorded",
                      "working_age_basic_skills": "working_age_basic_skills_unrecorded"}
# what each denominator is, for the reason an indicator has no figure ("chưa có số liệu: …")
_NO_DENOMINATOR = {
    "districts_plan_issued": "bản đồ hành chính chưa có huyện, thành phố",
    "communes_plan_issued": "bản đồ hành chính chưa có xã, phường",
    "units_with_core_group": "chưa có cơ quan, đơn vị phải lập nhóm nòng cốt trong danh mục đơn vị",
    "civil_servants_trained": "chưa nhập quân số (số cán bộ, công chức, viên chức) của các cơ quan, đơn vị",
    "business_owners_trained": "chưa nhập số chủ doanh nghiệp, hợp tác xã, hộ kinh doanh theo địa bàn",
    "working_age_trained_online": "chưa nhập dân số trong độ tuổi lao động theo địa bàn",
    "communes_with_trainer": "bản đồ hành chính chưa có xã, phường",
    "civil_servants_improved": "chưa có cán bộ, công chức, viên chức nào hoàn thành lớp học",
    "business_owners_improved": "chưa có chủ doanh nghiệp, hợp tác xã, hộ kinh doanh nào hoàn thành lớp học",
    "working_age_basic_skills": "chưa có người trong độ tuổi lao động nào hoàn thành lớp Bậc 1 trực tuyến",
}
NO_OUTCOME = "chưa ghi kết quả “Áp dụng được” cho học viên nào đã hoàn thành"
UNIT_MEASURED = ("units_with_core_group", "civil_servants_trained")


@dataclass(frozen=True)
class Measure:
    code: str
    numerators: Counter
    denominators: Counter
    has_denominator: bool  # False: no denominator imported anywhere (the ratio is unknown)
    by_unit: dict[int, int] = field(default_factory=dict)  # civil_servants_trained: numerator per unit


def _areas_of_level(graph: AreaGraph, day: dt.date, level: str) -> Counter:
    return Counter({n.id: 1 for n in graph.nodes.values() if n.level == level and n.valid_on(day)})


def _image_sum(rows, graph: AreaGraph, day: dt.date) -> Counter:
    counts: Counter = Counter()
    for area_id, value in rows:
        if value:
            counts[graph.image(area_id, day)] += value
    return counts


def _sum_by(unit_area: dict[int, int | None], values: dict[int, int]) -> Counter:
    counts: Counter = Counter()
    for unit_id, value in values.items():
        if unit_id in unit_area and value:
            counts[unit_area[unit_id]] += value
    return counts


def _latest_populations(column):
    latest = (select(AreaPopulation.area_id, func.max(AreaPopulation.year).label("year"))
              .where(column.is_not(None)).group_by(AreaPopulation.area_id).subquery())
    return db.session.execute(
        select(AreaPopulation.area_id, column)
        .join(latest, (latest.c.area_id == AreaPopulation.area_id) & (latest.c.year == AreaPopulation.year))).all()


def _certified_by(as_of: dt.date | None):
    return Trainer.certified_on.is_(None) | (Trainer.certified_on <= as_of) if as_of else Trainer.id.is_not(None)


def _completed_by(as_of: dt.date | None):
    done = Enrollment.status == "completed"
    return done & (Enrollment.completed_on.is_(None) | (Enrollment.completed_on <= as_of)) if as_of else done


def core_group_units(min_trainers: int, as_of: dt.date | None = None):
    """Ids of units with at least `min_trainers` active trainers certified by `as_of` (a select)."""
    return (select(Trainer.unit_id)
            .where(Trainer.status == "active", Trainer.unit_id.is_not(None), _certified_by(as_of))
            .group_by(Trainer.unit_id).having(func.count(Trainer.id) >= min_trainers))


def grouped_units(min_trainers: int, as_of: dt.date | None = None) -> set[int]:
    """Ids of the units with a core group on `as_of`: trainers moved by a later unit change count on their
    unit of that day (`app.units.history`)."""
    back = moved_back("trainer", as_of)
    if not back:
        return set(db.session.scalars(core_group_units(min_trainers, as_of)))
    rows = db.session.execute(select(Trainer.id, Trainer.unit_id).where(
        Trainer.status == "active", Trainer.unit_id.is_not(None), _certified_by(as_of)))
    counts = Counter(back.get(trainer_id, unit_id) for trainer_id, unit_id in rows)
    return {unit_id for unit_id, n in counts.items() if n >= min_trainers}


def _applied_by(as_of: dt.date | None):
    """A yes ("áp dụng được") recorded by `as_of`."""
    yes = Enrollment.applies.is_(True)
    return yes & (Enrollment.applies_on.is_(None) | (Enrollment.applies_on <= as_of)) if as_of else yes


def _assessed_by(as_of: dt.date | None):
    """An outcome (yes or no) recorded by `as_of`."""
    done = Enrollment.applies.is_not(None)
    return done & (Enrollment.applies_on.is_(None) | (Enrollment.applies_on <= as_of)) if as_of else done


def trained_by_unit(as_of: dt.date | None = None, outcome=None) -> dict[int, int]:
    """Distinct persons per unit with an enrolment completed by `as_of` (and meeting `outcome`, a condition on the
    enrolment, when given), for units that must form a core group; a person moved by a later unit change counts on
    their unit of that day (`app.units.history`)."""
    condition = _completed_by(as_of) if outcome is None else _completed_by(as_of) & outcome
    # from the persons of those units (ix_persons_unit_id), each probing its enrolments (ix_enrollments_person_id):
    # a third of the time of joining every completed enrolment to its person and counting distinct ids
    completed = exists().where(Enrollment.person_id == Person.id, condition)
    stmt = (select(Person.unit_id, func.count())
            .where(Person.unit_id.in_(select(Unit.id).where(Unit.kind.in_(CORE_GROUP_UNIT_KINDS))), completed)
            .group_by(Person.unit_id))
    counts = Counter(dict(db.session.execute(stmt).all()))
    back = moved_back("person", as_of)
    if back:
        kinds = dict(db.session.execute(select(Unit.id, Unit.kind)).all())
        trained = select(Enrollment.person_id).where(condition)
        for person_id, unit_id in db.session.execute(select(Person.id, Person.unit_id).where(
                Person.id.in_(list(back)), Person.id.in_(trained))):
            if kinds.get(unit_id) in CORE_GROUP_UNIT_KINDS:
                counts[unit_id] -= 1
            if kinds.get(back[person_id]) in CORE_GROUP_UNIT_KINDS:
                counts[back[person_id]] += 1
    return {unit_id: n for unit_id, n in counts.items() if n > 0}


def _level_one(completed: bool, as_of: dt.date | None, modes: tuple[str, ...] | None = None,
               outcome=None) -> object:
    """Persons in a Bậc 1 class (completed by `as_of` — and meeting `outcome` when given —, or started by it and
    not dropped); `modes` keeps only classes taught in those modes (T5 counts online basic classes, as the plan
    words it)."""
    if completed:
        stmt = (select(Enrollment.person_id).join(TrainingClass, TrainingClass.id == Enrollment.class_id)
                .where(TrainingClass.level == 1, _completed_by(as_of)))
        if outcome is not None:
            stmt = stmt.where(outcome)
        return stmt.where(TrainingClass.mode.in_(modes)) if modes else stmt
    # the Bậc 1 classes started by `as_of` as an id list: joined instead, SQLite (no statistics) walks the class
    # list index by start date and probes the enrolments class by class (0.78 s at province scale, not 0.44 s)
    classes = select(TrainingClass.id).where(TrainingClass.level == 1)
    if modes:
        classes = classes.where(TrainingClass.mode.in_(modes))
    if as_of:
        classes = classes.where(TrainingClass.start_on <= as_of)
    return select(Enrollment.person_id).where(Enrollment.class_id.in_(classes),
                                              Enrollment.status.in_(("enrolled", "completed")))


def online_level_one(as_of: dt.date | None) -> object:
    """Persons with a matched Bậc 1 day on an online platform by `as_of` (read by ix_learning_records_person_day)."""
    stmt = select(LearningRecord.person_id).where(LearningRecord.state == "matched", LearningRecord.level == 1)
    return stmt.where(LearningRecord.record_date <= as_of) if as_of else stmt


def t5_modes() -> tuple[str, ...]:
    """The class modes T5 counts: online, and blended unless the plan setting `t5_counts_blended` is 0."""
    return ("online", "blended") if plan_setting("t5_counts_blended") else ("online",)


def working_age(day: dt.date) -> list:
    """Conditions for a person of working age (plan setting, 15–60 by default) on `day`, from the birth year."""
    low, high = plan_setting("working_age_min"), plan_setting("working_age_max")
    return [Person.birth_year.is_not(None), Person.birth_year <= day.year - low, Person.birth_year >= day.year - high]


# a learner's outcome, the best over their enrolments: a yes recorded implies an outcome recorded, which implies a
# completion, so one max says all three
NOT_DONE, DONE, ASSESSED, APPLIED = 0, 1, 2, 3


def _learner_flags(today: dt.date):
    """One row per person with an enrolment (not dropped), as of `today`: `outcome`, the best of their enrolments
    (APPLIED: completed with a yes recorded, ASSESSED: with an outcome recorded, DONE: completed, else NOT_DONE);
    `basic_outcome`, the same over their Bậc 1 classes of the T5 modes (`_level_one(True, …)`); `online` (0/1):
    in a Bậc 1 class of the T5 modes started by `today` (`_level_one(False, …)`). A person counts once whatever
    the number of enrolments."""
    done = _completed_by(today)
    basic = (TrainingClass.level == 1) & TrainingClass.mode.in_(t5_modes())

    def outcome(scope):
        return case((scope & _applied_by(today), APPLIED), (scope & _assessed_by(today), ASSESSED), (scope, DONE),
                    else_=NOT_DONE)

    return (select(Enrollment.person_id, func.max(outcome(done)).label("outcome"),
                   func.max(outcome(basic & done)).label("basic_outcome"),
                   func.max(case((basic & (TrainingClass.start_on <= today), 1), else_=0)).label("online"))
            .join(TrainingClass, TrainingClass.id == Enrollment.class_id)
            .where(Enrollment.status.in_(("enrolled", "completed")))
            .group_by(Enrollment.person_id).subquery())


def _learner_counts(day: dt.date, today: dt.date, graph: AreaGraph) -> dict[str, Counter]:
    """The persons of T4, T5 and their outcome counts per area of the map valid on `day`: {count: Counter}. One
    query over the persons joined to their `_learner_flags` (and LEFT JOINed to their matched online Bậc 1 days,
    `online_level_one`), counted per (audience, age, flags) and area; a second for the persons with matched days
    and no enrolment (T5 only).

    One pass over the enrolments instead of a semi-join (or anti-join) of them per count: on PostgreSQL each of the
    seven counts of T4 and T5 hashed the completed enrolments again."""
    flags = _learner_flags(today)
    days = online_level_one(today).group_by(LearningRecord.person_id).subquery()
    aged = working_age(today)
    age = case((Person.birth_year.is_(None), "unknown"), (and_(*aged), "aged"), else_="other")
    business = case((Person.audience_group == "business", 1), else_=0)
    online_day = case((days.c.person_id.is_not(None), 1), else_=0)
    split = (business, age, online_day, flags.c.outcome, flags.c.basic_outcome, flags.c.online)
    out = {name: Counter() for name in ("business", "business_improved", "business_unrecorded", "online",
                                        "online_unknown_age", "basic_completed", "basic_skilled",
                                        "basic_unrecorded")}
    rows = count_on_map_by("persons.home_area_id", day, split, [Person.id == flags.c.person_id], graph,
                           outer_joins=[(days, days.c.person_id == Person.id)])
    for (is_business, age_of, has_day, best, basic_best, online), counts in rows.items():
        if is_business and best >= DONE:
            out["business"].update(counts)
            if best == APPLIED:
                out["business_improved"].update(counts)
            if best == DONE:
                out["business_unrecorded"].update(counts)
        if (online or has_day) and age_of in ("aged", "unknown"):
            out["online" if age_of == "aged" else "online_unknown_age"].update(counts)
        if age_of == "aged" and basic_best >= DONE:
            out["basic_completed"].update(counts)
            if basic_best == APPLIED:
                out["basic_skilled"].update(counts)
            if basic_best == DONE:
                out["basic_unrecorded"].update(counts)
    enrolled = select(Enrollment.id).where(Enrollment.person_id == Person.id,
                                           Enrollment.status.in_(("enrolled", "completed"))).exists()
    days_only = count_on_map_by("persons.home_area_id", day, age,
                                [Person.id.in_(online_level_one(today)), ~enrolled], graph)
    out["online"].update(days_only.get("aged", Counter()))
    out["online_unknown_age"].update(days_only.get("unknown", Counter()))
    return out


def _learner_counts_each(day: dt.date, today: dt.date, graph: AreaGraph) -> dict[str, Counter]:
    """`_learner_counts` as one query per count, each from the persons probing their enrolments (EXISTS, IN): on
    SQLite, which walks the indexes of each in a fraction of a second, where its one pass over 1.1M enrolments
    (a temporary table, then a temporary B-tree) costs more than the seven together. Same counts (a test)."""
    is_business = Person.audience_group == "business"

    def completed_with(outcome=None):
        condition = _completed_by(today) if outcome is None else _completed_by(today) & outcome
        return select(Enrollment.id).where(Enrollment.person_id == Person.id, condition).exists()

    # EXISTS per business person (read by ix_persons_audience_area), not IN over every completed enrolment
    business = count_on_map("persons.home_area_id", day, [is_business, completed_with()], graph)
    improved = count_on_map("persons.home_area_id", day, [is_business, completed_with(_applied_by(today))], graph)
    business_unrecorded = count_on_map("persons.home_area_id", day, [
        is_business, completed_with(), ~completed_with(_assessed_by(today))], graph)
    # the learners of working age and those of unknown age in one pass; the two sources of "online" as one list
    # (a UNION: built once, where an OR of two IN lists built each list twice)
    modes, aged = t5_modes(), working_age(today)
    online = Person.id.in_(union(_level_one(False, today, modes), online_level_one(today)))
    age = case((Person.birth_year.is_(None), "unknown"), (and_(*aged), "aged"), else_="other")
    by_age = count_on_map_by("persons.home_area_id", day, age, [online], graph)
    basic_done = [Person.id.in_(_level_one(True, today, modes)), *aged]
    skilled = count_on_map("persons.home_area_id", day,
                           [Person.id.in_(_level_one(True, today, modes, _applied_by(today))), *aged], graph)
    # NOT EXISTS, correlated, not NOT IN (subquery): past work_mem PostgreSQL stops hashing a NOT IN list and runs
    # the subquery again for every person (minutes on a few provinces)
    assessed = _level_one(True, today, modes, _assessed_by(today)).where(Enrollment.person_id == Person.id)
    return {"business": business, "business_improved": improved, "business_unrecorded": business_unrecorded,
            "online": by_age.get("aged", Counter()), "online_unknown_age": by_age.get("unknown", Counter()),
            "basic_completed": count_on_map("persons.home_area_id", day, basic_done, graph),
            "basic_skilled": skilled,
            "basic_unrecorded": count_on_map("persons.home_area_id", day, [*basic_done, ~assessed.exists()], graph)}


def learner_counts(day: dt.date, today: dt.date, graph: AreaGraph) -> dict[str, Counter]:
    """The persons T4, T5 and their outcome indicators count, per area of the map valid on `day` — `business`
    (audience 'business', a completed enrolment), `business_improved` (… with a yes recorded),
    `business_unrecorded` (… with no outcome recorded on any), `online` / `online_unknown_age` (aged 15–60 / of
    unknown age, in a Bậc 1 class of the T5 modes or with a matched Bậc 1 day), `basic_completed` (aged, a
    completed Bậc 1 class of the T5 modes), `basic_skilled` (… with a yes), `basic_unrecorded` (… with no outcome
    on any): one pass over the enrolments on PostgreSQL, a query per count on SQLite."""
    if db.session.get_bind().dialect.name == "postgresql":
        return _learner_counts(day, today, graph)
    return _learner_counts_each(day, today, graph)


# the parts of `measure_all`, each stored as a summary of its own (`app.summaries.catalogue`) so a change recomputes
# only the part that reads it: a trainer paused or a plan recorded does not count 1.1M enrolments again
NETWORK_PART = ("districts_plan_issued", "communes_plan_issued", "units_with_core_group", "communes_with_trainer")
CIVIL_SERVANTS_PART = ("civil_servants_trained", "civil_servants_improved", "civil_servants_improved_unrecorded")
LEARNERS_PART = ("business_owners_trained", "business_owners_improved", "business_owners_improved_unrecorded",
                 "working_age_trained_online", "working_age_unknown_age", "working_age_basic_skills",
                 "working_age_basic_skills_unrecorded")
# the order `measure_all` gives them in
MEASURE_ORDER = ("districts_plan_issued", "communes_plan_issued", "units_with_core_group", *CIVIL_SERVANTS_PART,
                 *LEARNERS_PART, "communes_with_trainer")


def _core_units(day: dt.date, today: dt.date, graph: AreaGraph) -> dict[int, int | None]:
    """The units in force on `today` that must form a core group, at their area on the map of `day`."""
    return rows_on_map("units.area_id", day, [Unit.kind.in_(CORE_GROUP_UNIT_KINDS), *in_force_on(today)], graph)


def measure_network(day: dt.date, today: dt.date, core_group_min: int, graph: AreaGraph) -> dict[str, Measure]:
    """T1 (districts' or communes' plans), T2 (units with a core group) and the communes with an active trainer:
    from the areas, the district plans, the units and the trainers (`NETWORK_PART`)."""
    out: dict[str, Measure] = {}
    districts = _areas_of_level(graph, day, "district")
    issued = db.session.execute(select(DistrictPlan.area_id).where(
        DistrictPlan.issued_on <= today, DistrictPlan.launched_on <= today)).scalars()
    issued = list(issued)
    plans = Counter({a: 1 for a in {graph.image(i, day) for i in issued} if a in districts})
    out["districts_plan_issued"] = Measure("districts_plan_issued", plans, districts, bool(districts))
    # T1 of a plan on a map without districts (2025): the communes' own plans
    communes = _areas_of_level(graph, day, "commune")
    commune_plans = Counter({a: 1 for a in {graph.image(i, day) for i in issued
                                             if i in graph.nodes and graph.nodes[i].level == "commune"}
                             if a in communes})
    out["communes_plan_issued"] = Measure("communes_plan_issued", commune_plans, communes, bool(communes))

    core_units = _core_units(day, today, graph)
    grouped = grouped_units(core_group_min, today)
    out["units_with_core_group"] = Measure(
        "units_with_core_group", Counter(a for u, a in core_units.items() if u in grouped),
        Counter(core_units.values()), bool(core_units))

    served = count_on_map("trainers.area_id", day, [Trainer.status == "active", _certified_by(today)], graph)
    out["communes_with_trainer"] = Measure(
        "communes_with_trainer", Counter({a: 1 for a in served if a in communes}), communes, bool(communes))
    return out


def measure_civil_servants(day: dt.date, today: dt.date, graph: AreaGraph) -> dict[str, Measure]:
    """T3 and its outcome (`CIVIL_SERVANTS_PART`): from the units, their headcounts and moves, the persons of the
    units and their enrolments; T3's numerators per unit in `by_unit`."""
    out: dict[str, Measure] = {}
    core_units = _core_units(day, today, graph)
    headcount = headcounts_on(today, CORE_GROUP_UNIT_KINDS)
    trained = trained_by_unit(today)
    # learners count on their unit in force or not (a split unit's learners until they are placed): equal totals
    every_unit = rows_on_map("units.area_id", day, [Unit.kind.in_(CORE_GROUP_UNIT_KINDS)], graph)
    out["civil_servants_trained"] = Measure("civil_servants_trained", _sum_by(every_unit, trained),
                                            _sum_by(core_units, headcount), bool(headcount), trained)
    civil_trained = _sum_by(every_unit, trained)
    improved = trained_by_unit(today, _applied_by(today))
    assessed = _sum_by(every_unit, trained_by_unit(today, _assessed_by(today)))
    out["civil_servants_improved"] = Measure("civil_servants_improved", _sum_by(every_unit, improved),
                                             civil_trained, True, improved)
    out["civil_servants_improved_unrecorded"] = Measure(
        "civil_servants_improved_unrecorded", +(civil_trained - assessed), Counter(), False)
    return out


def measure_learners(day: dt.date, today: dt.date, graph: AreaGraph) -> dict[str, Measure]:
    """T4, T5 and their outcomes (`LEARNERS_PART`): from the persons, their enrolments and classes, their online
    learning records, the populations and the plan settings."""
    out: dict[str, Measure] = {}
    owners = _image_sum(_latest_populations(AreaPopulation.business_owners), graph, day)
    working = _image_sum(_latest_populations(AreaPopulation.working_age), graph, day)
    # T4 and T5 with their outcome counts (`learner_counts`)
    learners = learner_counts(day, today, graph)
    business, business_improved, business_unrecorded = (learners[k] for k in ("business", "business_improved",
                                                                              "business_unrecorded"))
    out["business_owners_trained"] = Measure("business_owners_trained", business, owners, bool(owners))
    out["business_owners_improved"] = Measure("business_owners_improved", business_improved, business, True)
    out["business_owners_improved_unrecorded"] = Measure("business_owners_improved_unrecorded", business_unrecorded,
                                                         Counter(), False)
    # T5 as the plan words it: persons aged 15–60 on the measurement day in an online (or blended) basic class
    out["working_age_trained_online"] = Measure("working_age_trained_online", learners["online"], working,
                                                bool(working))
    out["working_age_unknown_age"] = Measure("working_age_unknown_age", learners["online_unknown_age"], Counter(),
                                             False)
    # "trong đó … có khả năng sử dụng": of the working-age persons who completed an online basic class, those
    # the trainer recorded as able to apply it
    out["working_age_basic_skills"] = Measure("working_age_basic_skills", learners["basic_skilled"],
                                              learners["basic_completed"], True)
    out["working_age_basic_skills_unrecorded"] = Measure("working_age_basic_skills_unrecorded",
                                                         learners["basic_unrecorded"], Counter(), False)
    return out


def in_order(*parts: dict[str, Any]) -> dict[str, Any]:
    """The parts' measures (or their stored payloads) as one dict, in `measure_all`'s order."""
    merged = {code: m for part in parts for code, m in part.items()}
    return {code: merged[code] for code in MEASURE_ORDER if code in merged}


def measure_all(day: dt.date, today: dt.date, core_group_min: int, graph: AreaGraph | None = None) -> dict[str, Measure]:
    """Every measured indicator on the map valid on `day`, as of `today` (completions, trainers and plans
    dated after it are left out, so a past quarter's report measures that quarter): its three parts
    (`measure_network`, `measure_civil_servants`, `measure_learners`) together."""
    graph = graph or AreaGraph.load()
    return in_order(measure_network(day, today, core_group_min, graph), measure_civil_servants(day, today, graph),
                    measure_learners(day, today, graph))


def missing_reason(code: str, denominator: int | None, unrecorded: int = 0) -> str | None:
    """Why an indicator has no figure ("chưa có số liệu: …"), or None when it has one: no denominator imported,
    a denominator of 0, or (outcome indicators) no outcome recorded for any learner of the denominator."""
    if not denominator:
        return _NO_DENOMINATOR.get(code, "chưa có mẫu số")
    if code in OUTCOME_UNRECORDED and unrecorded >= denominator:
        return NO_OUTCOME
    return None


def totals(measure: Measure, area_id: int, graph: AreaGraph) -> tuple[int, int | None]:
    """(numerator, denominator) summed over `area_id`'s subtree; denominator None when never imported."""
    num = rollup(measure.numerators, area_id, graph).total
    den = rollup(measure.denominators, area_id, graph).total
    return num, den if measure.has_denominator else None


def by_child(measure: Measure, area_id: int, graph: AreaGraph) -> dict[int, tuple[int, int | None]]:
    """(numerator, denominator) for each child of `area_id` that has a denominator or a numerator."""
    nums = rollup(measure.numerators, area_id, graph).by_child
    dens = rollup(measure.denominators, area_id, graph).by_child
    return {child: (nums.get(child, 0), dens.get(child, 0) if measure.has_denominator else None)
            for child in set(nums) | set(dens)}


def measure_units(today: dt.date, core_group_min: int) -> dict[str, Measure]:
    """T2 and T3 with counters keyed by unit id (each unit's own figures, not its subtree's), as of `today`."""
    units = set(db.session.scalars(select(Unit.id).where(Unit.kind.in_(CORE_GROUP_UNIT_KINDS), *in_force_on(today))))
    grouped = grouped_units(core_group_min, today)
    headcount = Counter({u: h for u, h in headcounts_on(today, CORE_GROUP_UNIT_KINDS).items() if h})
    return {
        "units_with_core_group": Measure("units_with_core_group", Counter({u: 1 for u in units if u in grouped}),
                                         Counter(dict.fromkeys(units, 1)), bool(units)),
        "civil_servants_trained": Measure("civil_servants_trained", Counter(trained_by_unit(today)), headcount,
                                          bool(headcount)),
    }


def unit_totals(measure: Measure, paths: dict[int, str]) -> dict[int, tuple[int, int | None]]:
    """(numerator, denominator) of every unit's subtree: each unit's own figures added to it and to every unit
    on its `path` ('/3/17/'); denominator None when never imported anywhere."""
    nums: Counter = Counter()
    dens: Counter = Counter()
    for counter, out in ((measure.numerators, nums), (measure.denominators, dens)):
        for unit_id, value in counter.items():
            for part in (paths.get(unit_id) or f"/{unit_id}/").strip("/").split("/"):
                if part:
                    out[int(part)] += value
    return {u: (nums.get(u, 0), dens.get(u, 0) if measure.has_denominator else None) for u in set(nums) | set(dens)}


def populations_estimated() -> bool:
    """Whether any stored population figure is an estimate (the pages then say "ước tính")."""
    return bool(db.session.scalar(select(AreaPopulation.id).where(AreaPopulation.is_estimate).limit(1)))
