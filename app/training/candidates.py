"""Learning by teaching: excellent learners become trainer candidates, then trainers.

Rules:
- a trainer (or a coordinator in scope) marks a learner who completed a completed class as a
  candidate, or withdraws the mark;
- a coordinator promotes a candidate: the mentor is the class's trainer, the origin class is
  recorded, the tier is 'district' under a province-tier mentor and 'local' otherwise, the
  generation is the mentor's + 1 and the path the mentor's path + own id + '/';
- refused: a person who already is a trainer, an inactive mentor, a class level above the
  mentor's own (the new trainer teaches up to the class's level);
- the promotion itself is `app.network.operations.promote` (link checks, lineage, counters, the
  mentor's trainer-grown points); this module adds the candidate step in front of it.
"""

from __future__ import annotations

from datetime import date

from app.audit import record, snapshot
from app.errors import OperationError
from app.extensions import db
from app.models import Enrollment, Trainer, TrainingClass
from app.network.operations import promote

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
    """Make the candidate of `enrollment` a trainer: the network's promotion, with its link checks."""
    if not enrollment.candidate:
        raise OperationError("Học viên này chưa được đề cử làm giảng viên.")
    trainer = promote(actor, enrollment.id, certified_on=today)
    record("trainer.promote", trainer, after=snapshot(trainer, TRAINER_FIELDS), actor=actor)
    return trainer
