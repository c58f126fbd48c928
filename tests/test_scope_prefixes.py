"""Subtrees are matched by path prefix, and a path ends with '/': the area with id 7000001 ('/…/7000001/') is
not the beginning of the area with id 70000012 ('/…/70000012/'), though its id is the beginning of the other's.

The test builds its own province with districts whose ids share their first digits (as 1 and 12, 1 and 10,
1 and 100 do) and a unit tree whose ids do the same, each with a commune, a unit below, a trainer, a class
and a learner. A coordinator of one district (or unit) sees their own subtree and none of the others', in
queries and on pages; `area_subtree_ids` / `unit_subtree_ids` return exactly the subtree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Area, Enrollment, Person, Trainer, TrainingClass, Unit
from app.scope import area_subtree_ids, unit_subtree_ids, visible
from app.text import fold
from tests.factories import enrol, make_class, make_person, make_trainer, make_user

ROOT_ID = 7_000_000
# district id -> the id of the unit heading it: "1", "12", "10", "100" after a common stem
DISTRICTS = {7_000_001: 8_000_001, 70_000_012: 80_000_012, 70_000_010: 80_000_010, 700_000_100: 800_000_100}
MAP_DAY = date(2024, 12, 1)


@dataclass
class Branch:
    district: Area
    commune: Area
    unit: Unit
    sub_unit: Unit
    trainer: Trainer
    training_class: TrainingClass
    learner: Person
    enrollment: Enrollment

    def ids(self, model) -> set[int]:
        return {
            Area: {self.district.id, self.commune.id},
            Unit: {self.unit.id, self.sub_unit.id},
            Trainer: {self.trainer.id},
            TrainingClass: {self.training_class.id},
            Person: {self.learner.id, self.trainer.person_id},
            Enrollment: {self.enrollment.id},
        }[model]


def _area(area_id: int, parent: Area | None, level: str, code: str) -> Area:
    name = f"Địa bàn thử {code}"
    item = Area(id=area_id, code=code, name=name, search_key=fold(name), level=level,
                division_type={"province": "tinh", "district": "huyen"}.get(level, "xa"),
                parent_id=parent.id if parent else None, valid_from=MAP_DAY,
                path=f"{parent.path if parent else '/'}{area_id}/")
    db.session.add(item)
    db.session.flush()
    return item


def _unit(unit_id: int, area: Area, parent: Unit | None) -> Unit:
    name = f"Đơn vị thử {unit_id}"
    item = Unit(id=unit_id, name=name, search_key=fold(name), kind="agency", area_id=area.id, headcount=10,
                parent_id=parent.id if parent else None, path=f"{parent.path if parent else '/'}{unit_id}/")
    db.session.add(item)
    db.session.flush()
    return item


@pytest.fixture
def branches() -> dict[int, Branch]:
    root = _area(ROOT_ID, None, "province", "TPX0")
    made = {}
    for n, (district_id, unit_id) in enumerate(DISTRICTS.items(), start=1):
        district = _area(district_id, root, "district", f"TPX{n}")
        commune = _area(900_000_000 + n, district, "commune", f"TPX{n}C")
        unit = _unit(unit_id, commune, None)
        sub_unit = _unit(900_000_000 + n, commune, unit)
        trainer = make_trainer(commune, unit=sub_unit, name=f"Giảng Viên Tiền Tố {n}")
        training_class = make_class(trainer, commune, sub_unit, topic=f"Lớp tiền tố {n}")
        learner = make_person(f"Học Viên Tiền Tố {n}", commune, sub_unit)
        made[district_id] = Branch(district, commune, unit, sub_unit, trainer, training_class, learner,
                                   enrol(training_class, learner))
    return made


def _ours(branches: dict[int, Branch], model) -> set[int]:
    return set().union(*(b.ids(model) for b in branches.values()))


MODELS = (Area, Unit, Trainer, TrainingClass, Person, Enrollment)


@pytest.mark.parametrize("district_id", list(DISTRICTS))
def test_an_area_coordinator_sees_only_their_subtree(branches, district_id):
    own = branches[district_id]
    user = make_user(f"coord_prefix_{district_id}", "coordinator", area_obj=own.district)
    for model in MODELS:
        seen = set(db.session.scalars(select(model.id).where(visible(model, user),
                                                             model.id.in_(_ours(branches, model)))))
        assert seen == own.ids(model), f"{model.__name__}: {sorted(seen - own.ids(model))} seen from another branch"
    subtree = set(db.session.scalars(area_subtree_ids(own.district.path)))
    assert subtree == {own.district.id, own.commune.id}


@pytest.mark.parametrize("district_id", list(DISTRICTS))
def test_a_unit_coordinator_sees_only_their_unit_subtree(branches, district_id):
    own = branches[district_id]
    user = make_user(f"unit_prefix_{district_id}", "coordinator", unit=own.unit)
    for model in (Unit, Trainer, TrainingClass, Person, Enrollment):
        seen = set(db.session.scalars(select(model.id).where(visible(model, user),
                                                             model.id.in_(_ours(branches, model)))))
        assert seen == own.ids(model), f"{model.__name__}: {sorted(seen - own.ids(model))} seen from another unit"
    assert set(db.session.scalars(unit_subtree_ids(own.unit.path))) == {own.unit.id, own.sub_unit.id}


def test_pages_of_a_district_whose_id_extends_yours_answer_404(branches, client, login_as):
    own, other = branches[7_000_001], branches[70_000_012]
    make_user("coord_prefix_pages", "coordinator", area_obj=own.district)
    login_as("coord_prefix_pages")
    for url in (f"/classes/{own.training_class.id}", f"/trainers/{own.trainer.id}", f"/people/{own.learner.id}",
                f"/units/{own.unit.id}", f"/areas/{own.commune.id}"):
        assert client.get(url).status_code == 200, url
    for url in (f"/classes/{other.training_class.id}", f"/trainers/{other.trainer.id}",
                f"/people/{other.learner.id}", f"/units/{other.unit.id}", f"/areas/{other.commune.id}"):
        assert client.get(url).status_code == 404, url
