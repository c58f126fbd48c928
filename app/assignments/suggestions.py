"""Stored assignment suggestions: the assignment page of one scope on one day, computed by a job (or the
"Tính lại" button) and read by the page, so a GET never runs the optimiser.

Rules:
- a scope is named by `scope_key` ('all' for those who see everything, 'area:<path>', 'unit:<path>'); one
  `assignment_suggestions` row per (scope, day) holds what the page shows: the targets with their need and
  coverage, the suggestions with their reasons, the free capacity, and `computed_at`;
- `refresh(today)` (the job `assignment_suggestions`) computes the scopes of the active accounts that see the
  assignment pages whose row of `today` is missing or stale; a second run finds nothing to do and changes
  nothing. `compute(scope, today)` (the button) computes one scope now;
- an assignment made by hand, ended or cancelled marks the rows of every scope that sees its trainer or its
  target stale (`stale_since`); accepting a stored suggestion takes it out of the accepting scope's row (what
  remains of an optimal pairing is optimal for what remains) and marks the other scopes' rows stale;
- the page reads the newest row of the user's scope (`stored`), today's or an earlier day's, and says when it
  was computed and whether it is stale; accepting still checks the trainer's capacity (row lock) and the
  target's shortfall now (`app.assignments.operations`), so a stale suggestion is refused, never over-assigned.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.assignments.need import PlaceLists, SuggestionView, Target, _fill
from app.extensions import db
from app.models import Area, AssignmentSuggestions, Trainer, Unit, User
from app.permissions import ACTIONS
from app.scope import Scope, register_rule, scope_of, visible
from app.timeutil import utcnow

KEEP_DAYS = 7  # rows of earlier days kept (the page falls back to the newest one)


def scope_key(s: Scope) -> str | None:
    """The key of a scope's row; None for a scope that sees no assignment page (a trainer, no scope)."""
    if s.everything:
        return "all"
    if s.area_path:
        return f"area:{s.area_path}"
    if s.unit_path:
        return f"unit:{s.unit_path}"
    return None


def scope_from_key(key: str) -> Scope:
    kind, _, path = key.partition(":")
    if kind == "all":
        return Scope(everything=True)
    return Scope(area_path=path) if kind == "area" else Scope(unit_path=path)


def _rows(s: Scope):
    key = scope_key(s)
    return AssignmentSuggestions.scope_key == key if key else AssignmentSuggestions.id.is_(None)


register_rule(AssignmentSuggestions, _rows)  # a scope sees its own rows (and those who see everything, all)


@dataclass
class Stored(PlaceLists):
    """A stored row as the page reads it (the attributes of `queries.Overview` the page shows)."""

    row_id: int
    day: date
    computed_at: datetime
    stale_since: datetime | None
    per_trainer: int
    slot_count: int
    free_classes: int
    targets: list[Target]
    suggestions: list[SuggestionView] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return self.stale_since is not None


    def find(self, trainer_id: int, kind: str, target_id: int) -> SuggestionView | None:
        return next((s for s in self.suggestions if s.trainer_id == trainer_id and s.target.key == (kind, target_id)),
                    None)


def _payload(view) -> dict:
    rooms = {s.trainer_id: view.slots[s.trainer_id].capacity for s in view.suggestions}
    return {
        "per_trainer": view.per_trainer, "slot_count": len(view.slots), "free_classes": view.free_classes,
        "targets": [dataclasses.asdict(t) for t in view.targets],
        "suggestions": [{"trainer_id": s.trainer_id, "trainer_name": s.trainer_name, "kind": s.target.kind,
                         "target_id": s.target.id, "classes": s.classes, "reason_code": s.reason_code,
                         "why": s.why} for s in view.suggestions],
        "rooms": {str(k): v for k, v in rooms.items()},
    }


def _read(row: AssignmentSuggestions) -> Stored:
    p = row.payload or {}
    targets = [Target(**t) for t in p.get("targets", [])]
    by_key = {t.key: t for t in targets}
    suggestions = [SuggestionView(s["trainer_id"], s["trainer_name"], by_key[(s["kind"], s["target_id"])], s["classes"],
                              s["reason_code"], s["why"])
                   for s in p.get("suggestions", []) if (s["kind"], s["target_id"]) in by_key]
    return Stored(row.id, row.day, row.computed_at, row.stale_since, p.get("per_trainer", 0), p.get("slot_count", 0),
                  p.get("free_classes", 0), targets, suggestions)


def compute(s: Scope, today: date) -> AssignmentSuggestions:
    """Compute the scope's suggestions now and store them as its row of `today` (replacing it)."""
    from app.assignments.queries import overview

    key = scope_key(s)
    if key is None:
        raise ValueError("a scope without an assignment page")
    payload = _payload(overview(s, today))
    row = db.session.scalar(select(AssignmentSuggestions).where(
        AssignmentSuggestions.scope_key == key, AssignmentSuggestions.day == today).with_for_update())
    if row is None:
        row = AssignmentSuggestions(scope_key=key, day=today)
        db.session.add(row)
    row.payload, row.computed_at, row.stale_since = payload, utcnow(), None
    db.session.flush()
    return row


