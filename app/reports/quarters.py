"""Quarters: the reporting periods of the steering committee ("Quý 4/2025").

Rules: a quarter is written `YYYY-Qn` (n 1–4) in URLs, forms and the CLI; it runs from the first day
of its first month to the last day of its third month; the current quarter is the one holding `today`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2025-Q4' → Quarter(2025, 4); a ValueError with a Vietnamese message otherwise."""
        match = _PATTERN.match(text or "")
        if not match:
            raise ValueError(f"Quý “{text}” không hợp lệ; ghi theo dạng 2025-Q4.")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"Quý {self.number}/{self.year}"

    def previous(self, count: int = 1) -> Quarter:
        index = self.year * 4 + self.number - 1 - count
        return Quarter(index // 4, index % 4 + 1)

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end
