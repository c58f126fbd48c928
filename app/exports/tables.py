"""What each export holds: the columns and the rows of one list, read with the list page's own query.

Rules:
- every table starts from the list page's query builder (same scope, same filters) and only re-selects
  plain columns from its WHERE clause and ORDER BY, so exports match the page;
- a table holds a statement of plain columns (never ORM objects) and reads nothing until its rows are iterated:
  a streamed CSV body runs after the view has returned and the request boundary (app/web/boundary.py) may have
  committed or rolled back the session, so a result opened in the view would be read empty, and ORM objects
  would be expired; `rows()` opens its own result when the body runs (`yield_per`), and `batches()` reads the
  same rows a batch of keys at a time (the background export commits its progress between batches; the keys read
  first bound the number of rows, which the xlsx writer needs before it starts: `app.exports.writers.write_book`);
- `key` is a column unique per row (the listed record's id), used by `count()` and `batches()`;
- trainers and learners begin with exactly the import templates' columns (app/network/imports.py COLUMNS,
  app/training/roster.py COLUMNS), so an export can be imported again; extra columns come after and imports
  ignore them. Phones are written 0xxxxxxxxx; the national ID number is never exported in full (the project
  shows it masked), so its column stays empty and rows are matched by phone;
- a table the user may not see (`may`, app/permissions.py) answers None (the route turns it into 404).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from app.assignments.queries import assignment_list
from app.certificates.queries import certificate_filters, certificate_list
from app.extensions import db
from app.models import Area, Assignment, Certificate, Enrollment, Gap, Person, Trainer, TrainingClass, Unit
from app.models.vocab import (
    ASSIGNMENT_REASONS,
    ASSIGNMENT_STATUSES,
    ASSIGNMENT_TARGETS,
    AUDIENCE_GROUPS,
    CLASS_MODES,
    CLASS_STATUSES,
    ENROLLMENT_STATUSES,
    GENDERS,
    TRAINER_STATUSES,
    TRAINER_TIERS,
)
from app.network.imports import COLUMNS as TRAINER_IMPORT_COLUMNS
from app.people.queries import person_list
from app.permissions import may
from app.reports.tables import Column
from app.scope import visible
from app.trainers.queries import trainer_filters, trainer_list
from app.training.queries import class_list
from app.training.roster import COLUMNS as ROSTER_COLUMNS
from app.training.workplace import label as workplace_label

BATCH = 2000
# each list's file name (without extension) and sheet title
LIST_FILES = {"trainers": ("giang-vien", "Giảng viên"), "classes": ("lop-hoc", "Lớp học"),
              "learners": ("hoc-vien", "Học viên"), "certificates": ("chung-nhan", "Chứng nhận"),
              "assignments": ("phan-cong", "Phân công"), "gaps": ("canh-bao", "Cảnh báo"),
              "units": ("don-vi", "Đơn vị")}


@dataclass
class ExportTable:
    name: str  # file name without extension
    title: str  # sheet name
    columns: list[Column]
    stmt: Select  # plain columns, in the list's order
    key: ColumnElement  # unique per row
    cells: Callable[[Sequence], list]  # one result row -> the row's cells

    def rows(self) -> Iterator[list]:
        """The rows, read only now, `BATCH` at a time from one result."""
        for row in db.session.execute(self.stmt.execution_options(yield_per=BATCH)):
            yield self.cells(row)

    def count(self) -> int:
        return db.session.scalar(select(func.count()).select_from(self.stmt.with_only_columns(self.key).subquery()))

    def keys(self) -> array:
        """Every row's key, in the list's order (8 bytes a row)."""
        return array("q", db.session.scalars(self.stmt.with_only_columns(self.key)))

    def batches(self, size: int = BATCH, keys: array | None = None) -> Iterator[list[list]]:
        """The same rows in the same order, in lists of `size`, each read by its own query (keys read first, or
        `keys` from `keys()`: then no more rows than keys, a row gone meanwhile left out)."""
        keys = self.keys() if keys is None else keys
        for start in range(0, len(keys), size):
            chunk = keys[start:start + size].tolist()
            found = {row[-1]: row for row in db.session.execute(
                self.stmt.add_columns(self.key.label("export_key")).where(self.key.in_(chunk)))}
            yield [self.cells(found[key]) for key in chunk if key in found]


def local_phone(phone: str | None) -> str:
    return "0" + phone[3:] if phone and phone.startswith("+84") else (phone or "")


def _reselect(list_stmt: Select, *columns) -> Select:
    """The list's rows (its FROM, WHERE and ORDER BY) as plain columns."""
    stmt = select(*columns).select_from(*list_stmt.get_final_froms())
    if list_stmt.whereclause is not None:
        stmt = stmt.where(list_stmt.whereclause)
    return stmt.order_by(*list_stmt._order_by_clauses)


