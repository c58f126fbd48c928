"""Changes to the trainer network: register, promote, move; each keeps lineage and counters exact.

Rules:
- a new trainer's path is its mentor's path plus its id, its generation the mentor's plus one (a root:
  '/id/', generation 0); only a province core trainer may have no mentor;
- the area, unit and mentor ids submitted are checked with `app.scope.check_choice` against what the acting user
  may choose (`app.network.queries.area_ids` / `unit_ids` / `mentor_ids`) before anything is written;
- the mentor must be visible to the acting user (else `out_of_scope`), exist, be active, teach at least the
  trainee's level and not be the trainee or one of its descendants (the `network.links` rules);
- one trainer per person: a person found by phone or national ID who is already a trainer is refused
  (`second_mentor` when another mentor is named, `already_trainer` otherwise); a phone and an ID that name two
  different persons are refused (`duplicate_person`);
- a move (a data correction) re-parents the whole branch with one UPDATE (path prefix replaced, generation
  shifted) in the caller's transaction, and is audited with the old and new lineage;
- `user=None` means the system (CLI, jobs): no scope check.
Every function flushes and never commits; a refused change raises `OperationError` naming the form field.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import String, func, literal, select, update

from app.audit import record, snapshot
from app.errors import OperationError, from_network, message_for
from app.extensions import db
from app.models import Enrollment, Person, Trainer, TrainingClass
from app.network import counters
from app.network.queries import area_ids, mentor_ids, unit_ids
from app.network.recompute import recompute_all
from app.scope import check_choice, is_choosable, visible
from app.text import PhoneError, normalize_phone
from network import (
    NetworkError,
    check_link,
    generation_of,
    move_subtree,
    parse_path,
    path_for,
    subtree_pattern,
)

__all__ = ["add_trainer", "register_trainer", "update_trainer", "promote", "move_trainer", "match_person",
           "recompute_all", "set_status"]

FIELDS = ["person_id", "tier", "mentor_id", "origin_class_id", "max_level", "status", "certified_on",
          "area_id", "unit_id", "path", "generation"]
NEW_ID = 0  # stands for the trainer not yet inserted in link checks (real ids start at 1)


def _refuse(code: str, field: str | None = None, **params) -> OperationError:
    return OperationError(message_for(code, **params), field=field, code=code)


def _link_rows(*paths: str) -> dict[int, dict]:
    """The trainers on the given lineages, as the rows `network.links` checks."""
    ids = {i for p in paths if p for i in parse_path(p)}
    rows = db.session.execute(
        select(Trainer.id, Trainer.mentor_id, Trainer.status, Trainer.max_level).where(Trainer.id.in_(ids))
    ).all()
    return {r.id: {"mentor_id": r.mentor_id, "status": r.status, "max_level": r.max_level} for r in rows}


def _mentor(user, mentor_id: int | None, field: str) -> Trainer | None:
    if mentor_id is None:
        return None
    # a number no row can have (e.g. "#99999999999") names nobody, and would overflow a PostgreSQL integer
    mentor = db.session.get(Trainer, mentor_id) if is_choosable(mentor_id, select(Trainer.id)) else None
    if mentor is None:
        raise _refuse("unknown_mentor", field, mentor_id=mentor_id)
    if user is not None:
        check_choice(mentor_id, mentor_ids(user), field, message_for("out_of_scope"))
    return mentor


def match_person(full_name: str, phone: str | None, national_id: str | None,
                 area_id: int | None = None, unit_id: int | None = None) -> Person:
    """The person with this phone or national ID, or a new one; a phone and an ID naming two persons: refused."""
    try:
        phone = normalize_phone(phone)
    except PhoneError:
        raise OperationError("Số điện thoại không hợp lệ.", field="phone") from None
    national_id = (national_id or "").strip() or None
    if national_id and not (national_id.isdigit() and len(national_id) in (9, 12)):
        raise OperationError("Số định danh gồm 9 hoặc 12 chữ số.", field="national_id")
    if not phone and not national_id:
        raise OperationError("Cần số điện thoại hoặc số định danh để nhận ra người này.", field="phone")
    by_phone = db.session.scalar(select(Person).where(Person.phone == phone)) if phone else None
    by_id = db.session.scalar(select(Person).where(Person.national_id == national_id)) if national_id else None
    if by_phone and by_id and by_phone.id != by_id.id:
        raise _refuse("duplicate_person", "national_id")
    person = by_phone or by_id
    if person is None:
        if not (full_name or "").strip():
            raise OperationError("Vui lòng nhập họ và tên.", field="full_name")
        person = Person(phone=phone, national_id=national_id, home_area_id=area_id, unit_id=unit_id)
        person.set_name(full_name.strip())
        db.session.add(person)
        db.session.flush()
        record("person.create", person, after=snapshot(person, ["full_name", "phone", "home_area_id"]))
    return person


def add_trainer(user, person: Person, *, mentor_id: int | None, tier: str, max_level: int, area_id: int | None,
                unit_id: int | None = None, certified_on: date | None = None, origin_class_id: int | None = None,
                check_scope: bool = True) -> Trainer:
    """Make `person` a trainer under `mentor_id` (None: a province core trainer), lineage and counters kept."""
    scope_user = user if check_scope else None
    existing = db.session.scalar(select(Trainer).where(Trainer.person_id == person.id))
    if existing is not None:
        if existing.mentor_id is not None and mentor_id is not None and existing.mentor_id != mentor_id:
            raise _refuse("second_mentor", "mentor_id")
        raise _refuse("already_trainer", "phone", trainer_id=existing.id)
    if mentor_id is None and tier != "province":
        raise _refuse("mentor_required", "mentor_id")
    if scope_user is not None:
        check_choice(area_id, area_ids(scope_user), "area_id", message_for("out_of_scope"))
        check_choice(unit_id, unit_ids(scope_user), "unit_id", message_for("out_of_scope"))
    mentor = _mentor(scope_user, mentor_id, "mentor_id")
    if mentor is not None:
        try:
            check_link(_link_rows(mentor.path), NEW_ID, mentor.id, trainee_level=max_level)
        except NetworkError as error:
            raise from_network(error, "mentor_id" if error.code != "mentor_level" else "max_level") from None
    trainer = Trainer(person_id=person.id, tier=tier, mentor_id=mentor_id, max_level=max_level, status="active",
                      certified_on=certified_on, area_id=area_id, unit_id=unit_id, origin_class_id=origin_class_id,
                      path="", generation=0, search_key=person.search_key)
    db.session.add(trainer)
    db.session.flush()
    trainer.path = path_for(mentor.path if mentor else None, trainer.id)
    trainer.generation = generation_of(trainer.path)
    db.session.flush()
    counters.on_insert(trainer.id, parse_path(trainer.path)[:-1], mentor_id)
    record("trainer.create", trainer, after=snapshot(trainer, FIELDS))
    return trainer


def register_trainer(user, data: dict) -> Trainer:
    """A trainer from the registration form (or an import row): the person matched by phone/ID, else new."""
    area_id, unit_id = data.get("area_id") or None, data.get("unit_id") or None
    if user is not None:  # before the person is matched or created: a refused id writes nothing
        check_choice(area_id, area_ids(user), "area_id", message_for("out_of_scope"))
        check_choice(unit_id, unit_ids(user), "unit_id", message_for("out_of_scope"))
        _mentor(user, data.get("mentor_id") or None, "mentor_id")
    person = match_person(data.get("full_name", ""), data.get("phone"), data.get("national_id"), area_id, unit_id)
    return add_trainer(user, person, mentor_id=data.get("mentor_id") or None, tier=data["tier"],
                       max_level=int(data["max_level"]), area_id=area_id, unit_id=unit_id,
                       certified_on=data.get("certified_on"))


UPDATABLE = ("tier", "max_level", "area_id", "unit_id", "certified_on")


def update_trainer(user, trainer: Trainer, changes: dict, *, phone: str | None = None) -> None:
    """Change a trainer's tier, level, area, unit or certification date (and give its person a missing phone).

    A new area or unit must be one `user` may choose; a level may not exceed the mentor's nor fall below a
    trainee's; a province core trainer without a mentor keeps the province tier. Audited as `trainer.update`."""
    changes = {k: v for k, v in changes.items() if k in UPDATABLE and getattr(trainer, k) != v}
    if user is not None:
        if "area_id" in changes:
            check_choice(changes["area_id"], area_ids(user), "area_id", message_for("out_of_scope"))
        if "unit_id" in changes:
            check_choice(changes["unit_id"], unit_ids(user), "unit_id", message_for("out_of_scope"))
    if changes.get("tier", "province") != "province" and trainer.mentor_id is None:
        raise _refuse("mentor_required", "tier")
    level = changes.get("max_level")
    if level is not None:
        mentor = db.session.get(Trainer, trainer.mentor_id) if trainer.mentor_id else None
        if mentor is not None and mentor.max_level < level:
            raise OperationError(f"Bậc {level} cao hơn bậc người hướng dẫn được dạy ({mentor.max_level}).",
                                 field="max_level")
        highest = db.session.scalar(select(func.max(Trainer.max_level)).where(Trainer.mentor_id == trainer.id))
        if highest is not None and highest > level:
            raise OperationError(f"Có người được hướng dẫn dạy bậc {highest}, cao hơn bậc {level}.",
                                 field="max_level")
    person_change = {}
    if phone:
        person = db.session.get(Person, trainer.person_id)
        if person.phone is None:
            if db.session.scalar(select(Person.id).where(Person.phone == phone)) is not None:
                raise _refuse("duplicate_person", "phone")
            person.phone, person_change = phone, {"phone": phone}
    if not changes and not person_change:
        return
    before = snapshot(trainer, list(changes))
    for key, value in changes.items():
        setattr(trainer, key, value)
    db.session.flush()
    record("trainer.update", trainer, before=before | ({"phone": None} if person_change else {}),
           after=snapshot(trainer, list(changes)) | person_change)


