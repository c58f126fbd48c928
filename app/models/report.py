"""The archive of generated quarterly reports: one row per workbook written under LANTOA_REPORTS_DIR.

Rules kept by the database: quarter 1–4; the file name is unique; size is not negative. A report belongs to
the area whose subtree it covers (`area_id`); it is seen by users whose scope includes that area
(registered in app/reports/__init__.py). `generated_by_id` is empty for reports made by the quarterly job.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.area import Area
from app.models.user import User
from app.timeutil import utcnow

REPORT_ORIGINS = {"web": "Trên trang Báo cáo", "cli": "Dòng lệnh", "job": "Lịch tự động"}


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter"),
        CheckConstraint("size_bytes >= 0", name="size"),
        CheckConstraint("origin IN ('web', 'cli', 'job')", name="origin"),
        Index("ix_reports_period", "year", "quarter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    generated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    origin: Mapped[str] = mapped_column(String(8), default="web")
    file_name: Mapped[str] = mapped_column(String(255), unique=True)
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float | None] = mapped_column(db.Float)

    area: Mapped[Area] = relationship(lazy="raise")
    generated_by: Mapped[User | None] = relationship(lazy="raise")

    @property
    def period_label(self) -> str:
        return f"Quý {self.quarter}/{self.year}"

    @property
    def origin_label(self) -> str:
        return REPORT_ORIGINS[self.origin]