def _date_kind(key: str) -> str:
    return "date" if key == "certified_on" else (
        "int" if key in ("max_level", "trainer_code", "mentor_code") else "text")


TRAINER_COLUMNS = [Column(header, _date_kind(key), 20) for key, header in TRAINER_IMPORT_COLUMNS] + [
    Column("Tên địa bàn", width=24), Column("Thế hệ", "int", 8), Column("Trạng thái", width=14)]


def trainers(user, args) -> ExportTable:
    base = trainer_list(user, **trainer_filters(args))
    mentor, mentor_person = aliased(Trainer), aliased(Person)
    stmt = (_reselect(base, Person.full_name, Person.phone, mentor_person.phone, Trainer.tier, Trainer.max_level,
                      Area.code, Unit.name, Trainer.certified_on, Trainer.id, Trainer.mentor_id, Area.name,
                      Trainer.generation, Trainer.status)
            .join(Person, Person.id == Trainer.person_id).outerjoin(mentor, mentor.id == Trainer.mentor_id)
            .outerjoin(mentor_person, mentor_person.id == mentor.person_id)
            .outerjoin(Area, Area.id == Trainer.area_id).outerjoin(Unit, Unit.id == Trainer.unit_id))
    return ExportTable(*LIST_FILES["trainers"], TRAINER_COLUMNS, stmt, Trainer.id, lambda r: [
        r[0], local_phone(r[1]), "", local_phone(r[2]), TRAINER_TIERS[r[3]], r[4], r[5], r[6], r[7], r[8], r[9],
        r[10], r[11], TRAINER_STATUSES[r[12]]])


CLASS_COLUMNS = [
    Column("Mã lớp", "int", 9), Column("Chủ đề", width=34), Column("Bậc", "int", 6), Column("Hình thức", width=12),
    Column("Đối tượng", width=30), Column("Trạng thái", width=14), Column("Giảng viên", width=24),
    Column("SĐT giảng viên", width=14), Column("Xã, phường", width=22), Column("Mã địa bàn", width=10),
    Column("Đơn vị tổ chức", width=26), Column("Ngày bắt đầu", "date", 12), Column("Ngày kết thúc", "date", 12),
    Column("Số buổi", "int", 8), Column("Sĩ số tối đa", "int", 10), Column("Học viên", "int", 10),
    Column("Hoàn thành", "int", 10),
]


def classes(user, args) -> ExportTable:
    base = class_list(user, args.get("status", ""), args.get("level", type=int))
    counts = (select(Enrollment.class_id, func.count().label("n"),
                     func.count().filter(Enrollment.status == "completed").label("done"))
              .group_by(Enrollment.class_id).subquery())
    stmt = (_reselect(base, TrainingClass.id, TrainingClass.topic, TrainingClass.level, TrainingClass.mode,
                      TrainingClass.audience_group, TrainingClass.status, Person.full_name, Person.phone, Area.name,
                      Area.code, Unit.name, TrainingClass.start_on, TrainingClass.end_on, TrainingClass.sessions,
                      TrainingClass.capacity, func.coalesce(counts.c.n, 0), func.coalesce(counts.c.done, 0))
            .join(Trainer, Trainer.id == TrainingClass.trainer_id).join(Person, Person.id == Trainer.person_id)
            .join(Area, Area.id == TrainingClass.venue_area_id)
            .outerjoin(Unit, Unit.id == TrainingClass.host_unit_id)
            .outerjoin(counts, counts.c.class_id == TrainingClass.id))
    return ExportTable(*LIST_FILES["classes"], CLASS_COLUMNS, stmt, TrainingClass.id, lambda r: [
        r[0], r[1], r[2], CLASS_MODES[r[3]], AUDIENCE_GROUPS[r[4]], CLASS_STATUSES[r[5]], r[6], local_phone(r[7]),
        *r[8:17]])


def _roster_kind(key: str) -> str:
    return "int" if key in ("birth_year", "person_code") else "text"


