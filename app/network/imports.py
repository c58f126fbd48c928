"""Importing trainers from a workbook (.xlsx) or CSV: a template, a dry run listing every bad row, all or nothing.

Rules:
- the first row holds the column titles of `COLUMNS` (Vietnamese, diacritics and case ignored); data rows are
  numbered as in the sheet (the first data row is row 2); empty rows are skipped;
- each row is checked alone (phone, ID, tier, level, area code of the newest map, unit, date dd/mm/yyyy, scope)
  and then all mentor links together with `network.links.validate_links`: the mentor (by phone) may be an
  existing trainer or another row; a second mentor, a loop, an unknown or inactive mentor or a level above the
  mentor's is reported on the row;
- a row for a person who is already a trainer under the same mentor changes nothing;
- nothing is written unless every row is valid; rows are then added mentors first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from app.areas.maps import working_map
from app.errors import OperationError, message_for
from app.extensions import db
from app.models import Area, Person, Trainer, Unit
from app.models.vocab import TRAINER_TIERS
from app.network import operations
from app.scope import visible
from app.text import PhoneError, fold, normalize_phone
from app.web.table_files import ImportFileError, cell_text, keyed_rows, read_table
from app.web.templates_xlsx import import_template
from network import validate_links

COLUMNS = [("full_name", "Họ và tên"), ("phone", "Số điện thoại"), ("national_id", "Số định danh"),
           ("mentor_phone", "SĐT người hướng dẫn"), ("tier", "Cấp"), ("max_level", "Bậc được dạy"),
           ("area_code", "Mã địa bàn"), ("unit", "Đơn vị"), ("certified_on", "Ngày công nhận")]
LABEL = dict(COLUMNS)
TIERS = {fold(label): code for code, label in TRAINER_TIERS.items()} | {code: code for code in TRAINER_TIERS}


@dataclass
class Row:
    number: int
    values: dict
    data: dict = field(default_factory=dict)
    existing: int | None = None  # trainer id when the person already is a trainer
    temp_id: int = 0


def template() -> bytes:
    example = ["Nguyễn Thị Mẫu", "0912345678", "", "0987654321", TRAINER_TIERS["local"], 1, "W05431", "",
               "20/05/2025"]
    return import_template("Giảng viên", [label for _, label in COLUMNS], [example], notes=[
        "Mỗi dòng một giảng viên; dòng 2 của trang đầu là ví dụ, hãy xóa trước khi nhập.",
        "Cấp: " + "; ".join(TRAINER_TIERS.values()) + ". Bậc: 1 đến 5.",
        "Người hướng dẫn: số điện thoại của một giảng viên đã có hoặc của một dòng khác trong tệp.",
        "Chỉ giảng viên nòng cốt cấp tỉnh được để trống người hướng dẫn.",
        "Mã địa bàn: mã xã/huyện theo bản đồ hiện hành. Ngày: dd/mm/yyyy.",
    ])


def read_rows(filename: str, content: bytes) -> list[Row]:
    """Rows of the first sheet (xlsx) or of a CSV (UTF-8, comma or semicolon): `app.web.table_files`."""
    header, rows = keyed_rows(read_table(filename, content), COLUMNS)
    missing = [LABEL[k] for k in ("full_name", "phone", "tier", "max_level", "area_code") if k not in header]
    if missing:
        raise ImportFileError("Thiếu cột: " + ", ".join(missing) + ".")
    return [Row(number, values) for number, values in rows]


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date) or value in ("", None):
        return value or None
    return datetime.strptime(cell_text(value), "%d/%m/%Y").date()


def _phone(value) -> str | None:
    text = cell_text(value)
    if text and text[0] != "0" and text[0] != "+" and len(text) == 9:
        text = "0" + text  # Excel drops the leading zero of a number cell
    return normalize_phone(text)


def check(user, rows: list[Row]) -> list[tuple[int, str, str]]:
    """Every problem as (row number, column title, Vietnamese reason); fills each row's `data` on the way."""
    problems: list[tuple[int, str, str]] = []
    newest = working_map(user)
    areas = dict(db.session.execute(
        select(Area.code, Area.id).where(Area.valid_from == newest, visible(Area, user))).all())
    all_codes = set(db.session.scalars(select(Area.code).where(Area.valid_from == newest)))
    units = {fold(name): i for i, name in db.session.execute(select(Unit.id, Unit.name).where(visible(Unit, user))).all()}
    next_id = (db.session.scalar(select(func.max(Trainer.id))) or 0) + 1
    seen_phones: dict[str, int] = {}
    for row in rows:
        v, d = row.values, row.data

        def bad(key: str, reason: str, row=row) -> None:
            problems.append((row.number, LABEL[key], reason))

        d["full_name"] = cell_text(v.get("full_name"))
        try:
            d["phone"] = _phone(v.get("phone"))
        except PhoneError:
            bad("phone", "Số điện thoại không hợp lệ.")
        if not d.get("phone"):
            if "phone" in d:
                bad("phone", "Thiếu số điện thoại.")
        elif d["phone"] in seen_phones:
            bad("phone", f"Trùng số điện thoại với dòng {seen_phones[d['phone']]}.")
        else:
            seen_phones[d["phone"]] = row.number
        d["national_id"] = cell_text(v.get("national_id")) or None
        d["tier"] = TIERS.get(fold(cell_text(v.get("tier"))))
        if d["tier"] is None:
            bad("tier", "Cấp không hợp lệ (" + "; ".join(TRAINER_TIERS.values()) + ").")
        level = cell_text(v.get("max_level"))
        d["max_level"] = int(level) if level.isdigit() and 1 <= int(level) <= 5 else None
        if d["max_level"] is None:
            bad("max_level", "Bậc phải là số từ 1 đến 5.")
        code = cell_text(v.get("area_code"))
        d["area_id"] = areas.get(code)
        if d["area_id"] is None:
            bad("area_code", message_for("out_of_scope") if code in all_codes else f"Không có địa bàn mã “{code}”.")
        unit = cell_text(v.get("unit"))
        d["unit_id"] = units.get(fold(unit)) if unit else None
        if unit and d["unit_id"] is None:
            bad("unit", f"Không có đơn vị “{unit}” trong phạm vi của bạn.")
        try:
            d["certified_on"] = _date(v.get("certified_on"))
        except ValueError:
            bad("certified_on", "Ngày không hợp lệ (dd/mm/yyyy).")
        person = _person(d, bad)
        if person is not None:
            row.existing = db.session.scalar(select(Trainer.id).where(Trainer.person_id == person.id))
        elif not d["full_name"]:
            bad("full_name", "Thiếu họ và tên.")
        row.temp_id = row.existing or next_id
        next_id += 0 if row.existing else 1
    problems += _links(user, rows, seen_phones)
    return sorted(problems, key=lambda p: (p[0], [t for _, t in COLUMNS].index(p[1])))


