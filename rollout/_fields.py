"""Typed readers for plan documents that name the exact path of a bad field.

Rules:
- a path looks like ``activities[3].window.end`` (list positions are 0-based, as in the document);
- a mapping may only carry the keys its reader expects: an unknown key is an error (catches typos);
- booleans are not integers; dates are ``datetime.date`` (YAML) or ISO ``YYYY-MM-DD`` strings (JSON);
- a window bound may also be a month ``YYYY-MM``: its first day for a start, its last day for an end.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from typing import Any

from rollout.errors import InvalidFieldError

__all__ = ["Fields"]


class Fields:
    """A mapping read at ``path``; every getter raises :class:`InvalidFieldError` with the field's path."""

    def __init__(self, data: Any, path: str, allowed: set[str]) -> None:
        if not isinstance(data, dict):
            raise InvalidFieldError(path or "<root>", "must be a mapping")
        self.data = data
        self.path = path
        unknown = sorted(str(k) for k in data if k not in allowed)
        if unknown:
            raise InvalidFieldError(self.sub(unknown[0]), "unknown field")

    def sub(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def _get(self, key: str, required: bool) -> Any:
        value = self.data.get(key)
        if value is None and required:
            raise InvalidFieldError(self.sub(key), "required")
        return value

    def text(self, key: str) -> str:
        return self._text(key, self._get(key, True))

    def text_or_none(self, key: str) -> str | None:
        value = self._get(key, False)
        return None if value is None else self._text(key, value)

    def _text(self, key: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise InvalidFieldError(self.sub(key), "must be a non-empty string")
        return value.strip()

    def integer(self, key: str, *, minimum: int | None = None) -> int:
        return self._integer(key, self._get(key, True), minimum)

    def integer_or_none(self, key: str, *, minimum: int | None = None) -> int | None:
        value = self._get(key, False)
        return None if value is None else self._integer(key, value, minimum)

    def _integer(self, key: str, value: Any, minimum: int | None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidFieldError(self.sub(key), "must be an integer")
        if minimum is not None and value < minimum:
            raise InvalidFieldError(self.sub(key), f"must be at least {minimum}")
        return value

    def number(self, key: str, *, low: float, high: float) -> float:
        """A number in the half-open range ``(low, high]``."""
        value = self._get(key, True)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidFieldError(self.sub(key), "must be a number")
        if not low < value <= high:
            raise InvalidFieldError(self.sub(key), f"must be in ({low}, {high}]")
        return float(value)

    def date(self, key: str, *, month_end: bool | None = None) -> dt.date:
        """A date; with ``month_end`` set, ``YYYY-MM`` is accepted (False: first day, True: last day)."""
        return parse_date(self._get(key, True), self.sub(key), month_end)

    def text_list(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        value = self._get(key, required)
        if value is None:
            return ()
        if not isinstance(value, list) or (required and not value):
            raise InvalidFieldError(self.sub(key), "must be a non-empty list of strings")
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise InvalidFieldError(f"{self.sub(key)}[{i}]", "must be a non-empty string")
        return tuple(item.strip() for item in value)

    def items(self, key: str, *, required: bool = True) -> Iterator[tuple[str, Any]]:
        """Yield ``(path, element)`` for each element of the list at ``key``."""
        value = self._get(key, required)
        if value is None:
            return
        if not isinstance(value, list) or (required and not value):
            raise InvalidFieldError(self.sub(key), "must be a non-empty list")
        for i, item in enumerate(value):
            yield f"{self.sub(key)}[{i}]", item


def parse_date(value: Any, path: str, month_end: bool | None = None) -> dt.date:
    if isinstance(value, dt.datetime):
        raise InvalidFieldError(path, "must be a date without a time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        if month_end is not None and len(text) == 7 and text[4] == "-":
            try:
                year, month = int(text[:4]), int(text[5:])
                day = calendar.monthrange(year, month)[1] if month_end else 1
                return dt.date(year, month, day)
            except ValueError:
                pass
    expected = "a date YYYY-MM-DD or a month YYYY-MM" if month_end is not None else "a date YYYY-MM-DD"
    raise InvalidFieldError(path, f"must be {expected}")
