"""Learning by teaching: excellent learners become trainer candidates, then trainers.

Rules:
- a trainer (or a coordinator in scope) marks a learner who completed a completed class as a
  candidate, or withdraws the mark;
- a coordinator promotes a candidate: the mentor is the class's trainer, the origin class is
  recorded, the tier is 'district' under a province-tier mentor and 'local' otherwise, the
  generation is the mentor's + 1 and the path the mentor's path + own id + '/';
- refused: a person who already is a trainer, an inactive mentor, a class level above the
  mentor's own (the new trainer teaches up to the class's level);
- the mentor earns the trainer-grown points. This is the one promotion operation, so the
  network module's link checks can later be called from here.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.audit import record, snapshot
from app.errors import OperationError, message_for
from app.extensions import db
from app.models import Enrollment, Person, Trainer, TrainingClass
from app.rankings.ledger import award

TRAINER_FIELDS = ["person_id", "tier", "mentor_id", "origin_class_id", "max_level", "status", "certified_on",
                  "area_id", "unit_id", "path", "generation"]


def mark_candidate(enrollment: Enrollment, training_class: TrainingClass, flag: bool, today: date) -> Enrollment:
    if flag and (training_class.status != "completed" or enrollment.status != "completed"):
        raise OperationError("Chỉ đề cử học viên đã hoàn thành một lớp đã kết thúc.", field="candidate")
    before = snapshot(enrollment, ["candidate", "candidate_on"])
    enrollment.candidate = flag
    enrollment.candidate_on = today if flag else None
    db.session.flush()
    record("enrollment.candidate" if flag else "enrollment.uncandidate", enrollment, before=before,
           after=snapshot(enrollment, ["candidate", "candidate_on"]))
    return enrollment


def promote_candidate(enrollment: Enrollment, actor, today: date) -> Trainer:
    """Make the candidate of `enrollment` a trainer mentored by the class's trainer."""
    if not enrollment.candidate:
        raise OperationError("Học viên này chưa được đề cử làm giảng viên.")
    training_class = db.session.get(TrainingClass, enrollment.class_id)
    if db.session.scalar(select(Trainer.id).where(Trainer.person_id == enrollment.person_id)):
        raise OperationError("Người này đã là giảng viên.")
    mentor = db.session.get(Trainer, training_class.trainer_id)
    if mentor.status != "active":
        raise OperationError(message_for("inactive_mentor"))
    if training_class.level > mentor.max_level:
        raise OperationError(message_for("mentor_level", level=training_class.level, mentor_level=mentor.max_level))
    person = db.session.get(Person, enrollment.person_id)
    trainer = Trainer(
        person_id=person.id, tier="district" if mentor.tier == "province" else "local", mentor_id=mentor.id,
        origin_class_id=training_class.id, max_level=training_class.level, status="active", certified_on=today,
        area_id=training_class.venue_area_id, unit_id=person.unit_id, generation=mentor.generation + 1, path="",
    )
    db.session.add(trainer)
    db.session.flush()
    trainer.path = f"{mentor.path}{trainer.id}/"
    db.session.flush()
    award("trainer_grown", trainer.id, mentor.person_id, today, trainer_id=mentor.id, area_id=trainer.area_id)
    record("trainer.promote", trainer, after=snapshot(trainer, TRAINER_FIELDS), actor=actor)
    return trainer
