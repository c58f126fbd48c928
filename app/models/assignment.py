"""Assignments (phân công): a coordinator puts a trainer where trainers are missing.

Rules kept by the database: an assignment targets exactly one commune (`target_kind='area'`, `area_id`)
or one unit (`target_kind='unit'`, `unit_id`); it commits the trainer to `classes` (≥ 1) classes there,
each counting against the trainer's allowed running classes while the assignment is active; the period
ends on or after it starts; status and reason come from closed vocabularies.
`AreaNeighbour` holds pairs of neighbouring districts (stored once, smaller id first).
`AssignmentSuggestions` holds the suggestions computed for one scope on one day (`app.assignments.suggestions`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.area import Area
from app.models.trainer import Trainer
from app.models.unit import Unit
from app.models.vocab import ASSIGNMENT_REASONS, ASSIGNMENT_STATUSES, ASSIGNMENT_TARGETS, check_in
from app.timeutil import utcnow


class Assignment(db.Model):
    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint(check_in("target_kind", ASSIGNMENT_TARGETS), name="target_kind"),
        CheckConstraint(
            "(target_kind = 'area' AND area_id IS NOT NULL AND unit_id IS NULL) OR "
            "(target_kind = 'unit' AND unit_id IS NOT NULL AND area_id IS NULL)",
            name="one_target",
        ),
        CheckConstraint(check_in("status", ASSIGNMENT_STATUSES), name="status"),
        CheckConstraint(check_in("reason_code", ASSIGNMENT_REASONS), name="reason_code"),
        CheckConstraint("classes >= 1", name="classes"),
        CheckConstraint("ends_on >= starts_on", name="period"),
        Index("ix_assignments_trainer_status", "trainer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"))
    target_kind: Mapped[str] = mapped_column(String(8))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    classes: Mapped[int] = mapped_column(Integer, default=1)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="active")
    reason_code: Mapped[str] = mapped_column(String(20), default="manual")
    reason: Mapped[str] = mapped_column(String(500), default="")
    closed_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    trainer: Mapped[Trainer] = relationship(lazy="raise")
    area: Mapped[Area | None] = relationship(lazy="raise")
    unit: Mapped[Unit | None] = relationship(lazy="raise")

    @property
    def status_label(self) -> str:
        return ASSIGNMENT_STATUSES[self.status]

    @property
    def reason_label(self) -> str:
        return ASSIGNMENT_REASONS[self.reason_code]

    @property
    def target_id(self) -> int:
        return self.area_id if self.target_kind == "area" else self.unit_id


class AreaNeighbour(db.Model):
    __tablename__ = "area_neighbours"
    __table_args__ = (
        UniqueConstraint("area_id", "neighbour_id"),
        CheckConstraint("area_id < neighbour_id", name="ordered_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    neighbour_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    source: Mapped[str] = mapped_column(String(200), default="")


class AssignmentSuggestions(db.Model):
    """The assignment page of one scope on one day, as computed (targets, suggestions, free capacity).

    `scope_key` names the scope (`app.assignments.suggestions.scope_key`: 'all', 'area:<path>', 'unit:<path>');
    `stale_since` is set when an assignment in that scope is made, ended or cancelled after `computed_at`
    (the job or the "Tính lại" button computes it again)."""

    __tablename__ = "assignment_suggestions"
    __table_args__ = (UniqueConstraint("scope_key", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope_key: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    stale_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
