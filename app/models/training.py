"""Classes trainers open, and the persons enrolled in them.

Rules kept by the database: level 1–5; the end date is not before the start; one
enrolment per person and class; scores 0–100. A class records the date of each status
transition (opened, started, completed, cancelled) and, when it was started although its
trainer already ran the plan's maximum of classes, the reason given (`over_limit_reason`).
An enrolment can be marked as a trainer candidate (learning by teaching).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.area import Area
from app.models.person import Person
from app.models.trainer import Trainer
from app.models.unit import Unit
from app.models.vocab import AUDIENCE_GROUPS, CLASS_MODES, CLASS_STATUSES, ENROLLMENT_STATUSES, check_in
from app.timeutil import utcnow


class TrainingClass(db.Model):
    __tablename__ = "training_classes"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 5", name="level"),
        CheckConstraint("end_on IS NULL OR start_on IS NULL OR end_on >= start_on", name="dates"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity"),
        CheckConstraint("sessions IS NULL OR sessions > 0", name="sessions"),
        CheckConstraint(check_in("mode", CLASS_MODES), name="mode"),
        CheckConstraint(check_in("status", CLASS_STATUSES), name="status"),
        CheckConstraint(check_in("audience_group", AUDIENCE_GROUPS), name="audience_group"),
        # a class has its trainer, or is an online platform's class for one level (app/api/effects.py)
        CheckConstraint("(trainer_id IS NULL) = (platform IS NOT NULL)", name="trainer_or_platform"),
        UniqueConstraint("platform", "level"),
        # a trainer's classes, and running classes per trainer (the 2–3 rule, capacity), read from this index alone
        Index("ix_training_classes_trainer_status", "trainer_id", "status"),
        # /classes/ walks this index newest first and checks a coordinator's communes and the status and
        # level filters in the index alone (app/web/paging.py)
        Index("ix_training_classes_list", "start_on", "id", "venue_area_id", "status", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("trainers.id"))  # None: a platform's class
    platform: Mapped[str | None] = mapped_column(String(40))  # the online platform whose class this is
    level: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(String(200), default="")
    mode: Mapped[str] = mapped_column(String(12))
    audience_group: Mapped[str] = mapped_column(String(24))
    venue_area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    host_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    start_on: Mapped[date | None] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    sessions: Mapped[int | None] = mapped_column(Integer)
    capacity: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_on: Mapped[date | None] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    over_limit_reason: Mapped[str | None] = mapped_column(String(500))

    trainer: Mapped[Trainer] = relationship(foreign_keys=[trainer_id], lazy="raise")
    venue_area: Mapped[Area] = relationship(lazy="raise")
    host_unit: Mapped[Unit | None] = relationship(lazy="raise")

    @property
    def mode_label(self) -> str:
        return CLASS_MODES[self.mode]

    @property
    def status_label(self) -> str:
        return CLASS_STATUSES[self.status]

    @property
    def audience_label(self) -> str:
        return AUDIENCE_GROUPS[self.audience_group]


class Enrollment(db.Model):
    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("class_id", "person_id"),
        CheckConstraint(check_in("status", ENROLLMENT_STATUSES), name="status"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_classes.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="enrolled")
    score: Mapped[float | None] = mapped_column(Numeric(5, 2, asdecimal=False))
    completed_on: Mapped[date | None] = mapped_column(Date)
    candidate: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    candidate_on: Mapped[date | None] = mapped_column(Date)
    # the trainer's judgement at completion: can the learner apply what they learned ("áp dụng được")?
    # None: not recorded (chưa ghi), True: có, False: không; dated the day it was recorded
    applies: Mapped[bool | None] = mapped_column(Boolean)
    applies_on: Mapped[date | None] = mapped_column(Date)
    # the learner's own follow-up answer (the link printed on the certificate): information for the trainer, not
    # counted in the indicators
    self_applies: Mapped[bool | None] = mapped_column(Boolean)
    self_applies_on: Mapped[date | None] = mapped_column(Date)

    training_class: Mapped[TrainingClass] = relationship(lazy="raise")
    person: Mapped[Person] = relationship(lazy="raise")