def promote(user, enrollment_id: int, *, certified_on: date, max_level: int | None = None,
            tier: str | None = None) -> Trainer:
    """Make a learner who completed a class a trainer: the mentor is the class's trainer, the class the origin.

    The class must be visible to `user`; the level defaults to the class's level; the tier defaults to
    'district' under a province core mentor and 'local' below; the mentor earns the trainer-grown points.
    """
    row = db.session.execute(
        select(Enrollment, TrainingClass).join(TrainingClass, TrainingClass.id == Enrollment.class_id)
        .where(Enrollment.id == enrollment_id)
    ).first()
    if row is None or (user is not None and not is_choosable(
            row.TrainingClass.id, select(TrainingClass.id).where(visible(TrainingClass, user)))):
        raise _refuse("out_of_scope")
    enrollment, training_class = row
    if enrollment.status != "completed":
        raise _refuse("not_completed")
    person = db.session.get(Person, enrollment.person_id)
    mentor = db.session.get(Trainer, training_class.trainer_id)
    if tier is None:
        tier = "district" if mentor.tier == "province" else "local"
    trainer = add_trainer(user, person, mentor_id=mentor.id, tier=tier,
                          max_level=max_level or training_class.level, area_id=training_class.venue_area_id,
                          unit_id=person.unit_id or training_class.host_unit_id, certified_on=certified_on,
                          origin_class_id=training_class.id, check_scope=False)
    from app.rankings.ledger import award

    award("trainer_grown", trainer.id, mentor.person_id, certified_on, trainer_id=mentor.id, area_id=trainer.area_id)
    from app.invitations.operations import auto_invite

    auto_invite(user, [trainer.id])  # when the plan setting `auto_invite` is 1
    return trainer


