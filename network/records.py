"""Plain records the package reads: trainers and the classes they open.

The web layer builds these from its rows (or passes dicts / any object with the same attribute names: every
function reads fields through :func:`field`). Rules the records encode:

- ``mentor_id`` is ``None`` for a root (a province core trainer); otherwise the trainer whose class trained them.
- ``status`` is one of :data:`STATUSES`; only ``active`` trainers take trainees or assignments.
- ``max_level`` is 1..5, the highest level the trainer may teach.
- ``certified_on`` is the day the trainer became a trainer; it is also the date used for "new trainer since".
- a class counts ``learners`` (enrolments) and ``completed`` (enrolments that finished).

>>> t = Trainer(id=5, mentor_id=1, max_level=2)
>>> field(t, "mentor_id"), field({"mentor_id": 1}, "mentor_id"), field({}, "area_id")
(1, 1, None)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

__all__ = ["Trainer", "ClassRecord", "STATUSES", "TIERS", "Status", "Tier", "field"]

Status = Literal["active", "paused", "left"]
Tier = Literal["province", "district", "local"]
STATUSES: tuple[str, ...] = ("active", "paused", "left")
TIERS: tuple[str, ...] = ("province", "district", "local")


@dataclass(frozen=True, slots=True)
class Trainer:
    """One trainer (a node of the forest)."""

    id: int
    mentor_id: int | None = None
    status: Status = "active"
    max_level: int = 1
    certified_on: date | None = None
    area_id: int | None = None
    unit_id: int | None = None
    tier: Tier = "local"


@dataclass(frozen=True, slots=True)
class ClassRecord:
    """One class a trainer opened, with its enrolment counts."""

    id: int
    trainer_id: int
    opened_on: date
    level: int = 1
    learners: int = 0
    completed: int = 0


def field(row: Any, name: str, default: Any = None) -> Any:
    """Read ``name`` from a mapping or an object; ``default`` when absent."""
    if isinstance(row, Mapping):
        return row.get(name, default)
    return getattr(row, name, default)
