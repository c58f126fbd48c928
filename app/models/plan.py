"""The rollout plan as stored data: a plan, its phases, its activities and their dependencies.

Rules kept by the database: a plan is identified by (issuer, number); phase and activity numbers are unique
within their plan; windows and actual dates do not run backwards; progress is 0–100; a done activity has a
finish date and 100%, an activity not started has no actual date; a dependency links two different
activities, once. What the plan file states (titles, windows, units as written, quantities) is replaced by
`lantoa plan load`; what happened (status, progress, actual dates, evidence, linked lead units) is kept.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.area import Area
from app.models.unit import Unit
from app.models.vocab import ACTIVITY_QUANTITIES, ACTIVITY_STATUSES, check_in
from app.timeutil import utcnow

activity_lead_units = Table(
    "activity_lead_units",
    db.metadata,
    Column("activity_id", ForeignKey("plan_activities.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Plan(db.Model):
    __tablename__ = "plans"
    __table_args__ = (
        UniqueConstraint("issuer", "number"),
        CheckConstraint("period_end >= period_start", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60))
    issued_on: Mapped[date] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    area_code: Mapped[str] = mapped_column(String(16))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    period_text: Mapped[str | None] = mapped_column(String(200))
    levels: Mapped[list[Any]] = mapped_column(JSON, default=list)
    targets: Mapped[list[Any]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(255), default="")
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    area: Mapped[Area] = relationship(lazy="raise")

    @property
    def label(self) -> str:
        return f"Kế hoạch {self.number} ngày {self.issued_on:%d/%m/%Y}"

    @property
    def is_example(self) -> bool:
        """An example plan (the demo's continuation "Kế hoạch minh họa"), not a real decision: its title says so."""
        return "minh họa" in (self.title or "").lower()


class Phase(db.Model):
    __tablename__ = "plan_phases"
    __table_args__ = (
        UniqueConstraint("plan_id", "number"),
        CheckConstraint("end_on >= start_on", name="window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    window_text: Mapped[str | None] = mapped_column(String(200))
    content: Mapped[list[str]] = mapped_column(JSON, default=list)


class Activity(db.Model):
    __tablename__ = "plan_activities"
    __table_args__ = (
        UniqueConstraint("plan_id", "number"),
        CheckConstraint("end_on >= start_on", name="window"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
        CheckConstraint(check_in("status", ACTIVITY_STATUSES), name="status"),
        CheckConstraint("finished_on IS NULL OR started_on IS NULL OR finished_on >= started_on",
                        name="actual_dates"),
        CheckConstraint("status <> 'done' OR (finished_on IS NOT NULL AND progress = 100)", name="done"),
        CheckConstraint("status <> 'not_started' OR (started_on IS NULL AND finished_on IS NULL)",
                        name="not_started"),
        CheckConstraint("status = 'done' OR finished_on IS NULL", name="finish_means_done"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    phase_id: Mapped[int | None] = mapped_column(ForeignKey("plan_phases.id", ondelete="SET NULL"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    short_title: Mapped[str | None] = mapped_column(String(60))  # the Gantt's label; the plan's wording is `title`
    lead_units: Mapped[list[str]] = mapped_column(JSON, default=list)
    coordinating_units: Mapped[list[str]] = mapped_column(JSON, default=list)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date] = mapped_column(Date)
    window_text: Mapped[str | None] = mapped_column(String(200))
    quantities: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="not_started")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    started_on: Mapped[date | None] = mapped_column(Date)
    finished_on: Mapped[date | None] = mapped_column(Date)
    progress_note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    plan: Mapped[Plan] = relationship(lazy="raise")
    phase: Mapped[Phase | None] = relationship(lazy="raise")
    area: Mapped[Area] = relationship(lazy="raise")
    linked_units: Mapped[list[Unit]] = relationship(secondary=activity_lead_units, lazy="raise",
                                                    order_by=Unit.name)

    @property
    def status_label(self) -> str:
        return ACTIVITY_STATUSES[self.status]

    @property
    def quantity_text(self) -> str:
        """'9 lớp × 300 học viên/lớp' style: the stated quantities with their Vietnamese units."""
        q = dict(self.quantities or {})
        if "classes" in q and "learners_per_class" in q:
            first = f"{q.pop('classes')} lớp × {q.pop('learners_per_class')} học viên/lớp"
            return "; ".join([first, *(_quantity(k, v) for k, v in q.items())])
        return "; ".join(_quantity(k, v) for k, v in q.items())


def _quantity(key: str, value: int) -> str:
    return f"{value:,} {ACTIVITY_QUANTITIES.get(key, key)}".replace(",", ".")


class ActivityDependency(db.Model):
    """Finish-to-start: the successor starts no earlier than `lag_days` after the day following the
    predecessor's last day (negative: an allowed overlap)."""

    __tablename__ = "activity_dependencies"
    __table_args__ = (
        UniqueConstraint("predecessor_id", "successor_id"),
        CheckConstraint("predecessor_id <> successor_id", name="not_self"),
        CheckConstraint("lag_days BETWEEN -3660 AND 3660", name="lag"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    predecessor_id: Mapped[int] = mapped_column(ForeignKey("plan_activities.id", ondelete="CASCADE"), index=True)
    successor_id: Mapped[int] = mapped_column(ForeignKey("plan_activities.id", ondelete="CASCADE"), index=True)
    lag_days: Mapped[int] = mapped_column(Integer, default=0)

    predecessor: Mapped[Activity] = relationship(foreign_keys=[predecessor_id], lazy="raise")
    successor: Mapped[Activity] = relationship(foreign_keys=[successor_id], lazy="raise")