PERSON_COLUMNS = [Column(header, _roster_kind(key), 20) for key, header, _ in ROSTER_COLUMNS]
PERSON_FIELDS = (Person.full_name, Person.phone, Person.birth_year, Person.gender, Person.ethnic_group, Person.email,
                 Person.id, Unit.id, Unit.name)
_PERSON_WIDTH = len(PERSON_FIELDS)


def _person_cells(r) -> list:
    """The roster's columns, the workplace as "name (mã N)" (`app.training.workplace.label`)."""
    return [r[0], local_phone(r[1]), "", r[2], GENDERS.get(r[3], "") if r[3] else "", r[4] or "", r[5] or "", r[6],
            workplace_label(r[7], r[8]) if r[7] else ""]


def learners(user, args) -> ExportTable:
    base = person_list(user, (args.get("q") or "").strip()[:100])
    stmt = (_reselect(base, *PERSON_FIELDS, Person.audience_group, Area.name, Area.code)
            .outerjoin(Area, Area.id == Person.home_area_id).outerjoin(Unit, Unit.id == Person.unit_id))
    columns = PERSON_COLUMNS + [Column("Đối tượng", width=30), Column("Nơi ở", width=22),
                                Column("Mã địa bàn", width=10)]
    w = _PERSON_WIDTH
    return ExportTable(*LIST_FILES["learners"], columns, stmt, Person.id, lambda r: [
        *_person_cells(r), AUDIENCE_GROUPS.get(r[w], "") if r[w] else "", r[w + 1], r[w + 2]])


def class_learners(user, training_class: TrainingClass) -> ExportTable:
    stmt = (select(*PERSON_FIELDS, Enrollment.status, Enrollment.score, Enrollment.completed_on, Enrollment.candidate)
            .join(Person, Person.id == Enrollment.person_id).outerjoin(Unit, Unit.id == Person.unit_id)
            .where(Enrollment.class_id == training_class.id).order_by(Person.search_key, Enrollment.id))
    columns = PERSON_COLUMNS + [Column("Trạng thái học", width=14), Column("Điểm", "num", 8),
                                Column("Ngày hoàn thành", "date", 14), Column("Ứng viên giảng viên", width=12)]
    return ExportTable(f"hoc-vien-lop-{training_class.id}", f"Học viên lớp {training_class.id}", columns, stmt,
                       Enrollment.id, lambda r: [*_person_cells(r), ENROLLMENT_STATUSES[r[_PERSON_WIDTH]],
                                                 *r[_PERSON_WIDTH + 1:_PERSON_WIDTH + 3],
                                                 "Có" if r[_PERSON_WIDTH + 3] else ""])


CERTIFICATE_COLUMNS = [
    Column("Số hiệu", width=20), Column("Mã xác thực", width=13), Column("Họ và tên", width=26),
    Column("Số điện thoại", width=13), Column("Bậc", "int", 6), Column("Ngày cấp", "date", 12),
    Column("Mã lớp", "int", 8), Column("Lớp", width=30), Column("Trạng thái", width=14),
    Column("Ngày thu hồi", "date", 12), Column("Lý do thu hồi", width=30),
]


def certificates(user, args) -> ExportTable:
    base = certificate_list(user, **certificate_filters(args))
    stmt = (_reselect(base, Certificate.serial, Certificate.code, Person.full_name, Person.phone, Certificate.level,
                      Certificate.issued_on, Certificate.class_id, TrainingClass.topic, Certificate.revoked_on,
                      Certificate.revoke_reason)
            .join(TrainingClass, TrainingClass.id == Certificate.class_id))
    return ExportTable(*LIST_FILES["certificates"], CERTIFICATE_COLUMNS, stmt, Certificate.id, lambda r: [
        r[0], r[1], r[2], local_phone(r[3]), r[4], r[5], r[6], r[7], "Đã thu hồi" if r[8] else "Còn hiệu lực", r[8],
        r[9] or ""])


ASSIGNMENT_COLUMNS = [
    Column("Mã phân công", "int", 10), Column("Giảng viên", width=24), Column("SĐT giảng viên", width=14),
    Column("Loại nơi phân công", width=16), Column("Nơi phân công", width=28), Column("Số lớp", "int", 8),
    Column("Từ ngày", "date", 12), Column("Đến ngày", "date", 12), Column("Trạng thái", width=14),
    Column("Lý do", width=18), Column("Ghi chú", width=40),
]


