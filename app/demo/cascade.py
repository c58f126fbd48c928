"""A synthetic, realistic cascade: core trainers, their classes and learners, new trainers grown.

Rules of the synthesis (fixed seed, so the same date gives the same data):
- 300 province core trainers certified in 12/2024, spread over districts by population;
- a trainer opens 0–4 classes (most 2–3; about one in seven never opens one: dormant);
- the best learners of completed classes become trainers of the next generation, in the class's
  commune, never teaching above their mentor's level;
- about one commune in eight is never reached, so coverage gaps are real;
- class status follows the dates against `today`;
- a completed learner's outcome ("áp dụng được", recorded on the completion day) is left unset for about one in
  four, and is "có" for about seven in ten of the others; drawn from a second generator, so the rest of the
  synthesis is the same as without outcomes.
Rows are plain dicts with explicit ids, ready for bulk insert. Without a `sink`, `run()` returns every row; with
one (the seed), persons and enrolments are handed to it every `chunk` persons, with the trainers and classes made
since, and dropped (a province is 1.1M of each: kept whole they took 1.4 GB); trainers and classes stay in `Rows`.
A learner who may be promoted is remembered only as what promotion reads (score, person id, unit, name key),
and only for the classes of the generation being grown.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.demo import names
from app.text import fold

CORE_CERTIFIED = date(2024, 12, 20)
SPREAD_STARTS = date(2025, 2, 10)


@dataclass(frozen=True)
class Size:
    generations: tuple[int, ...]  # trainers wanted per generation (0 = province core)
    learners: tuple[int, int]  # learners per class, min and max
    classes: tuple[int, ...]  # choices of classes per non-dormant trainer
    with_classes: bool = True


SIZES = {
    "demo": Size((300, 420, 520, 480, 360, 220, 100), (15, 35), (1, 2, 2, 2, 3, 3, 3, 4)),
    "province": Size((300, 1800, 4800, 8200, 9000, 6000, 3000), (12, 26), (3, 3, 4, 4, 5, 5)),
    "nation": Size((3000, 30000, 150000, 400000, 500000, 300000, 117000), (1, 1), (1,), with_classes=False),
}


@dataclass
class District:
    id: int
    code: str
    population: int
    communes: list[int]


@dataclass
class Rows:
    persons: list[dict] = field(default_factory=list)
    trainers: list[dict] = field(default_factory=list)
    classes: list[dict] = field(default_factory=list)
    enrollments: list[dict] = field(default_factory=list)


# persons, trainers, classes, enrolments: the rows made since the last call, in id order (foreign keys first)
Sink = Callable[[list[dict], list[dict], list[dict], list[dict]], None]


class Cascade:
    def __init__(self, districts: list[District], units: list[dict], size: Size, today: date, seed: int,
                 first_ids: dict[str, int], sink: Sink | None = None, chunk: int = 20_000):
        self.rng = random.Random(seed)
        self.outcome_rng = random.Random(seed + 1)
        self.size = size
        self.today = today
        self.districts = districts
        self.district_of = {c: d for d in districts for c in d.communes}
        self.units = units
        self.rows = Rows()
        self.next_id = dict(first_ids)
        self.sink, self.chunk = sink, chunk
        self.sent = (0, 0)  # trainers and classes already handed to the sink
        # the learners who completed a class of the generation being grown, by class: (score, person id, unit id,
        # name key) in enrolment order
        self.completed_by_class: dict[int, list[tuple]] = {}
        # numbers already given, kept as ints (a province gives a million phones)
        self.phones: set[int] = set()
        self.ids_issued: set[int] = set()
        # About one commune in eight is never reached.
        all_communes = [c for d in districts for c in d.communes]
        self.unreached = set(self.rng.sample(all_communes, k=len(all_communes) // 8))
        self.reached = {d.id: [c for c in d.communes if c not in self.unreached] or d.communes for d in districts}

    # -- identities -------------------------------------------------------------------------------
    def _id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def _phone(self) -> str | None:
        if self.rng.random() < 0.08:
            return None
        while True:
            phone = "+84" + self.rng.choice(names.PHONE_PREFIXES) + f"{self.rng.randrange(10**7):07d}"
            number = int(phone[1:])  # digits after '+', never a leading zero: one int per phone
            if number not in self.phones:
                self.phones.add(number)
                return phone

    def _national_id(self, birth_year: int, female: bool) -> str | None:
        if self.rng.random() < 0.6:
            return None
        while True:
            century = (1 if female else 0) if birth_year < 2000 else (3 if female else 2)
            value = f"019{century}{birth_year % 100:02d}{self.rng.randrange(10**6):06d}"
            number = int(value)  # always 12 digits starting 019: one int per value
            if number not in self.ids_issued:
                self.ids_issued.add(number)
                return value

    def person(self, area_id: int, audience: str | None, unit_id: int | None, adult: bool = False) -> dict:
        rng = self.rng
        female = rng.random() < 0.52
        family = rng.choices([f for f, _ in names.FAMILY], [w for _, w in names.FAMILY])[0]
        middle = rng.choice(names.MIDDLE_FEMALE if female else names.MIDDLE_MALE)
        given = rng.choice(names.GIVEN_FEMALE if female else names.GIVEN_MALE)
        birth_year = rng.randint(1968, 1998 if adult else 2009)
        district = self.district_of.get(area_id)
        pool = names.ETHNIC_UPLAND if district and district.code in names.UPLAND_DISTRICTS else names.ETHNIC_LOWLAND
        ethnic = rng.choices([e for e, _ in pool], [w for _, w in pool])[0]
        row = {
            "id": self._id("persons"),
            "full_name": f"{family} {middle} {given}",
            "search_key": fold(f"{family} {middle} {given}"),
            "phone": self._phone(),
            "email": None,
            "national_id": self._national_id(birth_year, female),
            "birth_year": birth_year,
            "gender": "female" if female else "male",
            "ethnic_group": ethnic,
            "home_area_id": area_id,
            "unit_id": unit_id,
            "audience_group": "ethnic_minority" if ethnic not in ("Kinh", "Hoa") and audience is None else audience,
        }
        self.rows.persons.append(row)
        return row

    # -- placement --------------------------------------------------------------------------------
    def unit_for(self, district: District) -> int | None:
        local = [u["id"] for u in self.units if u["district_code"] in (district.code, None)]
        return self.rng.choice(local) if local and self.rng.random() < 0.7 else None

    def audience_for(self, district: District) -> str:
        groups = ["civil_servant", "teacher_pupil", "business", "industrial_worker", "rural_worker",
                  "ethnic_minority", "youth_union", "women_union", "other"]
        upland = district.code in names.UPLAND_DISTRICTS
        weights = [18, 14, 10, 6 if not upland else 1, 14, 10 if upland else 1, 12, 12, 4]
        return self.rng.choices(groups, weights)[0]

    # -- the cascade ------------------------------------------------------------------------------
    def core_trainers(self) -> list[dict]:
        total = sum(d.population for d in self.districts)
        weights = [d.population / total for d in self.districts]
        trainers = []
        for _ in range(self.size.generations[0]):
            district = self.rng.choices(self.districts, weights)[0]
            commune = self.rng.choice(self.reached[district.id])
            unit_id = self.unit_for(district)
            person = self.person(commune, "civil_servant", unit_id, adult=True)
            trainers.append(self.trainer(person, None, None, "province", self.rng.choice([3, 4, 4, 5]),
                                         CORE_CERTIFIED, commune, unit_id, path="/", generation=0))
        return trainers

    def trainer(self, person: dict, mentor: dict | None, origin_class: dict | None, tier: str, max_level: int,
                certified_on: date, area_id: int, unit_id: int | None, path: str, generation: int) -> dict:
        roll = self.rng.random()
        status = "left" if roll < 0.03 else "paused" if roll < 0.09 else "active"
        trainer_id = self._id("trainers")
        row = {
            "id": trainer_id, "person_id": person["id"], "tier": tier,
            "mentor_id": mentor["id"] if mentor else None,
            "origin_class_id": origin_class["id"] if origin_class else None,
            "max_level": max_level, "status": status, "certified_on": certified_on,
            "area_id": area_id, "unit_id": unit_id,
            "path": f"{path}{trainer_id}/", "generation": generation, "search_key": person["search_key"],
        }
        self.rows.trainers.append(row)
        return row

    def open_classes(self, trainer: dict) -> list[dict]:
        rng = self.rng
        if not self.size.with_classes or trainer["status"] == "left" or rng.random() < 0.14:
            return []
        start = max(trainer["certified_on"] + timedelta(days=rng.randint(10, 75)), SPREAD_STARTS)
        district = self.district_of[trainer["area_id"]]
        opened = []
        for _ in range(rng.choice(self.size.classes)):
            if start > self.today + timedelta(days=45):
                break
            end = start + timedelta(days=rng.randint(14, 42))
            venue = trainer["area_id"] if rng.random() < 0.7 else rng.choice(self.reached[district.id])
            status = ("completed" if end < self.today else "running" if start <= self.today
                      else rng.choice(["planned", "open"]))
            if status == "completed" and rng.random() < 0.02:
                status = "cancelled"
            level = rng.randint(1, trainer["max_level"]) if rng.random() < 0.35 else 1
            row = {
                "id": self._id("training_classes"), "trainer_id": trainer["id"], "level": level,
                "topic": rng.choice(names.TOPICS[level]), "mode": rng.choice(["online", "in_person", "blended"]),
                "audience_group": self.audience_for(district), "venue_area_id": venue,
                "host_unit_id": trainer["unit_id"] if rng.random() < 0.5 else None,
                "start_on": start, "end_on": end, "sessions": rng.choice([4, 6, 8, 10, 12]),
                "capacity": rng.choice([20, 25, 30, 35, 40]), "status": status,
            }
            self.rows.classes.append(row)
            opened.append(row)
            self.enrol(row)
            start = end + timedelta(days=rng.randint(7, 60))
        return opened

    def enrol(self, training_class: dict) -> None:
        rng = self.rng
        if training_class["status"] in ("planned", "cancelled"):
            return
        for _ in range(rng.randint(*self.size.learners)):
            # a civil-servant class's learners work at its host unit, as the roster import's empty cell says
            workplace = training_class["host_unit_id"] if training_class["audience_group"] == "civil_servant" else None
            person = self.person(training_class["venue_area_id"], training_class["audience_group"], workplace)
            completed = training_class["status"] == "completed" and rng.random() < 0.86
            recorded = completed and self.outcome_rng.random() < 0.75
            applies = (self.outcome_rng.random() < 0.7) if recorded else None
            score = round(rng.uniform(55, 100), 1) if completed else None
            self.rows.enrollments.append({
                "id": self._id("enrollments"), "class_id": training_class["id"], "person_id": person["id"],
                "status": "completed" if completed else ("enrolled" if training_class["status"] != "completed"
                                                         else "dropped"),
                "score": score,
                "completed_on": training_class["end_on"] if completed else None,
                "applies": applies, "applies_on": training_class["end_on"] if recorded else None,
            })
            if completed:
                self.completed_by_class.setdefault(training_class["id"], []).append(
                    (score, person["id"], person["unit_id"], person["search_key"]))

    def run(self) -> Rows:
        generation = self.core_trainers()
        for g, wanted in enumerate(self.size.generations[1:], start=1):
            self.completed_by_class = {}  # only this generation's classes can give the next one
            candidates = []  # (trainer, completed class) pairs whose learners are ready to teach
            for trainer in generation:
                for training_class in self.open_classes(trainer):
                    if training_class["status"] == "completed":
                        candidates.append((trainer, training_class))
                self.flush()
            if not self.size.with_classes:
                candidates = [(t, None) for t in generation]
            if not candidates:
                break
            next_generation = []
            weights = [self.rng.paretovariate(1.6) for _ in candidates]
            for mentor, training_class in self.rng.choices(candidates, weights, k=wanted):
                next_generation.append(self.grow(mentor, training_class, g))
                self.flush()
            generation = [t for t in next_generation if t is not None]
        for trainer in generation:  # the last generation opens classes too
            self.open_classes(trainer)
            self.flush()
        self.completed_by_class = {}
        self.flush(everything=True)
        return self.rows

    def flush(self, everything: bool = False) -> None:
        """Hand the persons and enrolments made so far (and the trainers and classes made since the last call) to
        the sink and drop them, once there are `chunk` persons (`everything`: whatever is left)."""
        rows = self.rows
        if self.sink is None or not (len(rows.persons) >= self.chunk or everything):
            return
        trainers, classes = self.sent
        self.sink(rows.persons, rows.trainers[trainers:], rows.classes[classes:], rows.enrollments)
        self.sent = (len(rows.trainers), len(rows.classes))
        rows.persons, rows.enrollments = [], []

    def grow(self, mentor: dict, training_class: dict | None, g: int):
        """Promote the best remaining learner of the class (the first of the best scores), or a new person when
        classes are skipped."""
        if training_class is None:
            commune = mentor["area_id"]
            person = self.person(commune, None, mentor["unit_id"], adult=True)
            certified = mentor["certified_on"] + timedelta(days=self.rng.randint(40, 90))
        else:
            pool = self.completed_by_class.get(training_class["id"])
            if not pool:
                return None
            _score, person_id, unit_id, search_key = pool.pop(max(range(len(pool)), key=lambda i: pool[i][0]))
            person = {"id": person_id, "unit_id": unit_id, "search_key": search_key}
            commune = training_class["venue_area_id"]
            certified = training_class["end_on"] + timedelta(days=self.rng.randint(3, 20))
        if certified > self.today:
            return None
        tier = "district" if g == 1 else "local"
        level = max(1, min(mentor["max_level"], self.rng.choice([1, 2, 2, 3, 3, 4, 5])))
        unit_id = person["unit_id"] or self.unit_for(self.district_of[commune])
        return self.trainer(person, mentor, training_class, tier, level, certified, commune, unit_id,
                            path=mentor["path"], generation=g)
