"""Stored summaries of what dashboards show (`app/summaries/`): one row per (name, key, day).

- `name` is a registered summary (`@summary(name, depends_on=…)`), `key` its parameters as canonical JSON (e.g.
  `{"map": "2024-01-01"}`), `day` the as-of day of the figures;
- `payload` is what the summary's compute function returned (plain JSON), NULL while a first computation is
  claimed but not stored yet;
- `computed_at` is when the figures were read (the start of their computation): the pages say "Số liệu đến
  HH:MM ngày dd/mm/yyyy" from it;
- `stale` is set (in the same transaction) by any change to a model the summary depends on; a stale row is still
  served, with its time, until the `summaries_refresh` job (or, with `LANTOA_SUMMARIES=refresh`, the next
  reader) computes it again.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class Summary(db.Model):
    __tablename__ = "summaries"
    __table_args__ = (UniqueConstraint("name", "key", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date, index=True)
    payload: Mapped[Any | None] = mapped_column(JSON(none_as_null=True))
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    stale: Mapped[bool] = mapped_column(Boolean, default=False)
