"""Periodic jobs: the log of every run, the scheduler's leader lease, and the mail outbox.

Rules kept by the database:
- a job run's outcome is ok, error or skipped; it finishes no earlier than it started;
- one lease row per name: whoever holds an unexpired lease is the one active scheduler (SQLite; PostgreSQL
  uses an advisory lock instead, see app/jobs/leader.py);
- an outbox message has a unique `dedup_key`, so the same message is never queued twice, and a state that only
  the sender moves: pending -> sending (claimed) -> sent, or back to pending with a later `next_attempt_at`,
  or failed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.vocab import JOB_OUTCOMES, OUTBOX_KINDS, OUTBOX_STATES, check_in
from app.timeutil import clock, utcnow


class JobRun(db.Model):
    __tablename__ = "job_runs"
    __table_args__ = (
        CheckConstraint(check_in("outcome", JOB_OUTCOMES), name="outcome"),
        CheckConstraint("finished_at >= started_at", name="times"),
        CheckConstraint("duration_ms >= 0", name="duration"),
        Index("ix_job_runs_job_started", "job_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(60))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(8))
    message: Mapped[str] = mapped_column(Text, default="")
    duration_ms: Mapped[int] = mapped_column(Integer)
    runner: Mapped[str] = mapped_column(String(160), default="")

    @property
    def outcome_label(self) -> str:
        return JOB_OUTCOMES[self.outcome]


class SchedulerLease(db.Model):
    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    holder: Mapped[str] = mapped_column(String(160))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    acquired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(check_in("state", OUTBOX_STATES), name="state"),
        CheckConstraint(check_in("kind", OUTBOX_KINDS), name="kind"),
        CheckConstraint("attempts >= 0", name="attempts"),
        CheckConstraint("state <> 'sent' OR sent_at IS NOT NULL", name="sent_at"),
        Index("ix_outbox_messages_state_next", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(160))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)  # an HTML alternative of `body`, when the mail has one
    state: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=clock)
    claimed_by: Mapped[str | None] = mapped_column(String(160))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def state_label(self) -> str:
        return OUTBOX_STATES[self.state]

    @property
    def kind_label(self) -> str:
        return OUTBOX_KINDS[self.kind]
