"""Clock access for the web layer. Domain packages take `today` as a parameter instead."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TZ = "Asia/Ho_Chi_Minh"


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today() -> date:
    """Today in the programme's timezone (Asia/Ho_Chi_Minh unless configured)."""
    tz = current_app.config.get("LANTOA_TIMEZONE", DEFAULT_TZ) if has_app_context() else DEFAULT_TZ
    return datetime.now(ZoneInfo(tz)).date()