def assignments(user, args) -> ExportTable | None:
    if not may(user, "see_assignments"):
        return None
    status = args.get("status", "active")
    base = assignment_list(user, status if status in ASSIGNMENT_STATUSES else "")
    target_area, target_unit = aliased(Area), aliased(Unit)
    stmt = (_reselect(base, Assignment.id, Person.full_name, Person.phone, Assignment.target_kind, target_area.name,
                      target_unit.name, Assignment.classes, Assignment.starts_on, Assignment.ends_on,
                      Assignment.status, Assignment.reason_code, Assignment.reason)
            .join(Trainer, Trainer.id == Assignment.trainer_id).join(Person, Person.id == Trainer.person_id)
            .outerjoin(target_area, target_area.id == Assignment.area_id)
            .outerjoin(target_unit, target_unit.id == Assignment.unit_id))
    return ExportTable(*LIST_FILES["assignments"], ASSIGNMENT_COLUMNS, stmt, Assignment.id, lambda r: [
        r[0], r[1], local_phone(r[2]), ASSIGNMENT_TARGETS[r[3]], r[4] or r[5], r[6], r[7], r[8],
        ASSIGNMENT_STATUSES[r[9]], ASSIGNMENT_REASONS[r[10]], r[11]])


GAP_COLUMNS = [
    Column("Mức độ", width=11), Column("Loại cảnh báo", width=34), Column("Nội dung", width=80),
    Column("Địa bàn", width=24), Column("Phát hiện", "date", 12), Column("Trạng thái", width=14),
    Column("Tiếp nhận", "date", 12), Column("Mã cảnh báo", "int", 10),
]


def gaps(user, args) -> ExportTable:
    """The gaps page's list (its state and rule filters), each gap's message written out."""
    from app.gaps.queries import ACTIVE, RULE_LABELS, gaps_stmt, message_of, rule_label
    from app.models.vocab import GAP_STATES, SEVERITIES

    state, rule = args.get("state", "active"), args.get("rule", "")
    base = gaps_stmt(user, (state,) if state in GAP_STATES else ACTIVE, rule if rule in RULE_LABELS else None)
    stmt = (_reselect(base, Gap.severity, Gap.rule_code, Gap.subject_kind, Gap.subject_id, Gap.area_id, Gap.params,
                      Area.name, Gap.opened_at, Gap.state, Gap.acknowledged_at, Gap.id)
            .outerjoin(Area, Area.id == Gap.area_id))
    return ExportTable(*LIST_FILES["gaps"], GAP_COLUMNS, stmt, Gap.id, lambda r: [
        SEVERITIES[r[0]], rule_label(r[1]), message_of(r[1], r[2], r[3], r[4], r[5]), r[6] or "", r[7],
        GAP_STATES[r[8]], r[9], r[10]])


def denominators(user, args) -> ExportTable | None:
    """The targets' denominators in the import's columns (app/targets/denominators.py): every area figure whose
    code the import resolves to that same area (the working map, else the newest map with the code), then every
    unit with a headcount, with the year and source of that headcount when the unit has them."""
    from sqlalchemy import BigInteger, exists, literal, null, or_, union_all

    from app.areas.maps import working_map
    from app.models import AreaPopulation
    from app.targets.denominators import COLUMNS as DENOMINATOR_COLUMNS
    from app.targets.denominators import YES_LABEL

    if not may(user, "edit_targets"):
        return None
    day = working_map(user)
    other = aliased(Area)
    shadowed = exists().where(other.code == Area.code, other.id != Area.id,
                              or_(other.valid_from == day, other.valid_from > Area.valid_from))
    areas = (select(literal(0).label("kind"), AreaPopulation.id.label("key"), Area.code.label("code"),
                    null().label("unit_id"), AreaPopulation.year.label("year"), AreaPopulation.working_age.label("wa"),
                    AreaPopulation.business_owners.label("bo"), null().label("hc"), AreaPopulation.source.label("src"),
                    AreaPopulation.is_estimate.label("est"), Area.name.label("name"))
             .join(Area, Area.id == AreaPopulation.area_id)
             .where(visible(Area, user), or_(Area.valid_from == day, ~shadowed)))
    units = (select(literal(1), Unit.id, null(), Unit.id, Unit.headcount_year, null(), null(), Unit.headcount,
                    Unit.headcount_source, null(), Unit.name).where(Unit.headcount.is_not(None), visible(Unit, user)))
    both = union_all(areas, units).subquery()
    stmt = select(both).order_by(both.c.kind, both.c.code, both.c.year, both.c.name, both.c.key)
    key = both.c.kind * literal(2**40, BigInteger) + both.c.key  # BIGINT: PostgreSQL binds a plain int as INTEGER
    columns = [Column(header, "text" if k in ("ma_dia_ban", "nguon", "uoc_tinh") else "int", 16)
               for k, header in DENOMINATOR_COLUMNS] + [Column("Tên địa bàn / đơn vị", width=36)]
    return ExportTable("mau-so-chi-tieu", "Mẫu số", columns, stmt, key,
                       lambda r: [r.code or "", r.unit_id, r.year, r.wa, r.bo, r.hc, r.src or "",
                                  (YES_LABEL if r.est else "không") if r.kind == 0 else "", r.name])