def _person(d: dict, bad) -> Person | None:
    by_phone = db.session.scalar(select(Person).where(Person.phone == d["phone"])) if d.get("phone") else None
    by_id = db.session.scalar(select(Person).where(Person.national_id == d["national_id"])) \
        if d.get("national_id") else None
    if by_phone and by_id and by_phone.id != by_id.id:
        bad("national_id", message_for("duplicate_person"))
    return by_phone or by_id


def _links(user, rows: list[Row], batch_phones: dict[str, int]) -> list[tuple[int, str, str]]:
    """Mentor problems of the whole batch, found by `network.links.validate_links`."""
    problems: list[tuple[int, str, str]] = []
    column = LABEL["mentor_phone"]
    by_row = {r.number: r for r in rows}
    forest = {r.id: {"mentor_id": r.mentor_id, "status": r.status, "max_level": r.max_level}
              for r in db.session.execute(select(Trainer.id, Trainer.mentor_id, Trainer.status, Trainer.max_level))}
    link_rows, numbers = [], []
    for row in rows:
        d = row.data
        raw = cell_text(row.values.get("mentor_phone"))
        d["mentor_id"] = None
        if not raw:
            if d.get("tier") not in (None, "province"):
                problems.append((row.number, column, message_for("mentor_required")))
            link_rows.append({"id": row.temp_id, "mentor_id": None, "max_level": d.get("max_level")})
            numbers.append(row.number)
            continue
        try:
            phone = _phone(raw)
        except PhoneError:
            problems.append((row.number, column, "Số điện thoại người hướng dẫn không hợp lệ."))
            continue
        if phone in batch_phones:
            d["mentor_id"] = by_row[batch_phones[phone]].temp_id
        else:
            found = db.session.execute(select(Trainer.id, visible(Trainer, user).label("ok"))
                                       .join(Person, Person.id == Trainer.person_id)
                                       .where(Person.phone == phone)).first()
            if found is None:
                problems.append((row.number, column, f"Không có giảng viên nào với số điện thoại {raw}."))
                continue
            if not found.ok:
                problems.append((row.number, column, message_for("out_of_scope")))
                continue
            d["mentor_id"] = found.id
        link_rows.append({"id": row.temp_id, "mentor_id": d["mentor_id"], "max_level": d.get("max_level")})
        numbers.append(row.number)
    for problem in validate_links(forest, link_rows):
        problems.append((numbers[problem.row], column, message_for(problem.code, **problem.params)))
    return problems


def apply(user, rows: list[Row]) -> int:
    """Add every new trainer, mentors first; returns how many were added. Call only after `check` is clean."""
    temp = {r.temp_id: r for r in rows}
    done: set[int] = set()
    added = 0

    def add(row: Row) -> None:
        nonlocal added
        if row.temp_id in done:
            return
        done.add(row.temp_id)
        mentor = row.data["mentor_id"]
        if mentor in temp and temp[mentor] is not row:
            add(temp[mentor])
            mentor = temp[mentor].data["trainer_id"]
        if row.existing:
            row.data["trainer_id"] = row.existing
            return
        try:
            trainer = operations.register_trainer(user, {**row.data, "mentor_id": mentor})
        except OperationError as error:
            raise OperationError(f"Dòng {row.number}: {error.message}", field=error.field, code=error.code) from None
        row.data["trainer_id"] = trainer.id
        added += 1

    for row in rows:
        add(row)
    return added