def set_status(user, trainer: Trainer, status: str) -> None:
    """Pause, resume or end a trainer (active, paused, left); audited as `trainer.status`. A trainer who is not
    active cannot sign in (`app.auth.operations.sign_in_allowed`)."""
    from app.models.vocab import TRAINER_STATUSES

    if status not in TRAINER_STATUSES:
        raise OperationError("Trạng thái không hợp lệ.", field="status")
    if status == trainer.status:
        return
    before = {"status": trainer.status}
    trainer.status = status
    db.session.flush()
    record("trainer.status", trainer, before=before, after={"status": status}, actor=user)


def move_trainer(user, trainer: Trainer, new_mentor_id: int | None, reason: str = "") -> int:
    """Re-parent `trainer` and its whole branch under `new_mentor_id`; returns how many trainers moved."""
    mentor = _mentor(user, new_mentor_id, "mentor_id")
    if mentor is None and trainer.tier != "province":
        raise _refuse("mentor_required", "mentor_id")
    if new_mentor_id == trainer.mentor_id:
        raise OperationError("Người hướng dẫn mới trùng với người hướng dẫn hiện tại.", field="mentor_id")
    old_path, old_mentor = trainer.path, trainer.mentor_id
    try:
        if new_mentor_id == trainer.id:
            move_subtree({trainer.id: old_path}, trainer.id, old_path)  # raises self_mentor
        new_path = move_subtree({trainer.id: old_path}, trainer.id, mentor.path if mentor else None)[trainer.id].path
        if mentor is not None:
            check_link(_link_rows(mentor.path, old_path), trainer.id, mentor.id, replace=True)
    except NetworkError as error:
        raise from_network(error, "mentor_id") from None
    shift = generation_of(new_path) - trainer.generation
    before = {"mentor_id": old_mentor, "path": old_path, "generation": trainer.generation}
    trainer.mentor_id = new_mentor_id
    db.session.flush()
    moved = db.session.execute(
        update(Trainer).where(Trainer.path.like(subtree_pattern(old_path)))
        .values(path=literal(new_path, String) + func.substr(Trainer.path, len(old_path) + 1),
                generation=Trainer.generation + shift)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    db.session.refresh(trainer)
    counters.on_move(trainer.id, parse_path(old_path)[:-1], parse_path(new_path)[:-1], old_mentor, new_mentor_id)
    record("trainer.move", trainer, before=before, after={
        "mentor_id": new_mentor_id, "path": new_path, "generation": trainer.generation, "moved": moved,
        "reason": reason or None,
    })
    return moved

