"""Plan settings and the public lookup counter.

`settings` is a small key/value table: a row overrides the default written in
`app/training/settings.py` (DEFAULTS), so the plan's numbers (2–3 classes, point values)
change without a release. `rate_hits` counts recent lookups per client in the database
(never in process memory), so the limit holds across workers. `rate_windows` counts the API's calls per key in
fixed windows: one row per (bucket, key, window start) holding the number of calls in that window, raised by
one UPSERT per call (app/api/guard.py), instead of one row per call counted on every call.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class Setting(db.Model):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class RateHit(db.Model):
    __tablename__ = "rate_hits"
    __table_args__ = (Index("ix_rate_hits_lookup", "bucket", "client", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(24))
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RateWindow(db.Model):
    __tablename__ = "rate_windows"

    bucket: Mapped[str] = mapped_column(String(24), primary_key=True)
    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
