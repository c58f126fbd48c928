"""Changing classes: registration, status transitions, results, whole-class completion.

Rules:
- a class is registered as planned by its trainer, or by a coordinator on behalf of a trainer in
  their scope; its level may not exceed the trainer's `max_level`; its venue must lie in the
  registering user's venue scope (`scope.venue_scope_path`); its trainer, venue and host unit are
  ids the user may choose (`queries.trainer_ids`, `venue_ids`, `host_unit_ids`), checked with
  `app.scope.check_choice` before anything is written; the end is not before the start;
- status runs planned → open → running → completed, and any but completed may be cancelled;
  each transition stores its date; cancelling needs a reason;
- the 2–3 rule: starting a class while its trainer already runs `classes_max_running` classes
  warns and needs a reason, stored on the class and in the audit trail;
- opening a class earns its trainer the class-opened points; a learner's completion earns the
  trainer points and issues the learner's certificate of the class's level;
- results (completion and score) are recorded while the class runs or after it completed;
  completing the whole class marks every learner not dropped as completed;
- one-step completion (`complete_class`, the class page's "Kết thúc lớp"): from any status but cancelled, on a
  day between the class's start and today, for every learner still enrolled or for the chosen enrolments of the
  class (`check_choice` on the class's enrolments); unchosen learners stay as they are unless `drop_others`
  marks the ones still enrolled as dropped; a class never opened or started gets those dates on its start;
- a completion is dated the day it is recorded (the chosen day, or today for the lifecycle button and the
  results table), never the planned end, and the certificate it issues carries that same date.
- outcomes (`record_outcomes`, "áp dụng được" on each learner's card): per completed enrolment of the class, can
  the learner apply what they learned — unset (chưa ghi, the default), yes or no —, dated the day it is recorded;
  only the class's own enrolments (`check_choice`), only completed learners get a yes or a no (a completion in
  the same request counts: the one-step completion records them after completing).
Operations flush, never commit; the view commits once.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, func, select, update

from app.audit import record, snapshot
from app.certificates.operations import issue_for_class
from app.errors import OperationError
from app.extensions import db
from app.models import Enrollment, Trainer, TrainingClass
from app.rankings.ledger import award, award_many
from app.scope import check_choice
from app.training.queries import host_unit_ids, trainer_ids, venue_ids
from app.training.settings import plan_setting
from app.web.formatting import vn_date

CLASS_FIELDS = ["trainer_id", "level", "topic", "mode", "audience_group", "venue_area_id", "host_unit_id",
                "start_on", "end_on", "sessions", "capacity", "status"]
NEXT = {"planned": "open", "open": "running", "running": "completed"}
DATE_OF = {"open": "opened_on", "running": "started_on", "completed": "completed_on", "cancelled": "cancelled_on"}


def chosen_trainer(user, trainer_id) -> Trainer:
    """The trainer a coordinator chose on the class form (searched by name or phone: "Tên — Địa bàn (#id)", an id
    or a phone), if they may choose them."""
    from app.network.queries import resolve_trainer

    message = "Vui lòng chọn giảng viên trong phạm vi của bạn."
    trainer_id = resolve_trainer(str(trainer_id) if trainer_id is not None else "", "trainer_id", message)
    if not trainer_id:
        raise OperationError(message, field="trainer_id")
    check_choice(trainer_id, trainer_ids(user), "trainer_id", message)
    return db.session.get(Trainer, int(trainer_id))


def check_class_data(data: dict, trainer: Trainer, user) -> None:
    if trainer.status != "active":
        raise OperationError("Giảng viên này không còn hoạt động, không thể mở lớp.", field="trainer_id")
    if data["level"] > trainer.max_level:
        raise OperationError(
            f"Giảng viên chỉ được dạy đến Bậc {trainer.max_level}; không thể mở lớp Bậc {data['level']}.",
            field="level")
    if not data.get("venue_area_id"):
        raise OperationError("Vui lòng chọn xã, phường nơi mở lớp.", field="venue_area_id")
    check_choice(data["venue_area_id"], venue_ids(user, trainer), "venue_area_id",
                 "Địa điểm này nằm ngoài địa bàn được phép mở lớp.")
    check_choice(data.get("host_unit_id"), host_unit_ids(user), "host_unit_id",
                 "Đơn vị chủ trì nằm ngoài phạm vi của bạn.")
    if data.get("start_on") and data.get("end_on") and data["end_on"] < data["start_on"]:
        raise OperationError("Ngày kết thúc không được trước ngày bắt đầu.", field="end_on")


def register_class(data: dict, trainer: Trainer, user) -> TrainingClass:
    """Create a planned class for `trainer` from form data."""
    check_class_data(data, trainer, user)
    training_class = TrainingClass(
        trainer_id=trainer.id, level=data["level"], topic=(data.get("topic") or "").strip()[:200],
        mode=data["mode"], audience_group=data["audience_group"], venue_area_id=data["venue_area_id"],
        host_unit_id=data.get("host_unit_id") or None, start_on=data.get("start_on"), end_on=data.get("end_on"),
        sessions=data.get("sessions") or None, capacity=data.get("capacity") or None, status="planned",
    )
    db.session.add(training_class)
    db.session.flush()
    record("class.create", training_class, after=snapshot(training_class, CLASS_FIELDS))
    return training_class


def running_count(trainer_id: int, excluding: int | None = None) -> int:
    stmt = select(func.count(TrainingClass.id)).where(TrainingClass.trainer_id == trainer_id,
                                                       TrainingClass.status == "running")
    if excluding is not None:
        stmt = stmt.where(TrainingClass.id != excluding)
    return db.session.scalar(stmt) or 0


def transition(training_class: TrainingClass, to: str, today: date, reason: str | None = None) -> TrainingClass:
    """Move a class one step along its lifecycle (or cancel it), dating the change."""
    current = training_class.status
    reason = (reason or "").strip()
    if to == "cancelled":
        if current in ("completed", "cancelled"):
            raise OperationError("Lớp đã kết thúc hoặc đã hủy, không thể hủy.", field="to")
        if not reason:
            raise OperationError("Vui lòng nêu lý do hủy lớp.", field="reason")
    elif NEXT.get(current) != to:
        raise OperationError("Không thể chuyển lớp sang trạng thái này từ trạng thái hiện tại.", field="to")
    before = snapshot(training_class, ["status", "over_limit_reason", "cancel_reason"])
    if to == "running":
        limit = plan_setting("classes_max_running")
        if running_count(training_class.trainer_id, training_class.id) >= limit:
            if not reason:
                raise OperationError(
                    f"Giảng viên đã có {limit} lớp đang học (quy tắc 2–3). Nêu lý do để mở thêm lớp.",
                    field="reason", code="over_limit")
            training_class.over_limit_reason = reason[:500]
    if to == "cancelled":
        training_class.cancel_reason = reason[:500]
    if to == "completed":
        check_completion_day(training_class, today, today, field="to")
        _complete_learners(training_class, today)
    training_class.status = to
    setattr(training_class, DATE_OF[to], today)
    db.session.flush()
    if to == "open":
        trainer = db.session.get(Trainer, training_class.trainer_id)
        award("class_opened", training_class.id, trainer.person_id, today, trainer_id=trainer.id,
              area_id=training_class.venue_area_id)
    record("class.over_limit" if training_class.over_limit_reason and to == "running" else f"class.{to}",
           training_class, before=before,
           after=snapshot(training_class, ["status", "over_limit_reason", "cancel_reason"]))
    return training_class


def check_completion_day(training_class: TrainingClass, day: date | None, today: date,
                         field: str = "completed_on") -> date:
    """The day learners complete on: given, not after today, not before the class's start."""
    if day is None:
        raise OperationError("Vui lòng chọn ngày hoàn thành.", field=field)
    if day > today:
        raise OperationError(f"Ngày hoàn thành ({vn_date(day)}) không được sau hôm nay ({vn_date(today)}).",
                             field=field)
    start = training_class.start_on or training_class.started_on
    if start and day < start:
        raise OperationError(f"Ngày hoàn thành ({vn_date(day)}) không được trước ngày bắt đầu lớp "
                             f"({vn_date(start)}).", field=field)
    return day


