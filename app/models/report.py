"""The archive of generated reports: one row per file written under LANTOA_REPORTS_DIR, and the narrative of the
administrative documents.

A report is one of three kinds: the quarterly workbook (`workbook`, .xlsx), the quarterly report as an
administrative document (`document`, .docx) and the year-end review of the plan (`review`, .docx, HĐ 10; stored
with quarter 4 of its year).
Rules kept by the database: quarter 1–4; the file name is unique; size is not negative; the kind is one of three. A report belongs to
the area whose subtree it covers (`area_id`); it is seen by users whose scope includes that area
(registered in app/reports/__init__.py). `generated_by_id` is empty for reports made by the quarterly job.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.area import Area
from app.models.user import User
from app.timeutil import utcnow

REPORT_ORIGINS = {"web": "Trên trang Báo cáo", "cli": "Dòng lệnh", "job": "Lịch tự động"}
REPORT_KINDS = {"workbook": "Bảng tính quý (.xlsx)", "document": "Báo cáo quý — văn bản (.docx)",
                "review": "Báo cáo tổng kết năm (.docx)"}
REPORT_SUFFIXES = {"workbook": ".xlsx", "document": ".docx", "review": ".docx"}


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter"),
        CheckConstraint("size_bytes >= 0", name="size"),
        CheckConstraint("origin IN ('web', 'cli', 'job')", name="origin"),
        CheckConstraint("kind IN ('workbook', 'document', 'review')", name="kind"),
        Index("ix_reports_period", "year", "quarter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    generated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    origin: Mapped[str] = mapped_column(String(8), default="web")
    kind: Mapped[str] = mapped_column(String(12), default="workbook", server_default="workbook")
    file_name: Mapped[str] = mapped_column(String(255), unique=True)
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float | None] = mapped_column(db.Float)

    area: Mapped[Area] = relationship(lazy="raise")
    generated_by: Mapped[User | None] = relationship(lazy="raise")

    @property
    def period_label(self) -> str:
        return f"Năm {self.year}" if self.kind == "review" else f"Quý {self.quarter}/{self.year}"

    @property
    def kind_label(self) -> str:
        return REPORT_KINDS[self.kind]

    @property
    def suffix(self) -> str:
        return REPORT_SUFFIXES[self.kind]

    @property
    def origin_label(self) -> str:
        return REPORT_ORIGINS[self.origin]


REVIEW = 0  # ReportNarrative.quarter of the year-end review


class ReportNarrative(db.Model):
    """What steering writes into the administrative documents of a period before exporting them: the number
    ("Số: …/BC-BCĐ"), the free text under I, sections II and III, the recipients ("Nơi nhận", one a line) and the
    signature. One row per quarter (1–4) or year-end review (quarter 0) of the programme; edits are audited
    (`report_narrative.save`)."""

    __tablename__ = "report_narratives"
    __table_args__ = (
        CheckConstraint("quarter BETWEEN 0 AND 4", name="quarter"),
        UniqueConstraint("year", "quarter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(60), default="")
    results_note: Mapped[str] = mapped_column(Text, default="")
    difficulties: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[str] = mapped_column(Text, default="")
    signer_title: Mapped[str] = mapped_column(String(160), default="")
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    @property
    def period_label(self) -> str:
        return f"Tổng kết năm {self.year}" if self.quarter == REVIEW else f"Quý {self.quarter}/{self.year}"
