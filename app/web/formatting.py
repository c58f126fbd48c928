"""Vietnamese display rules: dates dd/mm/yyyy, thousands grouped with '.', decimals with ','.

Stored timestamps are UTC (SQLite hands them back without a zone); they are shown in Vietnam's time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

__all__ = ["vn_date", "vn_datetime", "vn_as_of", "vn_time", "vn_number", "vn_percent", "FILTERS"]

_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def vn_date(value: date | datetime | None) -> str:
    """
    >>> vn_date(date(2025, 2, 3))
    '03/02/2025'
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    return value.strftime("%d/%m/%Y")


def vn_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return _local(value).strftime("%d/%m/%Y %H:%M")


def vn_as_of(value: datetime | None) -> str:
    """When a stored figure was computed, as its line says it ("Số liệu đến 06:08 ngày 26/11/2026").

    >>> vn_as_of(datetime(2026, 11, 25, 23, 8))
    '06:08 ngày 26/11/2026'
    """
    if value is None:
        return ""
    return _local(value).strftime("%H:%M ngày %d/%m/%Y")


def _local(value: datetime) -> datetime:
    """
    >>> _local(datetime(2026, 11, 25, 23, 8)).strftime("%d/%m %H:%M")
    '26/11 06:08'
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(_TZ)


def vn_time(value: datetime | None) -> str:
    """
    >>> vn_time(datetime(2026, 11, 25, 23, 8))
    '06:08'
    """
    if value is None:
        return ""
    return _local(value).strftime("%H:%M")


def vn_number(value: float | int | None, decimals: int = 0) -> str:
    """
    >>> vn_number(1234567)
    '1.234.567'
    >>> vn_number(1234.5, 1)
    '1.234,5'
    """
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_percent(value: float | None, decimals: int = 1) -> str:
    """A ratio (0.25) shown as a percentage ('25,0%')."""
    if value is None:
        return "–"
    return vn_number(value * 100, decimals) + "%"


FILTERS = {"vndate": vn_date, "vndatetime": vn_datetime, "vnasof": vn_as_of, "vntime": vn_time, "vnnum": vn_number,
           "vnpct": vn_percent}
