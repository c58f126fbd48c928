"""Progress of a long import, streamed to the page as it goes (no script: each step is a line of HTML)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Progress"]


@dataclass
class Progress:
    stage: str  # "check" (rows read) | "match" (against the database) | "load" (writing) | "done"
    done: int
    total: int

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 100
