"""Clock access for the web layer. Domain packages take `today` as a parameter instead.

Two clocks:
- `utcnow()` is the clock of stamps (created_at, registered, audited, generated, sent…): with `LANTOA_TODAY`
  pinned (development, demo, tests) it is the pinned day at the current local time of day, so every stamp
  falls on the same "today" as `local_today()`; unpinned it is the machine's clock;
- `clock()` is the machine's clock, always: for what counts elapsed time (login throttling, rate limits, API
  token expiry, the scheduler's lease, the outbox's retries and claims). A pinned day repeats every day, so
  its clock runs back 24 hours at local midnight: a lockout or a lease measured on it would last a day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TZ = "Asia/Ho_Chi_Minh"


def clock() -> datetime:
    """The machine's clock (aware UTC), never pinned: for elapsed time, windows, leases and expiry."""
    return datetime.now(UTC)


def _pinned() -> date | None:
    if not has_app_context():
        return None
    pinned = current_app.config.get("LANTOA_TODAY")
    if not pinned:
        return None
    return pinned if isinstance(pinned, date) else date.fromisoformat(pinned)


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("LANTOA_TIMEZONE", DEFAULT_TZ) if has_app_context() else DEFAULT_TZ)


def utcnow() -> datetime:
    """Now (aware UTC) for stamps; with `LANTOA_TODAY` pinned, the pinned day at the current local time of day."""
    now = datetime.now(UTC)
    pinned = _pinned()
    if pinned is None:
        return now
    zone = _zone()
    local = now.astimezone(zone)
    return datetime.combine(pinned, local.timetz().replace(tzinfo=None), tzinfo=zone).astimezone(UTC)


def local_today() -> date:
    """Today in the programme's timezone (Asia/Ho_Chi_Minh unless configured); `LANTOA_TODAY` pins it."""
    pinned = _pinned()
    if pinned is not None:
        return pinned
    return datetime.now(_zone()).date()


def as_utc(value: datetime | None) -> datetime | None:
    """A stored timestamp as an aware UTC datetime (SQLite hands back naive values, which are UTC here)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
