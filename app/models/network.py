"""Stored results of the whole-network pass: per-trainer counters, roll-ups by area/unit, daily snapshots.

Rules: every row here is derived from the mentor links, classes and enrolments and can be rebuilt at any time
by `lantoa network recompute` (`app.network.recompute`). The structural counters of `trainer_stats`
(direct trainees, subtree size and the subtree reach) are also kept exact by the network operations on every
insert and move; `dormant` and `dormant_branch` depend on the date and only the recompute sets them.
Roll-ups exist for every area and unit that has trainers in its subtree (a district sums its communes).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow

ROLLUP_KINDS = {"area": "Địa bàn", "unit": "Đơn vị"}


class TrainerStats(db.Model):
    __tablename__ = "trainer_stats"
    __table_args__ = (
        CheckConstraint("subtree_size >= 1", name="subtree_size"),
        Index("ix_trainer_stats_reach", "subtree_learners"),
    )

    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id", ondelete="CASCADE"), primary_key=True)
    direct_trainees: Mapped[int] = mapped_column(Integer, default=0)
    subtree_size: Mapped[int] = mapped_column(Integer, default=1)
    classes: Mapped[int] = mapped_column(Integer, default=0)
    learners: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[int] = mapped_column(Integer, default=0)
    subtree_classes: Mapped[int] = mapped_column(Integer, default=0)
    subtree_learners: Mapped[int] = mapped_column(Integer, default=0)
    subtree_completed: Mapped[int] = mapped_column(Integer, default=0)
    dormant: Mapped[bool] = mapped_column(Boolean, default=False)
    dormant_branch: Mapped[int] = mapped_column(Integer, default=0)  # size when the top of a dormant branch

    @property
    def descendants(self) -> int:
        return self.subtree_size - 1

    @property
    def conversion_rate(self) -> float | None:
        """Direct trainees per completed enrolment of the trainer's own classes."""
        return self.direct_trainees / self.completed if self.completed else None


class NetworkRollup(db.Model):
    __tablename__ = "network_rollups"
    __table_args__ = (
        UniqueConstraint("kind", "key_id"),
        CheckConstraint("kind IN ('area', 'unit')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    key_id: Mapped[int] = mapped_column(Integer)
    trainers: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[int] = mapped_column(Integer, default=0)
    paused: Mapped[int] = mapped_column(Integer, default=0)
    left: Mapped[int] = mapped_column(Integer, default=0)
    dormant: Mapped[int] = mapped_column(Integer, default=0)
    dormant_branches: Mapped[int] = mapped_column(Integer, default=0)
    classes: Mapped[int] = mapped_column(Integer, default=0)
    learners: Mapped[int] = mapped_column(Integer, default=0)
    completed: Mapped[int] = mapped_column(Integer, default=0)
    trainees_grown: Mapped[int] = mapped_column(Integer, default=0)
    r_eligible: Mapped[int] = mapped_column(Integer, default=0)  # trainers old enough to count in R
    r_grown: Mapped[int] = mapped_column(Integer, default=0)  # trainees those trainers grew
    by_generation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # areas: the overview's lists as trainer ids, in order ({"top": …, "dormant": …, "branches": …}; None on a
    # row written before they were kept): see `app.network.rollups.leaders`
    leaders: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def reproduction(self) -> float | None:
        return self.r_grown / self.r_eligible if self.r_eligible else None


class NetworkSnapshot(db.Model):
    __tablename__ = "network_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    taken_on: Mapped[date] = mapped_column(Date, unique=True)
    trainers: Mapped[int] = mapped_column(Integer)
    active: Mapped[int] = mapped_column(Integer)
    depth: Mapped[int] = mapped_column(Integer)
    reproduction: Mapped[float | None] = mapped_column(Float)
    dormant_trainers: Mapped[int] = mapped_column(Integer)
    dormant_branches: Mapped[int] = mapped_column(Integer)
    classes: Mapped[int] = mapped_column(Integer)
    learners: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
