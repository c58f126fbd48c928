"""Assignment changes: assign (by hand or from a suggestion), accept all suggestions, end, cancel.

Rules:
- the trainer and the target must both be in the user's scope (else the same message as a missing one), checked
  with `app.scope.check_choice` before anything else, for a suggestion accepted from its row too;
  the target is a commune of the working map or a unit; the trainer is active and at level
  `assignment_min_level` or above; the period ends on or after it starts; classes ≥ 1;
- capacity: running classes + classes of active assignments + the new classes may not exceed
  `classes_max_running`. The trainer row is locked first (`SELECT … FOR UPDATE`; a no-op on SQLite, whose
  writes are serialized), so two coordinators assigning the same trainer at once cannot both pass the check;
- one active assignment per trainer and target: assigning again is refused;
- only an active assignment can be ended or cancelled; every change is audited. Flush, never commit.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from app.assignments.need import active_assignment, place_ids
from app.audit import record, snapshot
from app.errors import OperationError
from app.extensions import db
from app.models import Assignment, Trainer, TrainingClass
from app.models.vocab import ASSIGNMENT_REASONS
from app.scope import check_choice, scoped, visible
from app.training.settings import plan_setting

FIELDS = ["trainer_id", "target_kind", "area_id", "unit_id", "classes", "starts_on", "ends_on", "status",
          "reason_code", "reason", "closed_on"]


def default_period(today: date) -> tuple[date, date]:
    return today, today + timedelta(days=plan_setting("assignment_period_days"))


NO_TRAINER = "Không tìm thấy giảng viên này trong phạm vi của bạn."
NO_PLACE = "Không tìm thấy xã hoặc đơn vị này trong phạm vi của bạn."


def _check_chosen(user, trainer_id, kind: str, target_id) -> None:
    check_choice(trainer_id, select(Trainer.id).where(visible(Trainer, user)), "trainer_id", NO_TRAINER)
    if not target_id:
        raise OperationError(NO_PLACE, field="target")
    check_choice(target_id, place_ids(user, kind), "target", NO_PLACE)


def _locked_trainer(user, trainer_id: int) -> Trainer:
    trainer = db.session.scalar(scoped(Trainer, user).where(Trainer.id == trainer_id).with_for_update())
    if trainer is None:
        raise OperationError(NO_TRAINER, field="trainer_id")
    if trainer.status != "active":
        raise OperationError("Giảng viên này không còn hoạt động.", field="trainer_id")
    if trainer.max_level < plan_setting("assignment_min_level"):
        raise OperationError("Giảng viên chưa đạt bậc tối thiểu để được phân công.", field="trainer_id")
    return trainer


def assign(user, trainer_id: int, kind: str, target_id: int | str, *, classes: int = 1, starts_on: date,
           ends_on: date, today: date, reason_code: str = "manual", reason: str = "") -> Assignment:
    """Create an active assignment after locking the trainer and checking scope, period and capacity."""
    if classes < 1:
        raise OperationError("Số lớp phải từ 1 trở lên.", field="classes")
    if ends_on < starts_on:
        raise OperationError("Ngày kết thúc phải từ ngày bắt đầu trở đi.", field="ends_on")
    if reason_code not in ASSIGNMENT_REASONS:
        raise OperationError("Lý do phân công không hợp lệ.", field="reason_code")
    _check_chosen(user, trainer_id, kind, target_id)
    trainer, target_id = _locked_trainer(user, int(trainer_id)), int(target_id)
    column = Assignment.area_id if kind == "area" else Assignment.unit_id
    if db.session.scalar(select(Assignment.id).where(
            Assignment.trainer_id == trainer.id, column == target_id, active_assignment(today))):
        raise OperationError("Giảng viên này đã được phân công về đây và phân công còn hiệu lực.",
                             field="target")
    allowed = plan_setting("classes_max_running")
    running = db.session.scalar(select(func.count(TrainingClass.id)).where(
        TrainingClass.trainer_id == trainer.id, TrainingClass.status == "running")) or 0
    assigned = db.session.scalar(select(func.coalesce(func.sum(Assignment.classes), 0)).where(
        Assignment.trainer_id == trainer.id, active_assignment(today))) or 0
    spare = allowed - running - int(assigned)
    if classes > spare:
        raise OperationError(
            f"Giảng viên chỉ còn nhận được {max(spare, 0)} lớp (tối đa {allowed} lớp: {running} lớp đang học, "
            f"{assigned} lớp đã được phân công).", field="classes")
    item = Assignment(trainer_id=trainer.id, target_kind=kind, area_id=target_id if kind == "area" else None,
                      unit_id=target_id if kind == "unit" else None, classes=classes, starts_on=starts_on,
                      ends_on=ends_on, status="active", reason_code=reason_code, reason=reason[:500],
                      created_by_id=getattr(user, "id", None))
    db.session.add(item)
    db.session.flush()
    record("assignment.create", item, after=snapshot(item, FIELDS))
    return item


def accept_all(user, today: date, expected: int | None = None) -> list[Assignment]:
    """Accept every current suggestion in the user's scope, recomputed now (all or nothing). With `expected`
    (the count the confirmation page stated), refused unless there are still exactly that many."""
    from app.assignments.queries import overview

    suggestions = overview(user, today).suggestions
    if expected is not None and len(suggestions) != expected:
        raise OperationError(f"Danh sách gợi ý đã thay đổi: nay có {len(suggestions)} gợi ý, không phải "
                             f"{expected} như khi bạn xác nhận. Hãy xem lại rồi xác nhận lần nữa.")
    starts_on, ends_on = default_period(today)
    return [assign(user, s.trainer_id, s.target.kind, s.target.id, classes=s.classes, starts_on=starts_on,
                   ends_on=ends_on, today=today, reason_code=s.reason_code, reason=s.why)
            for s in suggestions]


def accept(user, trainer_id: int, kind: str, target_id: int, classes: int, today: date) -> Assignment:
    """Accept one suggestion: re-read it now (the figures may have changed since the page was shown)."""
    from app.assignments.queries import overview

    _check_chosen(user, trainer_id, kind, target_id)
    suggestion = overview(user, today).pair(trainer_id, kind, target_id, classes)
    if suggestion is None or suggestion.classes < 1:
        raise OperationError("Gợi ý này không còn phù hợp: giảng viên đã hết chỗ trống hoặc nơi này đã đủ "
                             "giảng viên. Hãy xem lại danh sách gợi ý.")
    starts_on, ends_on = default_period(today)
    return assign(user, trainer_id, kind, target_id, classes=suggestion.classes, starts_on=starts_on,
                  ends_on=ends_on, today=today, reason_code=suggestion.reason_code, reason=suggestion.why)


def close(item: Assignment, status: str, today: date) -> Assignment:
    """End ('ended') or cancel ('cancelled') an active assignment."""
    if status not in ("ended", "cancelled"):
        raise OperationError("Trạng thái không hợp lệ.", field="status")
    if item.status != "active":
        raise OperationError("Phân công này đã kết thúc hoặc đã hủy.")
    before = snapshot(item, FIELDS)
    item.status = status
    item.closed_on = today
    if status == "ended" and item.ends_on > today:
        item.ends_on = max(today, item.starts_on)
    db.session.flush()
    record(f"assignment.{'end' if status == 'ended' else 'cancel'}", item, before=before,
           after=snapshot(item, FIELDS))
    return item
