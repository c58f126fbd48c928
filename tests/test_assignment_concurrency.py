"""Two coordinators assigning the same trainer at the same moment cannot push them over capacity (PostgreSQL).

The trainer row is locked (`SELECT … FOR UPDATE`) before capacity is counted: the second session waits for
the first to commit, then sees its assignment and is refused. SQLite serializes writes, so the test needs
PostgreSQL. Sessions commit for real here (no per-test rollback), and the test removes its rows at the end.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from app.assignments import operations
from app.errors import OperationError
from app.extensions import db
from app.models import Area, Assignment, AuditEvent, Person, Trainer, TrainingClass, User
from tests.factories import make_class, make_trainer

pytestmark = pytest.mark.no_db
TODAY = date(2025, 6, 1)


def test_concurrent_assignments_respect_capacity(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks need PostgreSQL (SQLite serializes writes)")
        phu_binh = db.session.scalar(select(Area).where(Area.code == "D173"))
        communes = list(db.session.scalars(select(Area).where(Area.parent_id == phu_binh.id)
                                           .order_by(Area.code).limit(3)))
        trainer = make_trainer(communes[0], name="Giảng Viên Tranh Chấp")
        for _ in range(2):  # 2 running classes of 3 allowed: one class left
            make_class(trainer, communes[0], status="running", start_on=date(2025, 5, 1), end_on=date(2025, 7, 1))
        db.session.commit()
        ids = {"trainer": trainer.id, "person": trainer.person_id,
               "user": db.session.scalar(select(User.id).where(User.username == "coord_phubinh"))}
        targets = [communes[1].id, communes[2].id]
        db.session.remove()

    first_locked, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        with app.app_context():
            user = db.session.get(User, ids["user"])
            operations.assign(user, ids["trainer"], "area", targets[0], starts_on=TODAY, ends_on=date(2025, 9, 1),
                              today=TODAY)
            first_locked.set()
            release.wait(10)
            db.session.commit()
            outcome["first"] = "committed"
            db.session.remove()

    def second() -> None:
        with app.app_context():
            user = db.session.get(User, ids["user"])
            try:
                operations.assign(user, ids["trainer"], "area", targets[1], starts_on=TODAY,
                                  ends_on=date(2025, 9, 1), today=TODAY)
                db.session.commit()
                outcome["second"] = "committed"
            except OperationError as error:
                db.session.rollback()
                outcome["second"] = error.message
            db.session.remove()

    a = threading.Thread(target=first)
    a.start()
    assert first_locked.wait(10)
    b = threading.Thread(target=second)
    b.start()
    b.join(0.8)
    blocked = b.is_alive()  # waiting on the trainer's row lock
    release.set()
    a.join(10)
    b.join(10)
    try:
        assert blocked, "the second session should wait for the first one's lock"
        assert outcome["first"] == "committed"
        assert "chỉ còn nhận được 0 lớp" in str(outcome["second"])
        with app.app_context():
            active = db.session.scalar(select(func.count(Assignment.id)).where(
                Assignment.trainer_id == ids["trainer"], Assignment.status == "active"))
            assert active == 1
    finally:
        with app.app_context():
            made = select(Assignment.id).where(Assignment.trainer_id == ids["trainer"])
            db.session.execute(delete(AuditEvent).where(AuditEvent.entity == "assignments",
                                                        AuditEvent.entity_id.in_(made)))
            db.session.execute(delete(Assignment).where(Assignment.trainer_id == ids["trainer"]))
            db.session.execute(delete(TrainingClass).where(TrainingClass.trainer_id == ids["trainer"]))
            db.session.execute(delete(Trainer).where(Trainer.id == ids["trainer"]))
            db.session.execute(delete(Person).where(Person.id == ids["person"]))
            db.session.commit()
            db.session.remove()
