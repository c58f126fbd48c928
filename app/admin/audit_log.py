"""The audit log as people read it: each action in Vietnamese words, the object by name with a link, the changed
fields as "cũ → mới"; filters by user, action, object and date; the same rows as an export.

Rules:
- `ACTIONS` names every action code the app records (a test reads the code for `record("…")` and fails on a
  code without a label); an unknown code (an old row) shows as itself;
- `ENTITIES` names each table an event points at, with the page that shows one object (when there is one);
  objects are named in one query per table for the page's events (a trainer by its person's name, a class by
  its topic, …); a deleted object keeps its number;
- before/after are compared key by key: a key whose value changed is "cũ → mới", a key only after is "mới";
  values are written out in Vietnamese (Có/Không, dates dd/mm/yyyy, lists and mappings as readable text,
  never `\\u` escapes);
- the log is read only by those with `see_audit` (app/permissions.py), through `scope.scoped(AuditEvent)`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import url_for
from sqlalchemy import Select, func, select

from app.extensions import db
from app.models import (
    Activity,
    ApiClient,
    Area,
    AuditEvent,
    Certificate,
    DistrictPlan,
    Person,
    Report,
    Trainer,
    TrainingClass,
    Unit,
    User,
)
from app.scope import scoped
from app.web.formatting import vn_datetime

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

ACTIONS: dict[str, str] = {
    "activity.lead_units": "Đổi đơn vị chủ trì hoạt động",
    "activity.progress": "Cập nhật tiến độ hoạt động",
    "api.use": "Hệ thống kết nối gọi API",
    "api_client.activate": "Mở khóa hệ thống kết nối",
    "api_client.create": "Tạo hệ thống kết nối",
    "api_client.deactivate": "Khóa hệ thống kết nối",
    "api_token.issue": "Cấp mã truy cập API",
    "api_token.revoke": "Thu hồi mã truy cập API",
    "areas.cluster": "Sửa cụm địa bàn",
    "areas.crosswalk": "Nạp bảng chuyển đổi địa bàn",
    "areas.load": "Nạp bản đồ địa bàn",
    "areas.migrate": "Chuyển dữ liệu sang bản đồ mới",
    "areas.place": "Xếp bản ghi vào địa bàn mới",
    "assignment.cancel": "Hủy phân công",
    "assignment.create": "Phân công giảng viên",
    "assignment.end": "Kết thúc phân công",
    "certificate.issue": "Cấp chứng nhận",
    "certificate.revoke": "Thu hồi chứng nhận",
    "class.cancelled": "Hủy lớp học",
    "class.completed": "Kết thúc lớp học",
    "class.create": "Đăng ký lớp học",
    "class.learner_add": "Thêm học viên vào lớp",
    "class.open": "Mở tuyển sinh lớp học",
    "class.over_limit": "Cho lớp học vượt quy tắc 2–3",
    "class.results": "Ghi kết quả học",
    "class.outcomes": "Ghi kết quả áp dụng sau khóa học",
    "class.roster_import": "Nhập danh sách học viên",
    "class.running": "Bắt đầu lớp học",
    "dependency.add": "Thêm phụ thuộc giữa hoạt động",
    "dependency.remove": "Bỏ phụ thuộc giữa hoạt động",
    "dependency.update": "Sửa phụ thuộc giữa hoạt động",
    "district_plan.save": "Ghi kế hoạch của huyện",
    "enrollment.candidate": "Đề cử học viên làm giảng viên",
    "enrollment.uncandidate": "Bỏ đề cử học viên",
    "enrollment.self_assessment": "Học viên tự đánh giá sau khóa học",
    "evidence.add": "Thêm minh chứng",
    "exports.queue": "Yêu cầu tệp xuất",
    "gap.acknowledge": "Tiếp nhận cảnh báo",
    "gap.resolve": "Đóng cảnh báo",
    "learning_records.rematch": "Khớp lại kết quả học trực tuyến",
    "person.create": "Tạo hồ sơ người học",
    "person.merge": "Gộp hồ sơ trùng",
    "plan.load": "Nạp kế hoạch",
    "report.generate": "Lập báo cáo quý",
    "report_narrative.save": "Soạn nội dung báo cáo văn bản",
    "setting.set": "Đổi thiết lập",
    "target.update": "Sửa chỉ tiêu",
    "targets.denominators_import": "Nhập mẫu số chỉ tiêu",
    "trainer.create": "Thêm giảng viên",
    "trainer.import": "Nhập danh sách giảng viên",
    "trainer.move": "Chuyển người hướng dẫn",
    "trainer.promote": "Công nhận giảng viên",
    "trainer.update": "Sửa thông tin giảng viên",
    "unit.close": "Ngừng hoạt động đơn vị",
    "unit.create": "Tạo đơn vị",
    "unit.edit": "Sửa đơn vị",
    "unit.merge": "Gộp đơn vị",
    "unit.place": "Xếp hồ sơ sau khi tách đơn vị",
    "unit.split": "Tách đơn vị",
    "unit.import": "Nhập danh sách đơn vị",
    "invitation.accept": "Dùng liên kết mời / đặt lại mật khẩu",
    "invitation.batch": "Cấp liên kết mời cho nhiều giảng viên",
    "invitation.create": "Cấp liên kết mời / đặt lại mật khẩu",
    "invitation.revoke": "Thu hồi liên kết mời",
    "trainer.status": "Đổi trạng thái giảng viên",
    "user.activate": "Kích hoạt tài khoản",
    "user.create": "Tạo tài khoản",
    "user.digest_frequency": "Đổi tần suất nhận bản tin",
    "user.password_change": "Đổi mật khẩu",
    "user.password_reset": "Đặt lại mật khẩu qua liên kết",
    "user.scope": "Đổi phạm vi tài khoản theo đơn vị gộp",
    "user.update": "Sửa tài khoản",
}


@dataclass(frozen=True)
class Entity:
    label: str
    endpoint: str | None = None  # the page of one object, given its id as `arg`
    arg: str = ""


ENTITIES: dict[str, Entity] = {
    "trainers": Entity("Giảng viên", "trainers.show", "trainer_id"),
    "training_classes": Entity("Lớp học", "training.show", "class_id"),
    "persons": Entity("Người học", "people.show", "person_id"),
    "units": Entity("Đơn vị", "units.show", "unit_id"),
    "areas": Entity("Địa bàn", "areas.show", "area_id"),
    "users": Entity("Tài khoản", "admin.edit_user", "user_id"),
    "certificates": Entity("Chứng nhận", "certificates.show", "certificate_id"),
    "gaps": Entity("Cảnh báo", "gaps.detail", "gap_id"),
    "plan_activities": Entity("Hoạt động kế hoạch", "plan.activity", "activity_id"),
    "api_clients": Entity("Hệ thống kết nối", "api_admin.detail", "api_client_id"),
    "api_tokens": Entity("Mã truy cập API"),
    "assignments": Entity("Phân công"),
    "enrollments": Entity("Lượt học"),
    "reports": Entity("Báo cáo"),
    "report_narratives": Entity("Nội dung báo cáo văn bản"),
    "targets": Entity("Chỉ tiêu"),
    "settings": Entity("Thiết lập"),
    "plans": Entity("Kế hoạch"),
    "evidence": Entity("Minh chứng"),
    "district_plans": Entity("Kế hoạch huyện"),
    "activity_dependencies": Entity("Phụ thuộc giữa hoạt động"),
    "export_files": Entity("Tệp xuất"),
    "invitations": Entity("Lời mời"),
    "learning_records": Entity("Kết quả học trực tuyến"),
    "area_populations": Entity("Mẫu số chỉ tiêu"),
}

FIELDS: dict[str, str] = {
    "full_name": "Họ và tên", "name": "Tên", "short_name": "Tên viết tắt", "phone": "Số điện thoại",
    "email": "Email", "role": "Vai trò", "username": "Tên đăng nhập", "active": "Hoạt động",
    "scope_area_id": "Địa bàn phụ trách", "scope_unit_id": "Đơn vị phụ trách", "person_id": "Hồ sơ người",
    "tier": "Cấp", "mentor_id": "Người hướng dẫn", "max_level": "Bậc được dạy", "status": "Trạng thái",
    "certified_on": "Ngày công nhận", "area_id": "Địa bàn", "unit_id": "Đơn vị", "path": "Dòng đào tạo",
    "generation": "Thế hệ", "origin_class_id": "Lớp xuất thân", "trainer_id": "Giảng viên", "level": "Bậc",
    "topic": "Chủ đề", "mode": "Hình thức", "audience_group": "Đối tượng", "venue_area_id": "Địa điểm",
    "host_unit_id": "Đơn vị chủ trì", "start_on": "Ngày bắt đầu", "end_on": "Ngày kết thúc",
    "sessions": "Số buổi", "capacity": "Sĩ số dự kiến", "reason": "Lý do", "state": "Trạng thái",
    "note": "Ghi chú", "due_on": "Hạn xử lý", "classes": "Số lớp", "starts_on": "Từ ngày", "ends_on": "Đến ngày",
    "target_percent": "Mục tiêu (%)", "deadline": "Hạn hoàn thành", "percent": "Tiến độ (%)",
    "headcount": "Số cán bộ", "headcount_year": "Năm số liệu", "headcount_source": "Nguồn số liệu",
    "kind": "Loại", "parent_id": "Đơn vị cấp trên", "valid_from": "Hiệu lực từ", "valid_to": "Hiệu lực đến",
    "contact": "Liên hệ", "rows": "Số dòng", "created": "Tạo mới", "matched": "Đã khớp", "enrolled": "Ghi danh",
    "already": "Đã có trong lớp", "new": "Mới", "updated": "Cập nhật", "unchanged": "Không đổi",
    "changed": "Số thay đổi", "moved": "Số giảng viên chuyển theo", "serial": "Số hiệu", "code": "Mã",
    "issued_on": "Ngày cấp", "revoked_on": "Ngày thu hồi", "revoke_reason": "Lý do thu hồi",
    "candidate": "Ứng viên giảng viên", "score": "Điểm", "completed_on": "Ngày hoàn thành",
    "over_limit_reason": "Lý do vượt quy tắc", "cancel_reason": "Lý do hủy", "method": "Phương thức",
    "status_code": "Mã trả lời", "records": "Số bản ghi", "prefix": "Tiền tố mã", "expires_at": "Hết hạn",
    "revoked_at": "Thu hồi lúc", "can_read": "Quyền đọc", "can_ingest": "Quyền gửi", "table": "Danh sách",
    "format": "Định dạng", "filters": "Bộ lọc", "year": "Năm", "quarter": "Quý", "areas": "Số địa bàn",
    "units": "Số đơn vị", "file_name": "Tệp", "digest_frequency": "Tần suất bản tin", "number": "Số văn bản", "launched_on": "Ngày triển khai",
    "started_on": "Ngày bắt đầu thực hiện", "finished_on": "Ngày hoàn thành", "progress": "Tiến độ",
    "progress_note": "Ghi chú tiến độ", "title": "Tên", "short_title": "Tên ngắn", "opened_on": "Ngày mở lớp",
    "cancelled_on": "Ngày hủy", "search_key": "Khóa tìm kiếm", "plan_id": "Kế hoạch",
    "indicator_code": "Mã chỉ tiêu",
}


SECRET_FIELDS = {"national_id"}  # shown as elsewhere in the app (Person.masked_national_id): the last 4 digits


def _masked(value):
    text = str(value)
    return "•" * max(len(text) - 4, 0) + text[-4:]


def _safe(value):
    """`value` with every national ID masked, however deep (merges keep both persons' fields)."""
    if isinstance(value, dict):
        return {k: (_masked(v) if k in SECRET_FIELDS and v else _safe(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_safe(v) for v in value]
    return value


def action_label(code: str) -> str:
    return ACTIONS.get(code, code)


def entity_label(table: str) -> str:
    return ENTITIES[table].label if table in ENTITIES else table


def plain(value: Any) -> str:
    """A stored value written out for a reader ("Có", "02/12/2025", "a, b", "x: 1")."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, str):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*", value):
            try:
                return vn_datetime(datetime.fromisoformat(value))
            except ValueError:
                return value
        return value
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, list):
        return ", ".join(plain(v) for v in value) or "–"
    if isinstance(value, dict):
        return "; ".join(f"{FIELDS.get(k, k)}: {plain(v)}" for k, v in value.items()) or "–"
    return str(value)


def changes(before: dict | None, after: dict | None) -> list[tuple[str, str | None, str]]:
    """(field label, old value or None when there was none, new value) for each key that changed."""
    before, after = _safe(before or {}), _safe(after or {})
    rows = []
    for key in list(dict.fromkeys([*before, *after])):
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        label = FIELDS.get(key, key)
        if key not in after:
            rows.append((label, plain(old), "–"))
        else:
            rows.append((label, plain(old) if key in before else None, plain(new)))
    return rows


def json_text(value: dict | None) -> str:
    """The stored mapping as JSON text, Vietnamese kept readable (for the export)."""
    return json.dumps(_safe(value), ensure_ascii=False, sort_keys=True) if value else ""


_NAMES: dict[str, Select] = {
    "trainers": select(Trainer.id, Person.full_name).join(Person, Person.id == Trainer.person_id),
    "training_classes": select(TrainingClass.id, TrainingClass.topic),
    "persons": select(Person.id, Person.full_name),
    "units": select(Unit.id, Unit.name),
    "areas": select(Area.id, Area.name),
    "users": select(User.id, User.username),
    "certificates": select(Certificate.id, Certificate.serial),
    "api_clients": select(ApiClient.id, ApiClient.name),
    "reports": select(Report.id, Report.file_name),
    "plan_activities": select(Activity.id, func.coalesce(Activity.short_title, Activity.title)),
    "district_plans": select(DistrictPlan.id, Area.name).join(Area, Area.id == DistrictPlan.area_id),
}
_KEYS = {"trainers": Trainer.id, "training_classes": TrainingClass.id, "persons": Person.id, "units": Unit.id,
         "areas": Area.id, "users": User.id, "certificates": Certificate.id, "api_clients": ApiClient.id,
         "reports": Report.id, "plan_activities": Activity.id, "district_plans": DistrictPlan.id}


def object_names(events) -> dict[tuple[str, int], str]:
    """The name of each object the events point at, one query per table."""
    wanted: dict[str, set[int]] = {}
    for e in events:
        if e.entity in _NAMES and e.entity_id is not None:
            wanted.setdefault(e.entity, set()).add(e.entity_id)
    names = {}
    for table, ids in wanted.items():
        for key, name in db.session.execute(_NAMES[table].where(_KEYS[table].in_(ids))):
            names[(table, key)] = name
    return names


@dataclass
class Row:
    event: AuditEvent
    actor: str
    action: str
    entity: str
    name: str  # the object's name, or "#id"
    url: str | None
    changes: list[tuple[str, str | None, str]]


def rows(events, actors: dict[int, str]) -> list[Row]:
    names = object_names(events)
    out = []
    for e in events:
        entity = ENTITIES.get(e.entity)
        name = names.get((e.entity, e.entity_id))
        url = None
        if entity and entity.endpoint and e.entity_id is not None and (name is not None or e.entity not in _NAMES):
            url = url_for(entity.endpoint, **{entity.arg: e.entity_id})
        label = name if name is not None else (f"#{e.entity_id}" if e.entity_id is not None else "")
        out.append(Row(e, actors.get(e.actor_id, "Hệ thống") if e.actor_id else "Hệ thống",
                       action_label(e.action), entity_label(e.entity), label, url, changes(e.before, e.after)))
    return out


@dataclass
class Filters:
    actor_id: int | None = None
    action: str = ""
    entity: str = ""
    entity_id: int | None = None
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_args(cls, args) -> Filters:
        def day(name: str) -> date | None:
            try:
                return date.fromisoformat(args.get(name, ""))
            except ValueError:
                return None

        def number(name: str) -> int | None:  # an id of the database's range, else no filter
            value = args.get(name, type=int)
            return value if value is not None and 0 < value < 2**31 else None

        action, entity = args.get("action", ""), args.get("entity", "")
        return cls(number("actor_id"), action if action in ACTIONS else "",
                   entity if entity in ENTITIES else "", number("entity_id"), day("since"), day("until"))

    def as_args(self) -> dict[str, str]:
        return {k: str(v) for k, v in (("actor_id", self.actor_id), ("action", self.action), ("entity", self.entity),
                                        ("entity_id", self.entity_id), ("since", self.since), ("until", self.until))
                if v not in (None, "")}


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, LOCAL_TZ)


def events(user, f: Filters) -> Select:
    """The events `user` may read that pass the filters, newest first."""
    stmt = scoped(AuditEvent, user)
    if f.actor_id:
        stmt = stmt.where(AuditEvent.actor_id == f.actor_id)
    if f.action:
        stmt = stmt.where(AuditEvent.action == f.action)
    if f.entity:
        stmt = stmt.where(AuditEvent.entity == f.entity)
        if f.entity_id is not None:
            stmt = stmt.where(AuditEvent.entity_id == f.entity_id)
    if f.since:
        stmt = stmt.where(AuditEvent.at >= _start(f.since))
    if f.until:
        stmt = stmt.where(AuditEvent.at < _start(f.until + timedelta(days=1)))
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def actor_choices() -> list[tuple[int, str]]:
    """Every account that has an event, by username."""
    return list(db.session.execute(
        select(User.id, User.username).where(User.id.in_(select(AuditEvent.actor_id).distinct()))
        .order_by(func.lower(User.username))).all())

