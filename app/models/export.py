"""Background exports: one row per export file a user asked for (app/exports/files.py writes them).

Rules kept by the database: the state is queued, running, done or failed; counts are not negative; the format is
csv or xlsx. An export belongs to the user who asked for it (`user_id`): only they see it and download it. The
file lives under LANTOA_EXPORTS_DIR with a random name (`path`, set when done); rows older than
LANTOA_EXPORT_KEEP_DAYS are deleted with their file by the cleanup job.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.vocab import check_in
from app.timeutil import utcnow

EXPORT_STATES = {"queued": "Đang chờ", "running": "Đang xuất", "done": "Xong", "failed": "Lỗi"}
EXPORT_FORMATS = {"csv": "CSV", "xlsx": "Excel"}


class ExportFile(db.Model):
    __tablename__ = "export_files"
    __table_args__ = (
        CheckConstraint(check_in("state", EXPORT_STATES), name="state"),
        CheckConstraint(check_in("format", EXPORT_FORMATS), name="format"),
        CheckConstraint("rows_done >= 0 AND (rows_total IS NULL OR rows_total >= 0)", name="rows"),
        Index("ix_export_files_state_created", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    table: Mapped[str] = mapped_column(String(40))
    format: Mapped[str] = mapped_column(String(4))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(8), default="queued")
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int | None] = mapped_column(Integer)
    path: Mapped[str | None] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def state_label(self) -> str:
        return EXPORT_STATES[self.state]

    @property
    def format_label(self) -> str:
        return EXPORT_FORMATS[self.format]

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return min(int(self.rows_done * 100 / self.rows_total), 100) if self.rows_total else 0
