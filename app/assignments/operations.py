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
- suggestions are accepted from the stored ones of the user's scope (`app.assignments.suggestions`), checked
  against the target's shortfall of now and (in `assign`) the trainer's capacity under the lock: a stale
  suggestion is refused with a message saying to compute them again ("Tính lại");
- every assignment made, ended or cancelled marks the stored suggestions of the scopes it touches stale;
- only an active assignment can be ended or cancelled; every change is audited. Flush, never commit.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from app.assignments.need import active_assignment, place_ids
from app.assignments.suggestions import assignment_changed
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
           ends_on: date, today: date, reason_code: str = "manual", reason: str = "",
           accepted: bool = False) -> Assignment:
    """Create an active assignment after locking the trainer and checking scope, period and capacity; the stored
    suggestions it changes are marked stale (`accepted`: taken out of the user's own row instead)."""
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
    assignment_changed(trainer.id, kind, target_id, accepted_by=user if accepted else None, classes=classes)
    return item


RECOMPUTE = "Bấm “Tính lại” để có gợi ý mới."


def _stale(message: str) -> OperationError:
    return OperationError(f"Gợi ý này đã cũ, chưa phân công: {message} {RECOMPUTE}")


def _accept_stored(user, s, today: date, shortfall: int) -> Assignment:
    """Assign one stored suggestion after checking the target's shortfall now; the trainer's capacity is
    checked by `assign` under the row lock. A stale suggestion is refused, never over-assigned."""
    if s.classes > shortfall:
        raise _stale(f"{s.target.name} nay chỉ còn thiếu {shortfall} chỗ giảng viên, gợi ý là {s.classes} lớp.")
    starts_on, ends_on = default_period(today)
    try:
        return assign(user, s.trainer_id, s.target.kind, s.target.id, classes=s.classes, starts_on=starts_on,
                      ends_on=ends_on, today=today, reason_code=s.reason_code, reason=s.why, accepted=True)
    except OperationError as error:
        raise _stale(f"{s.trainer_name} về {s.target.name}: {error.message}") from error


def accept_all(user, today: date, expected: int | None = None) -> list[Assignment]:
    """Accept every stored suggestion of the user's scope (all or nothing: the caller rolls back on a refusal).
    With `expected` (the count the confirmation page stated), refused unless there are still exactly that many;
    each is checked against the capacity and shortfall of now."""
    from app.assignments.suggestions import live_shortfalls, stored

    found = stored(user, today)
    suggestions = found.suggestions if found else []
    if expected is not None and len(suggestions) != expected:
        raise OperationError(f"Danh sách gợi ý đã thay đổi: nay có {len(suggestions)} gợi ý, không phải "
                             f"{expected} như khi bạn xác nhận. Hãy xem lại rồi xác nhận lần nữa.")
    left = live_shortfalls(list({s.target.key: s.target for s in suggestions}.values()), today)
    made = []
    for s in suggestions:
        _check_chosen(user, s.trainer_id, s.target.kind, s.target.id)
        made.append(_accept_stored(user, s, today, left[s.target.key]))
        left[s.target.key] -= s.classes
    return made


def accept(user, trainer_id: int, kind: str, target_id: int, classes: int, today: date) -> Assignment:
    """Accept one stored suggestion of the user's scope, checked against the capacity and shortfall of now."""
    from app.assignments.suggestions import live_shortfalls, stored

    _check_chosen(user, trainer_id, kind, target_id)
    found = stored(user, today)
    suggestion = found.find(int(trainer_id), kind, int(target_id)) if found else None
    if suggestion is None or suggestion.classes != classes:
        raise OperationError("Gợi ý này không còn trong danh sách gợi ý: danh sách đã được tính lại. "
                             "Hãy xem lại danh sách gợi ý.")
    return _accept_stored(user, suggestion, today, live_shortfalls([suggestion.target], today)[suggestion.target.key])


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
    assignment_changed(item.trainer_id, item.target_kind, item.target_id)
    return item
