"""Plan settings and the public lookup counter.

`settings` is a small key/value table: a row overrides the default written in
`app/training/settings.py` (DEFAULTS), so the plan's numbers (2–3 classes, point values)
change without a release. `rate_hits` counts recent lookups per client in the database
(never in process memory), so the limit holds across workers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, String
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
