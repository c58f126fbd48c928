"""Test data: the real 2024 and 2025 maps with their crosswalk, and a small two-district world, plus factory helpers.

`build_world` runs once per test session (committed); tests add rows inside their own
rolled-back transaction with the `make_*` helpers.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app import ROOT
from app.areas.crosswalk import crosswalk_maps, load_crosswalk
from app.areas.operations import load_map, map_period, read_map
from app.extensions import db
from app.models import (
    Area,
    Assignment,
    Certificate,
    Enrollment,
    Person,
    Report,
    Trainer,
    TrainingClass,
    Unit,
    User,
)
from app.text import fold

MAP_2024 = ROOT / "data" / "areas" / "vn-2024-thai-nguyen-bac-kan.csv"
MAP_2025 = ROOT / "data" / "areas" / "vn-2025-thai-nguyen.csv"
CROSSWALK_2025 = ROOT / "data" / "areas" / "vn-2025-crosswalk-thai-nguyen.csv"
PASSWORD = "mat-khau-thu-nghiem"
_counter = itertools.count(1)


def area(code: str) -> Area:
    return db.session.scalar(select(Area).where(Area.code == code).order_by(Area.valid_from).limit(1))


def make_unit(name: str, area_obj: Area, kind: str = "agency", parent: Unit | None = None, headcount=50) -> Unit:
    unit = Unit(name=name, search_key=fold(name), kind=kind, area_id=area_obj.id, headcount=headcount,
                parent_id=parent.id if parent else None, path="")
    db.session.add(unit)
    db.session.flush()
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    return unit


def make_person(name: str | None = None, area_obj: Area | None = None, unit: Unit | None = None, **kw) -> Person:
    n = next(_counter)
    name = name or f"Người Thử {n}"
    person = Person(full_name=name, search_key=fold(name), phone=kw.pop("phone", f"+8491{n:07d}"),
                    home_area_id=area_obj.id if area_obj else None, unit_id=unit.id if unit else None, **kw)
    db.session.add(person)
    db.session.flush()
    return person


def make_trainer(area_obj: Area, mentor: Trainer | None = None, unit: Unit | None = None, name: str | None = None,
                 **kw) -> Trainer:
    person = make_person(name, area_obj, unit)
    trainer = Trainer(person_id=person.id, tier=kw.pop("tier", "province" if mentor is None else "local"),
                      mentor_id=mentor.id if mentor else None, max_level=kw.pop("max_level", 3),
                      status=kw.pop("status", "active"), certified_on=kw.pop("certified_on", date(2024, 12, 20)),
                      area_id=area_obj.id, unit_id=unit.id if unit else None,
                      generation=(mentor.generation + 1) if mentor else 0, path="", search_key=person.search_key, **kw)
    db.session.add(trainer)
    db.session.flush()
    trainer.path = (mentor.path if mentor else "/") + f"{trainer.id}/"
    return trainer


def make_class(trainer: Trainer, venue: Area, unit: Unit | None = None, **kw) -> TrainingClass:
    training_class = TrainingClass(
        trainer_id=trainer.id, level=kw.pop("level", 1), topic=kw.pop("topic", "Soạn thảo văn bản với AI"),
        mode=kw.pop("mode", "in_person"), audience_group=kw.pop("audience_group", "civil_servant"),
        venue_area_id=venue.id, host_unit_id=unit.id if unit else None,
        start_on=kw.pop("start_on", date(2025, 3, 1)), end_on=kw.pop("end_on", date(2025, 3, 30)),
        status=kw.pop("status", "completed"), capacity=30, sessions=6, **kw,
    )
    db.session.add(training_class)
    db.session.flush()
    return training_class


def enrol(training_class: TrainingClass, person: Person, completed: bool = True) -> Enrollment:
    enrollment = Enrollment(class_id=training_class.id, person_id=person.id,
                            status="completed" if completed else "enrolled",
                            score=85 if completed else None,
                            completed_on=training_class.end_on if completed else None)
    db.session.add(enrollment)
    db.session.flush()
    return enrollment


def make_certificate(enrollment: Enrollment, code: str) -> Certificate:
    training_class = db.session.get(TrainingClass, enrollment.class_id)
    cert = Certificate(person_id=enrollment.person_id, level=training_class.level, serial=f"T-{code}", code=code,
                       issued_on=training_class.end_on, class_id=training_class.id,
                       trainer_id=training_class.trainer_id)
    db.session.add(cert)
    db.session.flush()
    cert.serial = f"BDHAI-{cert.issued_on.year}-{cert.id:06d}"
    return cert


def make_assignment(trainer: Trainer, target: Area | Unit, classes: int = 1, **kw) -> Assignment:
    kind = "unit" if isinstance(target, Unit) else "area"
    item = Assignment(trainer_id=trainer.id, target_kind=kind, area_id=target.id if kind == "area" else None,
                      unit_id=target.id if kind == "unit" else None, classes=classes,
                      starts_on=kw.pop("starts_on", date(2025, 5, 1)), ends_on=kw.pop("ends_on", date(2099, 12, 31)),
                      status=kw.pop("status", "active"), reason_code=kw.pop("reason_code", "manual"), **kw)
    db.session.add(item)
    db.session.flush()
    return item


def make_user(username: str, role: str, *, area_obj=None, unit=None, person=None) -> User:
    user = User(username=username, full_name=username, role=role,
                scope_area_id=area_obj.id if area_obj else None, scope_unit_id=unit.id if unit else None,
                person_id=person.id if person else None)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.flush()
    return user


def build_world() -> None:
    """Two districts with one small cascade each, a unit subtree, and one account per role."""
    load_map(read_map(MAP_2024), *map_period(MAP_2024))  # old Thái Nguyên and old Bắc Kạn
    load_map(read_map(MAP_2025), *map_period(MAP_2025))
    load_crosswalk(CROSSWALK_2025, *crosswalk_maps(CROSSWALK_2025))
    dai_tu, phu_binh = area("D171"), area("D173")
    hung_son = db.session.scalar(select(Area).where(Area.parent_id == dai_tu.id).order_by(Area.code).limit(1))
    diem_thuy = db.session.scalar(select(Area).where(Area.parent_id == phu_binh.id).order_by(Area.code).limit(1))
    edu = make_unit("Sở Giáo dục và Đào tạo", area("D164"))
    school_dt = make_unit("Trường THPT Đại Từ", dai_tu, "school", parent=edu)
    coop_pb = make_unit("Hợp tác xã Chè Phú Bình", phu_binh, "cooperative")

    root_dt = make_trainer(hung_son, unit=school_dt, name="Nguyễn Văn Đại")
    child_dt = make_trainer(hung_son, mentor=root_dt, name="Trần Thị Từ", tier="district")
    class_dt = make_class(root_dt, hung_son, school_dt)
    make_certificate(enrol(class_dt, make_person("Lê Văn Học", hung_son)), "DTKT000001")

    root_pb = make_trainer(diem_thuy, unit=coop_pb, name="Phạm Văn Bình")
    child_pb = make_trainer(diem_thuy, mentor=root_pb, name="Hoàng Thị Phú", tier="district")
    class_pb = make_class(root_pb, diem_thuy, coop_pb, topic="Làm video ngắn với AI", level=2)
    make_certificate(enrol(class_pb, make_person("Đỗ Thị Hà", diem_thuy)), "PBKT000001")
    make_class(child_pb, diem_thuy, status="running", start_on=date(2025, 5, 20), end_on=date(2025, 6, 30),
               topic="Tư duy giải quyết vấn đề cùng AI")
    make_assignment(child_pb, diem_thuy, reason="Phú Bình")
    db.session.add(Report(year=2025, quarter=2, area_id=phu_binh.id, file_name="test-phu-binh-2025-Q2.xlsx"))

    make_user("admin", "admin")
    make_user("steering", "steering")
    make_user("viewer", "viewer")
    make_user("coord_daitu", "coordinator", area_obj=dai_tu)
    make_user("coord_phubinh", "coordinator", area_obj=phu_binh)
    make_user("coord_edu", "coordinator", unit=edu)
    db.session.flush()
    make_user("trainer_daitu", "trainer", person=db.session.get(Person, root_dt.person_id))
    make_user("trainer_phubinh", "trainer", person=db.session.get(Person, root_pb.person_id))
    _ = child_dt

    from tests.plan_world import build_plan_world

    build_plan_world()


@dataclass
class World:
    """Handles on the session's world, read back by natural keys."""

    dai_tu: Area
    phu_binh: Area
    trainers: dict[str, Trainer]
    classes: dict[str, TrainingClass]
    users: dict[str, User]
    units: dict[str, Unit]

    @classmethod
    def load(cls) -> World:
        trainers = {
            p.full_name: t for t, p in db.session.execute(
                select(Trainer, Person).join(Person, Person.id == Trainer.person_id)
            ).all()
        }
        classes = {c.topic: c for c in db.session.scalars(select(TrainingClass))}
        users = {u.username: u for u in db.session.scalars(select(User))}
        units = {u.name: u for u in db.session.scalars(select(Unit))}
        return cls(area("D171"), area("D173"), trainers, classes, users, units)