def _complete_learners(training_class: TrainingClass, day: date, enrollment_ids: list[int] | None = None) -> int:
    """Learners complete on `day`: every one still enrolled, or the chosen enrolments not yet completed."""
    stmt = update(Enrollment).where(Enrollment.class_id == training_class.id)
    if enrollment_ids is None:
        stmt = stmt.where(Enrollment.status == "enrolled")
    else:
        stmt = stmt.where(Enrollment.id.in_(enrollment_ids), Enrollment.status != "completed")
    done = db.session.execute(
        stmt.values(status="completed", completed_on=day).returning(Enrollment.id)
        .execution_options(synchronize_session=False)
    ).scalars().all()
    _after_completion(training_class, day, list(done))
    return len(done)


def _after_completion(training_class: TrainingClass, day: date, enrollment_ids: list[int] | None = None) -> None:
    """Points and certificates for the class's completed learners (those of `enrollment_ids` when given), dated
    `day`; both are once only, so learners completed before get nothing twice."""
    stmt = select(Enrollment.id, Enrollment.person_id).where(Enrollment.class_id == training_class.id,
                                                             Enrollment.status == "completed")
    if enrollment_ids is not None:
        if not enrollment_ids:
            return
        stmt = stmt.where(Enrollment.id.in_(enrollment_ids))
    done = db.session.execute(stmt).all()
    trainer = db.session.get(Trainer, training_class.trainer_id)
    award_many("learner_completed", [{"source_id": eid, "person_id": trainer.person_id, "trainer_id": trainer.id,
                                      "area_id": training_class.venue_area_id} for eid, _ in done], day)
    issue_for_class(training_class, [pid for _, pid in done], day)


