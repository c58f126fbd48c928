"""Evidence files (decisions, plans, photos) and the plans each district issues.

Rules kept by the database: a file belongs to exactly one activity or one district plan; its stored name
(random, never the uploaded name) is unique; its kind is one of the accepted types; one plan per district,
launched no earlier than it was issued. A file's `area_id`/`unit_id` record whose scope it belongs to: only
users whose scope includes it may download it (see app/plan/scope_rules.py).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.area import Area
from app.models.vocab import EVIDENCE_KINDS, check_in
from app.timeutil import utcnow


class DistrictPlan(db.Model):
    __tablename__ = "district_plans"
    __table_args__ = (
        CheckConstraint("launched_on IS NULL OR issued_on IS NULL OR launched_on >= issued_on",
                        name="launch_after_issue"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), unique=True)
    number: Mapped[str] = mapped_column(String(60), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    launched_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    area: Mapped[Area] = relationship(lazy="raise")


class Evidence(db.Model):
    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint("(activity_id IS NULL) <> (district_plan_id IS NULL)", name="one_subject"),
        CheckConstraint(check_in("kind", EVIDENCE_KINDS), name="kind"),
        CheckConstraint("size_bytes > 0", name="size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("plan_activities.id", ondelete="CASCADE"),
                                                    index=True)
    district_plan_id: Mapped[int | None] = mapped_column(ForeignKey("district_plans.id", ondelete="CASCADE"),
                                                         index=True)
    kind: Mapped[str] = mapped_column(String(8))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(255), default="")
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def kind_label(self) -> str:
        return EVIDENCE_KINDS[self.kind]
