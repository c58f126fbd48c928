"""Clock access for the web layer. Domain packages take `today` as a parameter instead."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TZ = "Asia/Ho_Chi_Minh"


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today() -> date:
    """Today in the programme's timezone (Asia/Ho_Chi_Minh unless configured); `LANTOA_TODAY` pins it."""
    if has_app_context():
        pinned = current_app.config.get("LANTOA_TODAY")
        if pinned:
            return pinned if isinstance(pinned, date) else date.fromisoformat(pinned)
        tz = current_app.config.get("LANTOA_TIMEZONE", DEFAULT_TZ)
    else:
        tz = DEFAULT_TZ
    return datetime.now(ZoneInfo(tz)).date()


def as_utc(value: datetime | None) -> datetime | None:
    """A stored timestamp as an aware UTC datetime (SQLite hands back naive values, which are UTC here)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