def class_enrollment_ids(training_class: TrainingClass):
    """The enrolments a form about this class may name (a SELECT of one id column, for `check_choice`)."""
    return select(Enrollment.id).where(Enrollment.class_id == training_class.id)


def complete_class(training_class: TrainingClass, day: date | None, today: date,
                   enrollment_ids: list[int] | None = None, drop_others: bool = False) -> int:
    """One-step completion from the class page; returns the number of learners completed now.

    `enrollment_ids` None: every learner still enrolled; a list: those enrolments (of this class only), which may
    include learners marked dropped; `drop_others`: the learners still enrolled that were not chosen are dropped.
    """
    if training_class.status == "cancelled":
        raise OperationError("Lớp đã hủy, không thể kết thúc.", field="completed_on")
    if training_class.trainer_id is None:
        raise OperationError("Lớp trực tuyến hoàn thành theo kết quả học gửi qua API.", field="completed_on")
    check_completion_day(training_class, day, today)
    if enrollment_ids is not None:
        if not enrollment_ids:
            raise OperationError("Vui lòng chọn ít nhất một học viên đã hoàn thành.", field="enrollment_ids")
        if any(i <= 0 for i in enrollment_ids):  # 0 means "nothing" to check_choice; here it names no learner
            raise OperationError("Học viên không thuộc lớp này.", field="enrollment_ids")
        check_choice(enrollment_ids, class_enrollment_ids(training_class), "enrollment_ids",
                     "Học viên không thuộc lớp này.")
    before = snapshot(training_class, ["status", "opened_on", "started_on", "completed_on"])
    completed = _complete_learners(training_class, day, enrollment_ids)
    dropped = 0
    if drop_others and enrollment_ids is not None:
        dropped = db.session.execute(
            update(Enrollment).where(Enrollment.class_id == training_class.id, Enrollment.status == "enrolled",
                                     Enrollment.id.notin_(enrollment_ids))
            .values(status="dropped").execution_options(synchronize_session=False)
        ).rowcount
    if completed == 0 and training_class.status == "completed" and not dropped:
        raise OperationError("Không còn học viên nào chưa hoàn thành trong số đã chọn." if enrollment_ids is not None
                             else "Lớp không còn học viên nào đang học.", field="enrollment_ids")
    if training_class.status != "completed":
        begun = min(training_class.start_on or day, day)
        never_opened = training_class.opened_on is None
        training_class.opened_on = training_class.opened_on or begun
        training_class.started_on = training_class.started_on or begun
        training_class.completed_on = day
        training_class.status = "completed"
        db.session.flush()
        if never_opened:
            trainer = db.session.get(Trainer, training_class.trainer_id)
            award("class_opened", training_class.id, trainer.person_id, training_class.opened_on,
                  trainer_id=trainer.id, area_id=training_class.venue_area_id)
    record("class.completed", training_class, before=before,
           after={**snapshot(training_class, ["status", "opened_on", "started_on", "completed_on"]),
                  "learners_completed": completed, "learners_dropped": dropped,
                  "chosen": "all" if enrollment_ids is None else len(enrollment_ids)})
    return completed


