"""The plain snapshot that gap rules read: rows the app loads from its database, thresholds and ``today``.

Rules:
- rows are plain values (ids are ``str`` or ``int``); nothing here touches a database;
- an area counts only while it is valid on ``today`` (``valid_from``/``valid_to`` inclusive, ``None`` = open),
  so the district rules fall silent after the 2025-07-01 map change without any special case;
- a trainer counts as active when ``active`` is true; a class counts unless its status is 'cancelled';
- precomputed network figures (last activity in a trainer's subtree, R per area) come in as rows: ``rollout``
  does not walk the trainer graph itself.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

__all__ = [
    "Id",
    "AreaRow",
    "UnitRow",
    "TrainerRow",
    "ClassRow",
    "ActivityRow",
    "AssignmentRow",
    "DistrictPlanRow",
    "DuplicatePersonsRow",
    "IndicatorRow",
    "SubtreeActivityRow",
    "ReproductionRow",
    "GapSettings",
    "GapInputs",
]

Id = str | int
CLASS_STATUSES = ("planned", "running", "completed", "cancelled")


@dataclass(frozen=True)
class AreaRow:
    id: Id
    name: str
    kind: str  # 'province' | 'district' | 'commune'
    parent_id: Id | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    ethnic_minority_residents: int = 0

    def active_on(self, day: dt.date) -> bool:
        started = self.valid_from is None or self.valid_from <= day
        return started and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class UnitRow:
    id: Id
    name: str
    kind: str  # e.g. 'agency', 'school', 'enterprise', 'cooperative', 'household_business'
    area_id: Id | None = None
    needs_core_group: bool = True


@dataclass(frozen=True)
class TrainerRow:
    id: Id
    name: str
    unit_id: Id | None = None
    area_id: Id | None = None  # the commune the trainer serves
    mentor_id: Id | None = None
    certified_on: dt.date | None = None
    active: bool = True


@dataclass(frozen=True)
class ClassRow:
    id: Id
    trainer_id: Id
    name: str = ""
    area_id: Id | None = None
    unit_id: Id | None = None
    audience: str = "general"  # e.g. 'ethnic_minority', 'household_business', 'civil_servant'
    status: str = "planned"  # one of CLASS_STATUSES
    learners: int = 0


@dataclass(frozen=True)
class AssignmentRow:
    """A trainer assigned to a commune or unit; ``first_class_on``: the first class they opened there since
    ``starts_on`` (None: none yet), precomputed by the app."""

    id: Id
    trainer_id: Id
    trainer_name: str
    target_kind: str  # 'area' | 'unit'
    target_id: Id
    target_name: str
    starts_on: dt.date
    area_id: Id | None = None  # the commune (or the unit's area), for scoping the finding
    active: bool = True
    first_class_on: dt.date | None = None


@dataclass(frozen=True)
class ActivityRow:
    number: int
    title: str
    planned_start: dt.date
    planned_finish: dt.date
    started_on: dt.date | None = None
    finished_on: dt.date | None = None


@dataclass(frozen=True)
class DistrictPlanRow:
    area_id: Id
    issued_on: dt.date | None = None  # None: drafted, not issued


@dataclass(frozen=True)
class DuplicatePersonsRow:
    """Persons that look like one; ``reason`` is 'phone' | 'id_number' | 'name_birth_date' | 'name_birth_year_commune'."""

    person_ids: tuple[Id, ...]
    reason: str


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator's current value (a ratio) for a commune or unit, with its trajectory."""

    indicator_code: str
    subject_kind: str  # 'commune' | 'unit'
    subject_id: Id
    subject_name: str
    value: float
    target: float
    start: dt.date
    deadline: dt.date
    area_id: Id | None = None
    label: str = ""
    baseline: float = 0.0


@dataclass(frozen=True)
class SubtreeActivityRow:
    """The last day a new class or trainer appeared anywhere in ``trainer_id``'s subtree."""

    trainer_id: Id
    last_activity_on: dt.date


@dataclass(frozen=True)
class ReproductionRow:
    """Mean number of new trainers per trainer of the last completed generation in an area."""

    area_id: Id
    r: float
    trainers: int = 0


@dataclass(frozen=True)
class GapSettings:
    min_classes_per_trainer: int = 2  # "mỗi học viên nòng cốt mở 2-3 lớp"
    min_classes_after_days: int = 90
    max_running_classes: int = 3
    core_group_min_trainers: int = 2  # a group is at least two people
    activity_start_grace_days: int = 7
    activity_overdue_grace_days: int = 0
    stalled_weeks: int = 8
    reproduction_threshold: float = 1.0
    trajectory_tolerance: float = 0.1  # relative shortfall allowed below the trajectory
    district_plan_due: dt.date | None = None  # None: a district needs an issued plan from the start
    ethnic_minority_audiences: tuple[str, ...] = ("ethnic_minority",)
    household_business_audiences: tuple[str, ...] = ("household_business",)
    household_business_unit_kinds: tuple[str, ...] = ("household_business",)
    assignment_idle_days: int = 30


@dataclass(frozen=True)
class GapInputs:
    today: dt.date
    areas: Sequence[AreaRow] = ()
    units: Sequence[UnitRow] = ()
    trainers: Sequence[TrainerRow] = ()
    classes: Sequence[ClassRow] = ()
    activities: Sequence[ActivityRow] = ()
    district_plans: Sequence[DistrictPlanRow] = ()
    local_plan_communes: frozenset[Id] = frozenset()  # communes that issue their own plan (a 2025-map plan's T1)
    duplicate_persons: Sequence[DuplicatePersonsRow] = ()
    indicators: Sequence[IndicatorRow] = ()
    subtree_activity: Sequence[SubtreeActivityRow] = ()
    reproduction: Sequence[ReproductionRow] = ()
    assignments: Sequence[AssignmentRow] = ()
    settings: GapSettings = field(default_factory=GapSettings)

    @cached_property
    def area_by_id(self) -> dict[Id, AreaRow]:
        return {a.id: a for a in self.areas}

    @cached_property
    def active_areas(self) -> list[AreaRow]:
        return [a for a in self.areas if a.active_on(self.today)]

    @cached_property
    def trainer_by_id(self) -> dict[Id, TrainerRow]:
        return {t.id: t for t in self.trainers}

    @cached_property
    def live_classes(self) -> list[ClassRow]:
        return [c for c in self.classes if c.status != "cancelled"]

    @cached_property
    def _children(self) -> dict[Id, list[Id]]:
        children: dict[Id, list[Id]] = defaultdict(list)
        for a in self.areas:
            if a.parent_id is not None:
                children[a.parent_id].append(a.id)
        return children

    def area_and_descendants(self, area_id: Id) -> set[Id]:
        """The area and every area below it (by ``parent_id``), whatever their validity."""
        seen, stack = {area_id}, [area_id]
        while stack:
            for child in self._children.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return seen
