"""The point ledger (gamification) and area populations (the leaderboards' denominators).

Rules kept by the database: one entry per (reason, source) so awarding is idempotent; an entry
belongs to a person (learner or trainer) and, for trainer points, to the trainer; `area_id` is
the commune the points count for on area boards. One population figure per (area, year);
estimates are flagged.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.vocab import POINT_REASONS, check_in


class PointEntry(db.Model):
    __tablename__ = "point_entries"
    __table_args__ = (
        UniqueConstraint("reason", "source_id"),
        CheckConstraint(check_in("reason", POINT_REASONS), name="reason"),
        Index("ix_point_entries_earned_on", "earned_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("trainers.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    points: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(24))
    source_id: Mapped[int] = mapped_column(Integer)
    earned_on: Mapped[date] = mapped_column(Date)


class PointTotal(db.Model):
    """Points summed per trainer or per area, per quarter ('2025-Q2') and for all time ('all').

    Derived from `point_entries` by `app.rankings.totals.refresh`, which the ledger calls on every
    award, so a leaderboard reads one row per trainer instead of summing the whole ledger.
    """

    __tablename__ = "point_totals"
    __table_args__ = (
        UniqueConstraint("kind", "key_id", "period"),
        CheckConstraint("kind IN ('trainer', 'area')", name="kind"),
        Index("ix_point_totals_board", "kind", "period", "points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    key_id: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(8))
    points: Mapped[int] = mapped_column(Integer)


class AreaPopulation(db.Model):
    __tablename__ = "area_populations"
    __table_args__ = (
        UniqueConstraint("area_id", "year"),
        CheckConstraint("working_age >= 0", name="working_age"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    working_age: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200), default="")
    is_estimate: Mapped[bool] = mapped_column(Boolean, default=False)