def record_results(training_class: TrainingClass, results: dict[int, tuple[str, float | None]],
                   today: date) -> int:
    """Set status and score per enrolment id; completions issue certificates. Returns rows changed."""
    if training_class.status not in ("running", "completed"):
        raise OperationError("Chỉ ghi kết quả khi lớp đang học hoặc đã kết thúc.", field="results")
    check_choice(list(results), select(Enrollment.id).where(Enrollment.class_id == training_class.id), "results",
                 "Học viên không thuộc lớp này.")
    mine = dict(db.session.execute(
        select(Enrollment.id, Enrollment.status).where(Enrollment.id.in_(list(results)))
    ).all()) if results else {}
    changes = []
    for eid, (status, score) in results.items():
        if eid not in mine:  # 0 or a negative number: no enrolment at all
            raise OperationError("Học viên không thuộc lớp này.", field="results")
        if status not in ("enrolled", "completed", "dropped"):
            raise OperationError("Trạng thái không hợp lệ.", field="results")
        if score is not None and not 0 <= score <= 100:
            raise OperationError("Điểm phải từ 0 đến 100.", field="results")
        if mine[eid] == "completed" and status != "completed":
            raise OperationError("Học viên đã hoàn thành (đã cấp chứng nhận), không thể đổi trạng thái.",
                                 field="results")
        newly = status == "completed" and mine[eid] != "completed"
        if newly:
            check_completion_day(training_class, today, today, field="results")
        changes.append({"eid": eid, "st": status, "sc": score, "co": today if newly else None, "new": newly})
    if changes:
        table = Enrollment.__table__
        target = update(table).where(table.c.id == bindparam("eid"))
        kept = [{"eid": c["eid"], "st": c["st"], "sc": c["sc"]} for c in changes if not c["new"]]
        new = [{"eid": c["eid"], "st": c["st"], "sc": c["sc"], "co": c["co"]} for c in changes if c["new"]]
        if kept:  # a learner completed before keeps their completion date
            db.session.execute(target.values(status=bindparam("st"), score=bindparam("sc")), kept)
        if new:
            db.session.execute(target.values(status=bindparam("st"), score=bindparam("sc"),
                                             completed_on=bindparam("co")), new)
        _after_completion(training_class, today, [c["eid"] for c in changes if c["new"]])
        record("class.results", training_class, after={"changed": len(changes)})
    return len(changes)


def check_outcome_ids(training_class: TrainingClass, outcomes: dict[int, bool | None]) -> None:
    """The enrolments named by posted outcomes are the class's own (before anything is written)."""
    if any(i <= 0 for i in outcomes):
        raise OperationError("Học viên không thuộc lớp này.", field="applies")
    if outcomes:
        check_choice(list(outcomes), class_enrollment_ids(training_class), "applies", "Học viên không thuộc lớp này.")


def record_outcomes(training_class: TrainingClass, outcomes: dict[int, bool | None], today: date) -> int:
    """Store "áp dụng được" per enrolment id (None clears it); returns the number of enrolments changed."""
    if not outcomes:
        return 0
    check_outcome_ids(training_class, outcomes)
    rows = db.session.execute(select(Enrollment.id, Enrollment.status, Enrollment.applies)
                              .where(Enrollment.id.in_(list(outcomes)))).all()
    changes = []
    for eid, status, current in rows:
        value = outcomes[eid]
        if value == current:
            continue
        if value is not None and status != "completed":
            raise OperationError("Chỉ ghi “Áp dụng được” cho học viên đã hoàn thành.", field="applies")
        changes.append({"eid": eid, "ap": value, "on": today if value is not None else None})
    if changes:
        table = Enrollment.__table__
        db.session.execute(update(table).where(table.c.id == bindparam("eid"))
                           .values(applies=bindparam("ap"), applies_on=bindparam("on")), changes)
        record("class.outcomes", training_class, after={
            "changed": len(changes), "yes": sum(c["ap"] is True for c in changes),
            "no": sum(c["ap"] is False for c in changes), "unset": sum(c["ap"] is None for c in changes)})
    return len(changes)