def stored(user, today: date) -> Stored | None:
    """The newest row of the user's scope on or before `today`, or None when none was computed."""
    row = db.session.scalar(
        select(AssignmentSuggestions).where(visible(AssignmentSuggestions, user),
                                            AssignmentSuggestions.scope_key == scope_key(scope_of(user)),
                                            AssignmentSuggestions.day <= today)
        .order_by(AssignmentSuggestions.day.desc()).limit(1))
    return _read(row) if row is not None else None


def current(user, today: date) -> Stored | None:
    """The page's row: the stored one, or (the scope's first visit ever, before any job run) computed now."""
    found = stored(user, today)
    if found is not None or scope_key(scope_of(user)) is None:
        return found
    try:
        with db.session.begin_nested():  # another worker may be storing the same first row
            return _read(compute(scope_of(user), today))
    except IntegrityError:
        return stored(user, today)


def scopes_with_pages() -> set[str]:
    """The keys of the scopes of active accounts that see the assignment pages."""
    roles = ACTIONS["see_assignments"]
    keys = {scope_key(scope_of(u)) for u in db.session.scalars(
        select(User).where(User.active.is_(True), User.role.in_(roles)))}
    return {k for k in keys if k}


def refresh(today: date) -> tuple[int, int]:
    """The job: compute every scope with a page whose row of `today` is missing or stale; drop rows older than
    `KEEP_DAYS`. Returns (computed, scopes)."""
    keys = scopes_with_pages()
    fresh = set(db.session.scalars(select(AssignmentSuggestions.scope_key).where(
        AssignmentSuggestions.day == today, AssignmentSuggestions.stale_since.is_(None))))
    todo = sorted(keys - fresh)
    for key in todo:
        compute(scope_from_key(key), today)
    db.session.execute(delete(AssignmentSuggestions).where(AssignmentSuggestions.day < today - timedelta(days=KEEP_DAYS)))
    return len(todo), len(keys)


def _sees(s: Scope, trainer_id: int | None, kind: str | None, target_id: int | None) -> bool:
    if s.everything:
        return True
    if trainer_id is not None and db.session.scalar(
            select(Trainer.id).where(Trainer.id == trainer_id, visible(Trainer, s))) is not None:
        return True
    if target_id is None:
        return False
    model = Area if kind == "area" else Unit
    return db.session.scalar(select(model.id).where(model.id == target_id, visible(model, s))) is not None


def assignment_changed(trainer_id: int, kind: str, target_id: int, *, accepted_by=None, classes: int = 0) -> None:
    """An assignment of this trainer to this target was made, ended or cancelled: the rows of the scopes that
    see either are stale — but for `accepted_by`'s own scope, whose accepted suggestion (`classes` classes) is
    taken out of its row of today instead."""
    now = utcnow()
    own = scope_key(scope_of(accepted_by)) if accepted_by is not None else None
    rows = list(db.session.scalars(select(AssignmentSuggestions).where(
        AssignmentSuggestions.stale_since.is_(None)).with_for_update()))
    for row in rows:
        if not _sees(scope_from_key(row.scope_key), trainer_id, kind, target_id):
            continue
        if row.scope_key == own and _take_out(row, trainer_id, kind, target_id, classes):
            continue
        row.stale_since = now
    db.session.flush()


def _take_out(row: AssignmentSuggestions, trainer_id: int, kind: str, target_id: int, classes: int) -> bool:
    """Remove an accepted suggestion from its row; False when the row does not hold exactly it."""
    p = dict(row.payload or {})
    items = list(p.get("suggestions", []))
    hit = next((s for s in items if s["trainer_id"] == trainer_id and s["kind"] == kind
                and s["target_id"] == target_id and s["classes"] == classes), None)
    if hit is None:
        return False
    items.remove(hit)
    targets = [dict(t) for t in p.get("targets", [])]
    for t in targets:
        if t["kind"] == kind and t["id"] == target_id:
            t["assigned"] += classes
    rooms = dict(p.get("rooms", {}))
    room = rooms.get(str(trainer_id), classes) - classes
    rooms[str(trainer_id)] = room
    p.update(suggestions=items, targets=targets, rooms=rooms, free_classes=max(0, p.get("free_classes", 0) - classes),
             slot_count=p.get("slot_count", 0) - (1 if room <= 0 else 0))
    row.payload = p
    return True


def live_shortfalls(targets: list[Target], today: date) -> dict[tuple[str, int], int]:
    """The targets' shortfall now (their stored need, today's resident trainers and assigned classes)."""
    copies = [dataclasses.replace(t, resident=0, assigned=0) for t in targets]
    _fill(copies, today)
    return {t.key: t.shortfall for t in copies}
