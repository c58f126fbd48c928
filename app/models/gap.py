"""Stored gaps (cảnh báo) and their history.

A gap is the stored form of a `rollout.gaps` finding, for any rule: its identity is
(rule_code, subject_kind, subject_id), unique here; `params` are the finding's JSON params; `area_id` places it
for scoping. Its life is open -> acknowledged -> resolved, back to open when the condition returns
(`rollout.gaps.reconcile` decides; app/gaps/scan.py applies). Every change appends a GapEvent.
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
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.area import Area
from app.models.vocab import GAP_EVENT_ACTIONS, GAP_STATES, SEVERITIES, check_in
from app.timeutil import utcnow

SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}  # higher is more severe: the gap list is read by it, descending


def _severity_rank(context) -> int:
    return SEVERITY_RANK.get(context.get_current_parameters().get("severity") or "medium", 0)


class Gap(db.Model):
    __tablename__ = "gaps"
    __table_args__ = (
        UniqueConstraint("rule_code", "subject_kind", "subject_id"),
        CheckConstraint(check_in("state", GAP_STATES), name="state"),
        CheckConstraint(check_in("severity", SEVERITIES), name="severity"),
        CheckConstraint("state <> 'resolved' OR resolved_at IS NOT NULL", name="resolved_at"),
        Index("ix_gaps_state_rule", "state", "rule_code"),
        # the list's order (`app.gaps.queries.gap_ids`) with the columns its conditions read: a page is read
        # from this index alone (app/web/paging.py)
        Index("ix_gaps_list", "severity_rank", "opened_at", "id", "state", "area_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_code: Mapped[str] = mapped_column(String(60))
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(64))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    severity: Mapped[str] = mapped_column(String(8), default="medium")
    # SEVERITY_RANK[severity], written with the row (a rule's severity never changes): the list's first key
    severity_rank: Mapped[int] = mapped_column(SmallInteger, default=_severity_rank)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(12), default="open")
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # acknowledging names who acts, what they will do and by when; resolving by hand gives a reason
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    note: Mapped[str | None] = mapped_column(String(500))
    due_on: Mapped[date | None] = mapped_column(Date)
    resolve_reason: Mapped[str | None] = mapped_column(String(500))

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


class GapCount(db.Model):
    """How many gaps there are per place, severity and state: the summary the gap pages and the targets dashboard
    count from (`app.gaps.counts`), rebuilt by every scan and kept exact by acknowledging and closing.

    A bucket is the gaps of one area (`area_id`), one subject unit (`unit_id`, subject kind 'unit'), one subject
    activity (`activity_id`, subject kind 'activity'), severity and state: the columns the gap scope rule reads
    (`app.gaps.access`), so a bucket is seen exactly when its gaps are. Buckets are summed, so two rows of one
    bucket (two first changes at once) are harmless."""

    __tablename__ = "gap_counts"
    __table_args__ = (Index("ix_gap_counts_area", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int | None] = mapped_column(Integer)
    unit_id: Mapped[int | None] = mapped_column(Integer)
    activity_id: Mapped[int | None] = mapped_column(Integer)
    severity: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(12))
    gaps: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
