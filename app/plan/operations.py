"""Changes to the stored plan: progress, dependencies, lead units, evidence, district plans.

Every operation checks its rules, changes rows, records an audit event and flushes; a refused change raises
`OperationError` naming the form field. The caller (a view, a command) checks permissions and commits.
Rules of progress:
- not started: 0% and no actual date; in progress: an actual start, no finish, under 100%;
  done: an actual finish (the progress becomes 100%);
- actual dates are not after today, and a finish is not before its start.
Rules of dependencies: both activities belong to the same plan, an activity does not depend on itself, and no
change may close a loop (`rollout.schedule` finds it; the message names the loop).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select

from app.audit import record, snapshot
from app.errors import OperationError, message_for
from app.extensions import db
from app.models import Activity, ActivityDependency, Area, DistrictPlan, Evidence, Plan, Unit, User
from app.models import activity_lead_units as links
from app.plan.domain import load_rows, to_domain
from app.plan.queries import takes_local_plan
from app.plan.uploads import StoredFile
from app.scope import check_choice
from app.timeutil import utcnow
from rollout.errors import ScheduleCycleError
from rollout.schedule import activity_graph

PROGRESS_FIELDS = ["status", "progress", "started_on", "finished_on", "progress_note"]
DISTRICT_PLAN_FIELDS = ["number", "issued_on", "launched_on", "note"]


def _not_after_today(value: dt.date | None, today: dt.date, field: str, label: str) -> None:
    if value and value > today:
        raise OperationError(f"{label} không được sau hôm nay ({today:%d/%m/%Y}).", field=field)


def update_progress(activity: Activity, data: dict, user: User | None, today: dt.date) -> Activity:
    status = data["status"]
    progress = data.get("progress")
    progress = 0 if progress is None else int(progress)
    started, finished = data.get("started_on"), data.get("finished_on")
    if not 0 <= progress <= 100:
        raise OperationError("Tiến độ là một số từ 0 đến 100.", field="progress")
    _not_after_today(started, today, "started_on", "Ngày bắt đầu")
    _not_after_today(finished, today, "finished_on", "Ngày hoàn thành")
    if status == "not_started":
        if progress:
            raise OperationError("Hoạt động chưa bắt đầu thì tiến độ là 0%.", field="progress")
        if started or finished:
            raise OperationError("Hoạt động chưa bắt đầu thì không có ngày thực hiện.", field="started_on")
    elif status == "in_progress":
        if not started:
            raise OperationError("Nhập ngày bắt đầu thực tế.", field="started_on")
        if finished:
            raise OperationError("Chỉ nhập ngày hoàn thành khi chọn trạng thái “Hoàn thành”.", field="finished_on")
        if progress >= 100:
            raise OperationError("Tiến độ 100% nghĩa là đã xong: chọn trạng thái “Hoàn thành”.", field="progress")
    elif status == "done":
        if not finished:
            raise OperationError("Nhập ngày hoàn thành thực tế.", field="finished_on")
        progress = 100
    else:
        raise OperationError("Trạng thái không hợp lệ.", field="status")
    if started and finished and finished < started:
        raise OperationError("Ngày hoàn thành không được trước ngày bắt đầu.", field="finished_on")
    before = snapshot(activity, PROGRESS_FIELDS)
    activity.status, activity.progress = status, progress
    activity.started_on, activity.finished_on = started, finished
    activity.progress_note = (data.get("note") or "").strip()
    activity.updated_at = utcnow()
    activity.updated_by_id = getattr(user, "id", None)
    db.session.flush()
    record("activity.progress", activity, before=before, after=snapshot(activity, PROGRESS_FIELDS))
    return activity


def _check_no_cycle(activity: Activity, triples: list[tuple[int, int, int]], field: str) -> None:
    rows = load_rows(db.session.get(Plan, activity.plan_id))
    try:
        activity_graph(to_domain(rows, triples))
    except ScheduleCycleError as error:
        path = " → ".join(f"HĐ {n}" for n in [*error.params["cycle"], error.params["cycle"][0]])
        raise OperationError(message_for("plan_cycle", path=path), field=field) from None


def add_dependency(successor: Activity, predecessor_id: int, lag_days: int) -> ActivityDependency:
    """`successor` starts `lag_days` after `predecessor` finishes; an existing link gets the new lag."""
    message = "Chọn một hoạt động của cùng kế hoạch."
    if not predecessor_id:
        raise OperationError(message, field="predecessor_id")
    check_choice(predecessor_id, select(Activity.id).where(Activity.plan_id == successor.plan_id), "predecessor_id",
                 message)
    predecessor = db.session.get(Activity, predecessor_id)
    if predecessor.id == successor.id:
        raise OperationError("Một hoạt động không thể phụ thuộc chính nó.", field="predecessor_id")
    if not -3660 <= lag_days <= 3660:
        raise OperationError("Độ trễ nằm trong khoảng -3660 đến 3660 ngày.", field="lag_days")
    stored = list(db.session.scalars(select(ActivityDependency)
                                     .where(ActivityDependency.plan_id == successor.plan_id)))
    existing = next((d for d in stored if d.predecessor_id == predecessor.id and d.successor_id == successor.id),
                    None)
    triples = [(d.predecessor_id, d.successor_id, d.lag_days) for d in stored if d is not existing]
    _check_no_cycle(successor, [*triples, (predecessor.id, successor.id, lag_days)], "predecessor_id")
    if existing is not None:
        before = {"lag_days": existing.lag_days}
        existing.lag_days = lag_days
        db.session.flush()
        record("dependency.update", existing, before=before, after={"lag_days": lag_days})
        return existing
    dependency = ActivityDependency(plan_id=successor.plan_id, predecessor_id=predecessor.id,
                                    successor_id=successor.id, lag_days=lag_days)
    db.session.add(dependency)
    db.session.flush()
    record("dependency.add", dependency, after={"predecessor": predecessor.number, "successor": successor.number,
                                                "lag_days": lag_days})
    return dependency


def remove_dependency(dependency: ActivityDependency) -> None:
    numbers = dict(db.session.execute(select(Activity.id, Activity.number).where(
        Activity.id.in_([dependency.predecessor_id, dependency.successor_id]))).all())
    record("dependency.remove", dependency, before={"predecessor": numbers[dependency.predecessor_id],
                                                    "successor": numbers[dependency.successor_id],
                                                    "lag_days": dependency.lag_days})
    db.session.delete(dependency)
    db.session.flush()


def set_lead_units(activity: Activity, unit_ids: list[int]) -> None:
    """The organisations (in the system) that lead the activity; their coordinators may update it."""
    check_choice(unit_ids, select(Unit.id), "unit_ids")  # steering and admin may choose any unit
    known = set(unit_ids)
    before = sorted(db.session.scalars(select(links.c.unit_id).where(links.c.activity_id == activity.id)))
    db.session.execute(delete(links).where(links.c.activity_id == activity.id))
    if known:
        db.session.execute(links.insert(), [{"activity_id": activity.id, "unit_id": u} for u in sorted(known)])
    db.session.flush()
    record("activity.lead_units", activity, before={"unit_ids": before}, after={"unit_ids": sorted(known)})


def attach_evidence(stored: StoredFile, user: User | None, *, activity: Activity | None = None,
                    district_plan: DistrictPlan | None = None, description: str = "") -> Evidence:
    """Record an uploaded file; it belongs to the uploader's unit scope, else to the subject's area."""
    if district_plan is not None:
        area_id, unit_id = district_plan.area_id, None
    elif user is not None and user.scope_unit_id:
        area_id, unit_id = None, user.scope_unit_id
    elif user is not None and user.scope_area_id:
        area_id, unit_id = user.scope_area_id, None
    else:
        area_id, unit_id = activity.area_id, None
    evidence = Evidence(activity_id=activity.id if activity else None,
                        district_plan_id=district_plan.id if district_plan else None, kind=stored.kind,
                        original_name=stored.original_name, stored_name=stored.stored_name,
                        size_bytes=stored.size_bytes, sha256=stored.sha256, description=description.strip()[:255],
                        area_id=area_id, unit_id=unit_id, uploaded_by_id=getattr(user, "id", None))
    db.session.add(evidence)
    db.session.flush()
    record("evidence.add", evidence, after={"name": stored.original_name, "kind": stored.kind,
                                            "size": stored.size_bytes, "sha256": stored.sha256})
    return evidence


def record_district_plan(district: Area, data: dict, user: User | None, today: dt.date) -> DistrictPlan:
    """Create or update the plan a district issued (number, dates); one per district."""
    if not takes_local_plan(district):
        raise OperationError("Chỉ ghi nhận kế hoạch của cấp huyện, hoặc của cấp xã khi kế hoạch tỉnh trên bản đồ "
                             "2025 tính theo xã.", field="number")
    number = (data.get("number") or "").strip()
    issued, launched = data.get("issued_on"), data.get("launched_on")
    if issued and not number:
        raise OperationError("Nhập số hiệu của kế hoạch đã ban hành.", field="number")
    _not_after_today(issued, today, "issued_on", "Ngày ban hành")
    _not_after_today(launched, today, "launched_on", "Ngày phát động")
    if launched and not issued:
        raise OperationError("Nhập ngày ban hành trước khi ghi ngày phát động.", field="issued_on")
    if launched and issued and launched < issued:
        raise OperationError("Ngày phát động không được trước ngày ban hành.", field="launched_on")
    plan = db.session.scalar(select(DistrictPlan).where(DistrictPlan.area_id == district.id))
    before = snapshot(plan, DISTRICT_PLAN_FIELDS) if plan else None
    if plan is None:
        plan = DistrictPlan(area_id=district.id)
        db.session.add(plan)
    plan.number, plan.issued_on, plan.launched_on = number[:60], issued, launched
    plan.note = (data.get("note") or "").strip()
    plan.updated_at, plan.updated_by_id = utcnow(), getattr(user, "id", None)
    db.session.flush()
    record("district_plan.save", plan, before=before, after=snapshot(plan, DISTRICT_PLAN_FIELDS))
    return plan
