"""The plan's targets as steering sets them, and the daily indicator snapshots.

- `targets`: one row per (plan, indicator code): each stored programme plan has its own targets, seeded from
  its file when it is loaded (percent and deadline; start = the plan period's start) and edited by steering
  (audited). The row, not the plan file, is what dashboards and gap rules measure against. `plan_id` is empty
  only for the targets of KH 137's file while no plan is stored (adopted by KH 137's row when it is loaded).
- `indicator_snapshots`: one row per (day, indicator, area): the numerator and denominator measured by the
  daily gap scan for the programme's province and each of its child areas, so dashboards draw a trend and
  project a date. Written idempotently: a second run on the same day replaces that day's rows.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class Target(db.Model):
    __tablename__ = "targets"
    __table_args__ = (
        CheckConstraint("target_percent > 0 AND target_percent <= 100", name="target_percent"),
        CheckConstraint("deadline > start_on", name="deadline_after_start"),
        UniqueConstraint("plan_id", "indicator_code"),
        # one row per code among the rows of no stored plan too (NULLs are distinct to a unique constraint)
        Index("ix_targets_unplanned_code", "indicator_code", unique=True,
              sqlite_where=text("plan_id IS NULL"), postgresql_where=text("plan_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    indicator_code: Mapped[str] = mapped_column(String(60))
    target_percent: Mapped[float] = mapped_column(Float)
    deadline: Mapped[date] = mapped_column(Date)
    start_on: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)


class IndicatorSnapshot(db.Model):
    __tablename__ = "indicator_snapshots"
    __table_args__ = (
        UniqueConstraint("day", "indicator_code", "area_id"),
        CheckConstraint("numerator >= 0", name="numerator"),
        CheckConstraint("denominator IS NULL OR denominator >= 0", name="denominator"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    indicator_code: Mapped[str] = mapped_column(String(60))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    numerator: Mapped[int] = mapped_column(Integer)
    denominator: Mapped[int | None] = mapped_column(Integer)
