"""API clients of the programme's other systems, their tokens, and the learning records they send.

Rules kept by the database:
- a client has exactly one scope, an area subtree or a unit subtree (as a coordinator has), and may read,
  ingest or both (at least one);
- a token is stored only as the SHA-256 of its secret (`token_hash`, unique); `prefix` (the first characters
  of the secret) identifies it on the admin page; it stops working at `expires_at` or once `revoked_at` is set;
- one learning record per (platform, external learner id, day): a batch sent twice counts once;
  minutes, lessons ≥ 0, score 0–100, level 1–5; a record is `matched` to the person with its phone, or `held`
  for review when no person has that phone (`person_id` is NULL exactly then).
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
from app.models.unit import Unit
from app.models.vocab import LEARNING_RECORD_STATES, check_in
from app.timeutil import utcnow


class ApiClient(db.Model):
    __tablename__ = "api_clients"
    __table_args__ = (
        CheckConstraint("(scope_area_id IS NULL) <> (scope_unit_id IS NULL)", name="one_scope"),
        CheckConstraint("can_read OR can_ingest", name="some_permission"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    scope_area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    scope_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    can_read: Mapped[bool] = mapped_column(Boolean, default=True)
    can_ingest: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    scope_area: Mapped[Area | None] = relationship(lazy="raise")
    scope_unit: Mapped[Unit | None] = relationship(lazy="raise")


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    client: Mapped[ApiClient] = relationship(lazy="raise")


class LearningRecord(db.Model):
    __tablename__ = "learning_records"
    __table_args__ = (
        UniqueConstraint("platform", "external_id", "record_date"),
        CheckConstraint("minutes >= 0 AND lessons >= 0", name="amounts"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score"),
        CheckConstraint("level BETWEEN 1 AND 5", name="level"),
        CheckConstraint(check_in("state", LEARNING_RECORD_STATES), name="state"),
        CheckConstraint("(state = 'matched') = (person_id IS NOT NULL)", name="matched_person"),
        # a learner's days in order (streaks, T5 online) and the review list of held records
        Index("ix_learning_records_person_day", "person_id", "record_date"),
        Index("ix_learning_records_state", "state", "id"),
        # the matched records whose effects (enrolment, completion, points) the `online_effects` job has not applied
        Index("ix_learning_records_pending", "applied", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(64))
    record_date: Mapped[date] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int] = mapped_column(Integer)
    lessons: Mapped[int] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Numeric(5, 2, asdecimal=False))
    level: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(8))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    applied: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # effects done (job)

    @property
    def state_label(self) -> str:
        return LEARNING_RECORD_STATES[self.state]
