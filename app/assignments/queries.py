"""Scoped reads for assignment: trainer capacity, suggestions, assignment lists, rows for the gap scan.

Rules:
- a trainer's spare capacity = `classes_max_running` − running classes − classes of active assignments
  (see `need.active_assignment`); only active trainers at level `assignment_min_level` or above take part;
- suggestions use only trainers and targets in the user's scope, and only targets with a shortfall;
  the optimiser (`network.assignment.suggest_assignments`, min-cost max flow) pairs them, costs from the
  plan settings (`assignment_cost_*`), neighbouring districts from `area_neighbours`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from app.areas.maps import in_programme
from app.assignments.explain import explain
from app.assignments.need import (
    PlaceLists,
    SuggestionView,
    Target,
    active_assignment,
    commune_targets,
    place_ids,
    places,
    unit_targets,
)
from app.assignments.neighbours import neighbour_map
from app.batch import gc_paused
from app.extensions import db
from app.models import Assignment, Person, Trainer, TrainingClass, Unit
from app.scope import scoped, visible
from app.training.settings import plan_setting
from network.assignment import CostModel, Need, TrainerSlot, pair_cost, suggest_assignments
from rollout.gap_inputs import AssignmentRow

COST_TIERS = ("same_unit", "same_commune", "same_district", "neighbour_district", "elsewhere")


def cost_model() -> CostModel:
    return CostModel(**{tier: plan_setting(f"assignment_cost_{tier}") for tier in COST_TIERS})


def used_capacity(trainer_ids: list[int] | None, today: date) -> dict[int, int]:
    """Trainer id → running classes + classes of active assignments, for these trainers or (None) for every
    trainer with any: cheaper than naming thousands of ids when the caller looks its own trainers up."""
    used: dict[int, int] = {}
    if trainer_ids is not None and not trainer_ids:
        return used
    running = (select(TrainingClass.trainer_id, func.count(TrainingClass.id))
               .where(TrainingClass.status == "running").group_by(TrainingClass.trainer_id))
    assigned = (select(Assignment.trainer_id, func.sum(Assignment.classes))
                .where(active_assignment(today)).group_by(Assignment.trainer_id))
    if trainer_ids is not None:
        running = running.where(TrainingClass.trainer_id.in_(trainer_ids))
        assigned = assigned.where(Assignment.trainer_id.in_(trainer_ids))
    for tid, n in db.session.execute(running):
        used[tid] = used.get(tid, 0) + n
    for tid, n in db.session.execute(assigned):
        used[tid] = used.get(tid, 0) + int(n)
    return used


def spare_slots(user, today: date, district_of: dict[int, int | None]) -> list[TrainerSlot]:
    """Active trainers in scope based inside the programme's area on `today` (or with no area), at the minimum
    level or above, with spare capacity.

    At province scale (27k slots) the used capacity is read for every trainer (naming 27k ids cost 60 ms on
    SQLite) and the rows are unpacked as they stream in (no list of rows kept, no attribute access by name)."""
    allowed = plan_setting("classes_max_running")
    eligible = (visible(Trainer, user), Trainer.status == "active",
                Trainer.max_level >= plan_setting("assignment_min_level"),
                or_(Trainer.area_id.is_(None), in_programme(Trainer.area_id, today)))
    used = used_capacity(None, today)
    slots = []
    rows = db.session.execute(select(Trainer.id, Trainer.area_id, Trainer.unit_id, Trainer.max_level).where(*eligible))
    for trainer_id, area_id, unit_id, max_level in rows:
        room = allowed - used.get(trainer_id, 0)
        if room > 0:
            slots.append(TrainerSlot(trainer_id, area_id, district_of.get(area_id), unit_id, room, max_level))
    return slots


@dataclass
class Overview(PlaceLists):
    targets: list[Target]
    suggestions: list[SuggestionView]
    slots: dict[int, TrainerSlot]
    near: dict[int, set[int]]
    communes: dict[int, tuple[str, int | None]]
    districts: dict[int, str]
    per_trainer: int = 0


    @property
    def free_classes(self) -> int:
        return sum(s.capacity for s in self.slots.values())

    def view(self, trainer_id: int, name: str, target: Target, classes: int, reason_code: str) -> SuggestionView:
        slot = self.slots[trainer_id]
        why = explain(reason_code, name, target, classes, slot.capacity,
                      self.communes.get(slot.commune_id, ("", None))[0], self.districts.get(slot.district_id, ""))
        return SuggestionView(trainer_id, name, target, classes, reason_code, why)

    def pair(self, trainer_id: int, kind: str, target_id: int, classes: int) -> SuggestionView | None:
        """The suggestion for this trainer and target, or, when the optimiser now prefers another pairing,
        the same pair priced by its tier; None when the trainer has no room or the target no shortfall."""
        for s in self.suggestions:
            if s.trainer_id == trainer_id and s.target.key == (kind, target_id):
                return s
        target = next((t for t in self.targets if t.key == (kind, target_id) and t.shortfall > 0), None)
        slot = self.slots.get(trainer_id)
        if target is None or slot is None:
            return None
        need = Need(kind, target_id, target.commune_id, target.district_id, target.unit_id, target.shortfall)
        _cost, reason = pair_cost(slot, need, self.near, cost_model())
        amount = min(classes, slot.capacity, target.shortfall)
        return self.view(trainer_id, _trainer_names([trainer_id])[trainer_id], target, amount, reason)


@gc_paused()
def overview(user, today: date) -> Overview:
    """Targets in scope, trainers with spare capacity, and the optimal suggestions for the shortfalls.

    Runs with the cyclic GC paused (`app.batch`): at province scale it builds some 60,000 small acyclic objects
    (27k trainer slots, the flow graph), which set off a full collection costing 90 ms of a 270 ms page."""
    per_trainer = plan_setting("learners_per_trainer")
    communes, districts = where = places(today)
    targets = commune_targets(user, today, per_trainer, where) + unit_targets(user, today, per_trainer, where)
    slots = spare_slots(user, today, {cid: d for cid, (_n, d) in communes.items()})
    level = plan_setting("assignment_min_level")
    needs = [Need(t.kind, t.id, t.commune_id, t.district_id, t.unit_id, t.shortfall, level)
             for t in targets if t.shortfall > 0]
    near = neighbour_map()
    found = suggest_assignments(slots, needs, neighbours=near, costs=cost_model())
    result = Overview(targets, [], {s.id: s for s in slots}, near, communes, districts, per_trainer)
    by_key = {t.key: t for t in targets}
    names = _trainer_names([s.trainer_id for s in found])
    result.suggestions = sorted(
        (result.view(s.trainer_id, names[s.trainer_id], by_key[s.target], s.amount, s.reason_code) for s in found),
        key=lambda v: (v.target.covered, v.target.place, v.target.name, v.trainer_name),
    )
    return result


def _trainer_names(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Trainer.id, Person.full_name).join(Person, Person.id == Trainer.person_id)
        .where(Trainer.id.in_(set(ids)))
    ).all())


def _with_target():
    return (joinedload(Assignment.area), joinedload(Assignment.unit),
            joinedload(Assignment.trainer).joinedload(Trainer.person))


def assignment_list(user, status: str = ""):
    stmt = scoped(Assignment, user).options(*_with_target()).order_by(Assignment.starts_on.desc(),
                                                                        Assignment.id.desc())
    return stmt.where(Assignment.status == status) if status else stmt


def assignments_for_trainer(trainer_id: int, since: date | None = None) -> list[Assignment]:
    """A trainer's assignments still running on or after `since` (all when None), newest first.

    Not scoped: for the trainer's own digest (the caller decides who receives it). Targets are loaded.
    """
    stmt = select(Assignment).where(Assignment.trainer_id == trainer_id).options(
        joinedload(Assignment.area), joinedload(Assignment.unit))
    if since is not None:
        stmt = stmt.where(or_(Assignment.ends_on >= since, Assignment.created_at >= since))
    return list(db.session.scalars(stmt.order_by(Assignment.starts_on.desc(), Assignment.id.desc())))


def visible_trainer_assignments(trainer_id: int, user) -> list[Assignment]:
    """The trainer page's block: the trainer's assignments the user may see."""
    return list(db.session.scalars(
        scoped(Assignment, user).where(Assignment.trainer_id == trainer_id)
        .options(joinedload(Assignment.area), joinedload(Assignment.unit))
        .order_by(Assignment.starts_on.desc(), Assignment.id.desc())
    ))


def trainer_choices(user, today: date) -> list[tuple[int, str]]:
    """Trainers in scope with spare capacity, for the hand-assignment form."""
    communes, _districts = places(today)
    slots = spare_slots(user, today, {c: d for c, (_n, d) in communes.items()})
    names = _trainer_names([s.id for s in slots])
    rows = [(s.id, f"{names[s.id]} · {communes.get(s.commune_id, ('–',))[0]} · còn {s.capacity} lớp")
            for s in slots]
    return sorted(rows, key=lambda r: r[1])


def target_choices(user, today: date) -> list[tuple[str, str]]:
    """Communes of the working map and units in scope, as 'area:ID' / 'unit:ID'."""
    communes, districts = places(today)
    ids = set(db.session.scalars(place_ids(user, "area", today))) & set(communes)  # what `operations.assign` accepts
    rows = [(f"area:{c}", f"{communes[c][0]} ({districts.get(communes[c][1], '')})".replace(" ()", ""))
            for c in ids]
    rows.sort(key=lambda r: r[1])
    units = db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(place_ids(user, "unit", today)))
                               .order_by(Unit.name))
    return rows + [(f"unit:{u.id}", f"Đơn vị: {u.name}") for u in units]


def first_class_dates(assignment_ids: list[int] | None = None) -> dict[int, date]:
    """Assignment id → the first day its trainer opened a (not cancelled) class in its target since it began.

    A class's day is its opening date, else its start date; a commune target matches the class venue, a unit
    target the host unit.
    """
    day = func.coalesce(TrainingClass.opened_on, TrainingClass.start_on)
    stmt = (
        select(Assignment.id, func.min(day))
        .join(TrainingClass, and_(
            TrainingClass.trainer_id == Assignment.trainer_id,
            or_(and_(Assignment.target_kind == "area", TrainingClass.venue_area_id == Assignment.area_id),
                and_(Assignment.target_kind == "unit", TrainingClass.host_unit_id == Assignment.unit_id)),
            TrainingClass.status != "cancelled",
            day >= Assignment.starts_on,
        ))
        .group_by(Assignment.id)
    )
    if assignment_ids is not None:
        stmt = stmt.where(Assignment.id.in_(assignment_ids))
    return dict(db.session.execute(stmt).all())


def assignment_gap_rows(today: date) -> list[AssignmentRow]:
    """Every active assignment as a `rollout.gaps.AssignmentRow` for the gap scan (rule `assignment_idle`;
    pair it with `GapSettings(assignment_idle_days=plan_setting("assignment_idle_days"))`)."""
    items = list(db.session.scalars(
        select(Assignment).where(Assignment.status == "active").options(*_with_target()).order_by(Assignment.id)
    ))
    first = first_class_dates([a.id for a in items]) if items else {}
    return [AssignmentRow(
        a.id, a.trainer_id, a.trainer.person.full_name, a.target_kind, a.target_id,
        a.area.name if a.area else a.unit.name, a.starts_on,
        area_id=a.area_id if a.area else a.unit.area_id, active=a.ends_on >= today,
        first_class_on=first.get(a.id),
    ) for a in items]
