"""Merging duplicate persons (a coordinator's job), audited.

Rules:
- both persons must be in the coordinator's scope (the duplicate, typed by its record number, checked with
  `app.scope.check_choice`) and differ; the survivor keeps its id;
- enrolments, certificates, points, the trainer record and user accounts of the duplicate are
  re-pointed to the survivor; when both are enrolled in the same class, the survivor's enrolment
  is kept (taking the duplicate's completion, score and candidate mark if it has them) and the
  duplicate's is dropped;
- the trainer record's name key (`Trainer.search_key`, the trainer list's order) follows the survivor's name;
- refused: both are trainers (two places in the network: decide there first), or both hold a
  certificate of the same level (revoked or not: one person, one certificate per level);
- a person left with two trainer accounts keeps one (`_keep_one_trainer_account`);
- the survivor's empty fields (phone, ID number, e-mail, birth year, gender, ethnic group, home,
  unit) are filled from the duplicate; then the duplicate is deleted.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update

from app.audit import record, snapshot
from app.errors import OperationError
from app.extensions import db
from app.models import Certificate, Enrollment, Invitation, Person, PointEntry, Trainer, User
from app.rankings import totals
from app.scope import check_choice, visible
from app.trainers.keys import copy_name_keys

PERSON_FIELDS = ["full_name", "phone", "national_id", "email", "birth_year", "gender", "ethnic_group",
                 "home_area_id", "unit_id", "audience_group"]
FILLED = PERSON_FIELDS[1:]


def chosen_duplicate(user, person_id) -> Person:
    """The duplicate record a user typed on the merge form, if it is a person they see."""
    message = "Không tìm thấy hồ sơ này trong phạm vi của bạn."
    if not person_id:
        raise OperationError(message, field="duplicate_id")
    check_choice(person_id, select(Person.id).where(visible(Person, user)), "duplicate_id", message)
    return db.session.get(Person, int(person_id))


def _keep_one_trainer_account(person_id: int) -> None:
    """A merged person keeps one trainer account: the one with a password that signed in last (else the oldest);
    the others are switched off (audited `user.update`). Accounts of other roles are left as they are."""
    accounts = db.session.scalars(select(User).where(User.person_id == person_id, User.role == "trainer",
                                                     User.active.is_(True)).order_by(User.id)).all()
    if len(accounts) < 2:
        return
    kept = max(accounts, key=lambda u: (u.has_password, u.last_login_at is not None,
                                        u.last_login_at.timestamp() if u.last_login_at else 0, -u.id))
    for account in accounts:
        if account is not kept:
            account.active = False
            db.session.flush()
            record("user.update", account, before={"active": True}, after={"active": False, "merged_into": kept.id})


def merge_persons(survivor: Person, duplicate: Person) -> Person:
    if survivor.id == duplicate.id:
        raise OperationError("Không thể gộp một hồ sơ với chính nó.", field="duplicate_id")
    trainers = db.session.scalars(select(Trainer).where(Trainer.person_id.in_([survivor.id, duplicate.id]))).all()
    if len(trainers) == 2:
        raise OperationError("Cả hai người đều là giảng viên; hãy xử lý trong mạng lưới giảng viên trước.",
                             field="duplicate_id")
    levels = db.session.execute(select(Certificate.level).where(Certificate.person_id.in_(
        [survivor.id, duplicate.id])).group_by(Certificate.level).having(db.func.count() > 1)).scalars().all()
    if levels:
        raise OperationError(f"Cả hai người đều có chứng nhận Bậc {levels[0]}; không thể gộp.", field="duplicate_id")
    before = {"survivor": snapshot(survivor, PERSON_FIELDS), "duplicate": snapshot(duplicate, PERSON_FIELDS),
              "duplicate_id": duplicate.id}

    mine = {e.class_id: e for e in db.session.scalars(select(Enrollment).where(Enrollment.person_id == survivor.id))}
    dropped = []
    for theirs in db.session.scalars(select(Enrollment).where(Enrollment.person_id == duplicate.id)).all():
        kept = mine.get(theirs.class_id)
        if kept is None:
            continue
        if theirs.status == "completed" and kept.status != "completed":
            kept.status, kept.score, kept.completed_on = theirs.status, theirs.score, theirs.completed_on
        kept.candidate = kept.candidate or theirs.candidate
        kept.candidate_on = kept.candidate_on or theirs.candidate_on
        dropped.append(theirs.id)
    if dropped:
        touched = db.session.execute(select(PointEntry.trainer_id, PointEntry.area_id).where(
            PointEntry.reason == "learner_completed", PointEntry.source_id.in_(dropped))).all()
        db.session.execute(delete(PointEntry).where(PointEntry.reason == "learner_completed",
                                                    PointEntry.source_id.in_(dropped)))
        totals.refresh({t for t, _ in touched}, {a for _, a in touched})
        db.session.execute(delete(Enrollment).where(Enrollment.id.in_(dropped)))
    for model in (Enrollment, Certificate, PointEntry, Trainer, User, Invitation):
        db.session.execute(update(model).where(model.person_id == duplicate.id).values(person_id=survivor.id)
                           .execution_options(synchronize_session=False))
    _keep_one_trainer_account(survivor.id)
    copy_name_keys([survivor.id])  # the duplicate's trainer record now bears the survivor's name
    fill = {k: getattr(duplicate, k) for k in FILLED if getattr(survivor, k) is None and getattr(duplicate, k)}
    db.session.delete(duplicate)
    db.session.flush()  # frees the duplicate's phone and ID number before the survivor takes them
    for key, value in fill.items():
        setattr(survivor, key, value)
    db.session.flush()
    record("person.merge", survivor, before=before,
           after={**snapshot(survivor, PERSON_FIELDS), "dropped_enrollments": dropped})
    return survivor
