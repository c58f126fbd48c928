"""Stored gaps (cảnh báo) and their history.

A gap is the stored form of a `rollout.gaps` finding, for any rule: its identity is
(rule_code, subject_kind, subject_id), unique here; `params` are the finding's JSON params; `area_id` places it
for scoping. Its life is open -> acknowledged -> resolved, back to open when the condition returns
(`rollout.gaps.reconcile` decides; app/gaps/scan.py applies). Every change appends a GapEvent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.area import Area
from app.models.vocab import GAP_EVENT_ACTIONS, GAP_STATES, SEVERITIES, check_in
from app.timeutil import utcnow


class Gap(db.Model):
    __tablename__ = "gaps"
    __table_args__ = (
        UniqueConstraint("rule_code", "subject_kind", "subject_id"),
        CheckConstraint(check_in("state", GAP_STATES), name="state"),
        CheckConstraint(check_in("severity", SEVERITIES), name="severity"),
        CheckConstraint("state <> 'resolved' OR resolved_at IS NOT NULL", name="resolved_at"),
        Index("ix_gaps_state_rule", "state", "rule_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_code: Mapped[str] = mapped_column(String(60))
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(64))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    severity: Mapped[str] = mapped_column(String(8), default="medium")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(12), default="open")
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    area: Mapped[Area | None] = relationship(lazy="raise")

    @property
    def state_label(self) -> str:
        return GAP_STATES[self.state]

    @property
    def severity_label(self) -> str:
        return SEVERITIES[self.severity]


class GapEvent(db.Model):
    __tablename__ = "gap_events"
    __table_args__ = (CheckConstraint(check_in("action", GAP_EVENT_ACTIONS), name="action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gap_id: Mapped[int] = mapped_column(ForeignKey("gaps.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    @property
    def action_label(self) -> str:
        return GAP_EVENT_ACTIONS[self.action]
