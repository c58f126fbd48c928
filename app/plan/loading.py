"""Storing a validated plan (`rollout.plan.Plan`) in the database, idempotently.

Rules:
- a plan is found by (issuer, number); loading the same file again changes nothing;
- the file states the plan: title, period, phases, activities' titles, windows, units as written,
  quantities and dependencies are set from it (a dependency edited on the web is replaced by the file's);
- what happened is kept: status, progress, actual dates, evidence, and the units linked as lead units;
- an activity missing from the file is removed only if nothing happened to it yet; otherwise the load is
  refused; a dependency cycle is refused before anything is written;
- lead units written in the file are linked to the organisations whose names match (diacritics and case
  ignored, "TBXH" read as "Thương binh và Xã hội"); links are only added, never removed, by a load;
- a programme plan (of a province) gets its own targets from the file: a row per indicator it lacks
  (`app.targets.targets.seed_plan_targets`); targets already stored (edited by steering) are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import delete, exists, select

from app.audit import record
from app.errors import OperationError, message_for
from app.extensions import db
from app.models import Activity, ActivityDependency, Area, Evidence, Phase, Plan, Unit, activity_lead_units
from app.targets.targets import seed_plan_targets
from app.text import fold
from app.timeutil import utcnow
from rollout import plan as domain
from rollout.errors import PlanError, ScheduleCycleError
from rollout.schedule import compute_schedule

__all__ = ["LoadResult", "store_plan", "link_lead_units", "unit_index", "plan_error_message"]

ABBREVIATIONS = {"tbxh": "thuong binh va xa hoi", "ubnd": "uy ban nhan dan", "kcn": "khu cong nghiep",
                 "htx": "hop tac xa"}


@dataclass
class LoadResult:
    plan: Plan
    created: bool
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("phases_new", "phases_changed", "activities_new", "activities_changed", "activities_removed",
         "dependencies_added", "dependencies_removed", "dependencies_changed", "units_linked",
         "targets_seeded"), 0))

    @property
    def changed(self) -> bool:
        return self.created or any(self.counts.values())


def _area_for(plan: domain.Plan) -> Area:
    candidates = list(db.session.scalars(select(Area).where(Area.code == plan.area_code)
                                         .order_by(Area.valid_from.desc())))
    if not candidates:
        raise OperationError(f"Chưa có địa bàn mã {plan.area_code}: hãy nạp bản đồ hành chính trước "
                             "(lantoa areas load …).", field="area_code")
    valid = [a for a in candidates if a.valid_on(plan.date)]
    return valid[0] if valid else candidates[0]


def store_plan(plan: domain.Plan, source: str = "") -> LoadResult:
    """Create or update the plan and everything it states; flushes, never commits."""
    try:
        compute_schedule(plan)
    except ScheduleCycleError as error:
        raise OperationError(message_for("plan_cycle", path=_cycle_text(error.params["cycle"]))) from None
    area = _area_for(plan)
    stored = db.session.scalar(select(Plan).where(Plan.issuer == plan.issuer, Plan.number == plan.number))
    result = LoadResult(stored or Plan(), stored is None)
    row = result.plan
    values = {
        "number": plan.number, "issued_on": plan.date, "issuer": plan.issuer, "title": plan.title,
        "area_code": plan.area_code, "area_id": area.id, "period_start": plan.period.start,
        "period_end": plan.period.end, "period_text": plan.period.text,
        "levels": [_level(lv) for lv in plan.levels], "targets": [_target(t) for t in plan.targets],
    }
    plan_changed = _assign(row, values)
    if stored is None:
        row.source = source
        db.session.add(row)
        db.session.flush()
    elif plan_changed:
        row.source = source
    phases = _store_phases(row, plan, result)
    activities = _store_activities(row, plan, phases, result)
    _store_dependencies(row, plan, activities, result)
    index = unit_index()
    result.counts["units_linked"] = sum(link_lead_units(a, index) for a in activities.values())
    if area.level == "province":
        result.counts["targets_seeded"] = seed_plan_targets(row)
    if result.changed or plan_changed:
        row.loaded_at = utcnow()
        record("plan.load", row, after={"source": source, "created": result.created, **result.counts})
    return result


def _assign(obj, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name, None) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _store_phases(row: Plan, plan: domain.Plan, result: LoadResult) -> dict[int, Phase]:
    stored = {p.number: p for p in db.session.scalars(select(Phase).where(Phase.plan_id == row.id))}
    for phase in plan.phases:
        obj = stored.get(phase.number)
        if obj is None:
            obj = stored[phase.number] = Phase(plan_id=row.id, number=phase.number)
            db.session.add(obj)
            result.counts["phases_new"] += 1
            _assign(obj, _phase_values(phase))
        elif _assign(obj, _phase_values(phase)):
            result.counts["phases_changed"] += 1
    wanted = {p.number for p in plan.phases}
    for number in [n for n in stored if n not in wanted]:
        db.session.delete(stored.pop(number))
    db.session.flush()
    return stored


def _phase_values(phase: domain.Phase) -> dict:
    return {"name": phase.name, "start_on": phase.window.start, "end_on": phase.window.end,
            "window_text": phase.window.text, "content": list(phase.content)}


def _store_activities(row: Plan, plan: domain.Plan, phases: dict[int, Phase],
                      result: LoadResult) -> dict[int, Activity]:
    stored = {a.number: a for a in db.session.scalars(select(Activity).where(Activity.plan_id == row.id))}
    for activity in plan.activities:
        values = {
            "title": activity.title, "short_title": activity.short_title or None, "lead_units": list(activity.lead_units),
            "coordinating_units": list(activity.coordinating_units),
            "phase_id": phases[activity.phase].id if activity.phase is not None else None,
            "start_on": activity.window.start, "end_on": activity.window.end,
            "window_text": activity.window.text, "quantities": dict(activity.quantities),
        }
        obj = stored.get(activity.number)
        if obj is None:
            obj = stored[activity.number] = Activity(plan_id=row.id, number=activity.number, area_id=row.area_id,
                                                     status="not_started", progress=0, progress_note="")
            db.session.add(obj)
            _assign(obj, values)
            result.counts["activities_new"] += 1
        elif _assign(obj, values):
            result.counts["activities_changed"] += 1
    wanted = {a.number for a in plan.activities}
    for number in sorted(n for n in stored if n not in wanted):
        obj = stored.pop(number)
        has_files = db.session.scalar(select(exists().where(Evidence.activity_id == obj.id)))
        if obj.status != "not_started" or has_files:
            raise OperationError(f"Hoạt động {number} không còn trong tệp nhưng đã có tiến độ hoặc minh chứng; "
                                 "không thể xóa khi nạp lại kế hoạch.", field="activities")
        db.session.delete(obj)
        result.counts["activities_removed"] += 1
    db.session.flush()
    return stored


def _store_dependencies(row: Plan, plan: domain.Plan, activities: dict[int, Activity],
                        result: LoadResult) -> None:
    by_id = {a.id: n for n, a in activities.items()}
    stored = {(by_id[d.predecessor_id], by_id[d.successor_id]): d for d in db.session.scalars(
        select(ActivityDependency).where(ActivityDependency.plan_id == row.id))}
    wanted = {(d.predecessor, d.successor): d.lag_days for d in plan.dependencies}
    for key, lag in wanted.items():
        dep = stored.get(key)
        if dep is None:
            db.session.add(ActivityDependency(plan_id=row.id, predecessor_id=activities[key[0]].id,
                                              successor_id=activities[key[1]].id, lag_days=lag))
            result.counts["dependencies_added"] += 1
        elif dep.lag_days != lag:
            dep.lag_days = lag
            result.counts["dependencies_changed"] += 1
    gone = [dep.id for key, dep in stored.items() if key not in wanted]
    if gone:
        db.session.execute(delete(ActivityDependency).where(ActivityDependency.id.in_(gone)))
        result.counts["dependencies_removed"] += len(gone)
    db.session.flush()


def _unit_key(name: str) -> str:
    words = fold(name).replace(" - ", " ").split()
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)


def unit_index() -> dict[str, list[int]]:
    """Organisations by name key (see :func:`_unit_key`)."""
    index: dict[str, list[int]] = {}
    for unit_id, name in db.session.execute(select(Unit.id, Unit.name).order_by(Unit.id)):
        index.setdefault(_unit_key(name), []).append(unit_id)
    return index


def link_lead_units(activity: Activity, index: dict[str, list[int]] | None = None) -> int:
    """Link the organisations named as lead units (by name); returns how many links were added."""
    index = unit_index() if index is None else index
    wanted = {unit_id for name in activity.lead_units for unit_id in index.get(_unit_key(name), ())}
    linked = set(db.session.scalars(select(activity_lead_units.c.unit_id)
                                    .where(activity_lead_units.c.activity_id == activity.id)))
    added = sorted(wanted - linked)
    if added:
        db.session.execute(activity_lead_units.insert(),
                           [{"activity_id": activity.id, "unit_id": unit_id} for unit_id in added])
    return len(added)


def _cycle_text(cycle: list[int]) -> str:
    return " → ".join(f"HĐ {n}" for n in [*cycle, cycle[0]])


def _level(level: domain.LevelSpec) -> dict:
    return {"number": level.number, "name": level.name, "content": list(level.content), "outcome": level.outcome}


def _target(target: domain.TargetSpec) -> dict:
    return {"code": target.code, "text": target.text, "denominator": target.denominator,
            "deadline": target.deadline.isoformat(),
            "indicators": [{"code": i.code, "percent": i.percent, "label": i.label} for i in target.indicators]}


_REASONS = [
    (r"required", "bắt buộc phải có"),
    (r"unknown field", "không có trong định dạng (sai tên trường?)"),
    (r"must be a mapping", "phải là một bảng khóa: giá trị"),
    (r"must be a non-empty string", "phải là một chuỗi không rỗng"),
    (r"must be an integer", "phải là số nguyên"),
    (r"must be at least (.+)", r"phải lớn hơn hoặc bằng \1"),
    (r"must be a number", "phải là một số"),
    (r"must be in \((.+), (.+)\]", r"phải lớn hơn \1 và không quá \2"),
    (r"must be a non-empty list of strings", "phải là danh sách chuỗi, không rỗng"),
    (r"must be a non-empty list", "phải là danh sách không rỗng"),
    (r"must be a date without a time", "phải là ngày, không kèm giờ"),
    (r"must be a date YYYY-MM-DD or a month YYYY-MM", "phải là ngày YYYY-MM-DD hoặc tháng YYYY-MM"),
    (r"must be a date YYYY-MM-DD", "phải là ngày YYYY-MM-DD"),
    (r"is before start", "sớm hơn ngày bắt đầu"),
    (r"lies outside the plan period", "nằm ngoài thời gian của kế hoạch (period)"),
    (r"duplicate (.+)", r"bị trùng (\1)"),
    (r"no phase (\d+)", r"không có giai đoạn \1"),
    (r"an activity cannot depend on itself", "một hoạt động không thể phụ thuộc chính nó"),
    (r"no activity (\d+)", r"không có hoạt động \1"),
    (r"unsupported version (\d+); expected (\d+)", r"phiên bản \1 không được hỗ trợ (chỉ có \2)"),
    (r"unsupported extension; use \.yaml, \.yml or \.json", "chỉ nhận tệp .yaml, .yml hoặc .json"),
    (r"the document must be a mapping", "nội dung phải là một bảng khóa: giá trị"),
    (r"cannot read: (.+)", r"lỗi đọc tệp (\1)"),
]


def _reason(text: str) -> str:
    for pattern, vietnamese in _REASONS:
        match = re.fullmatch(pattern, text)
        if match:
            return match.expand(vietnamese)
    return text


def plan_error_message(error: PlanError) -> str:
    """The Vietnamese message of a plan file error, naming the field (or file) at fault."""
    params = error.params
    if error.code == "invalid_field":
        return message_for("invalid_field", field=params["field"], reason=_reason(params["reason"]))
    if error.code == "plan_file":
        return message_for("plan_file", path=params["path"], reason=_reason(params["reason"]))
    return message_for(error.code, **params)