def _unit_kind(key: str) -> str:
    return {"ma_don_vi": "int", "ma_cap_tren": "int", "nhan_su": "int", "nam": "int", "tu_ngay": "date"}.get(key, "text")


def units(user, args) -> ExportTable | None:
    """The unit list (its search, kind, area and state filters) in the unit import's columns
    (app/units/imports.py), then the parent's name (when the user sees the parent), the area's name and the last
    day in force (ignored on import)."""
    from app.models.vocab import UNIT_KINDS
    from app.timeutil import local_today
    from app.units.imports import COLUMNS as UNIT_IMPORT_COLUMNS
    from app.units.queries import unit_filters, unit_list

    if not may(user, "see_network"):
        return None
    base = unit_list(user, local_today(), **unit_filters(args))
    parent = aliased(Unit)
    stmt = (_reselect(base, Unit.id, Unit.name, Unit.short_name, Unit.kind, Unit.parent_id, Area.code,
                      Unit.headcount, Unit.headcount_year, Unit.headcount_source, Unit.contact, Unit.valid_from,
                      case((parent.id.in_(select(Unit.id).where(visible(Unit, user))), parent.name)), Area.name,
                      Unit.valid_to)
            .join(Area, Area.id == Unit.area_id).outerjoin(parent, parent.id == Unit.parent_id))
    columns = [Column(header, _unit_kind(key), 20) for key, header in UNIT_IMPORT_COLUMNS] + [
        Column("Tên đơn vị cấp trên", width=30), Column("Tên địa bàn", width=24),
        Column("Hoạt động đến ngày", "date", 14)]
    return ExportTable(*LIST_FILES["units"], columns, stmt, Unit.id, lambda r: [
        r[0], r[1], r[2] or "", UNIT_KINDS[r[3]], r[4], r[5], r[6], r[7], r[8] or "", r[9] or "", r[10],
        r[11] or "", r[12], r[13]])


AUDIT_COLUMNS = [
    Column("Thời điểm", width=17), Column("Người thực hiện", width=18), Column("Thao tác", width=30),
    Column("Đối tượng", width=18), Column("Mã đối tượng", "int", 10), Column("Thay đổi", width=60),
    Column("Trước (JSON)", width=40), Column("Sau (JSON)", width=40),
]


def audit(user, args) -> ExportTable | None:
    """The audit log page's rows (its filters), actions and objects in Vietnamese, changes as "cũ → mới"."""
    from app.admin import audit_log
    from app.models import AuditEvent, User
    from app.web.formatting import vn_datetime

    if not may(user, "see_audit"):
        return None
    base = audit_log.events(user, audit_log.Filters.from_args(args))
    stmt = (_reselect(base, AuditEvent.at, User.username, AuditEvent.action, AuditEvent.entity, AuditEvent.entity_id,
                      AuditEvent.before, AuditEvent.after)
            .outerjoin(User, User.id == AuditEvent.actor_id))

    def cells(r) -> list:
        changed = "; ".join(f"{label}: {new}" if old is None else f"{label}: {old} → {new}"
                            for label, old, new in audit_log.changes(r[5], r[6]))
        return [vn_datetime(r[0]), r[1] or "Hệ thống", audit_log.action_label(r[2]), audit_log.entity_label(r[3]),
                r[4], changed, audit_log.json_text(r[5]), audit_log.json_text(r[6])]

    return ExportTable("nhat-ky-thay-doi", "Nhật ký", AUDIT_COLUMNS, stmt, AuditEvent.id, cells)


TABLES: dict[str, Callable] = {
    "trainers": trainers, "classes": classes, "learners": learners, "certificates": certificates,
    "assignments": assignments, "gaps": gaps, "denominators": denominators, "audit": audit, "units": units,
}
