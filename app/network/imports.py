"""Importing trainers from a workbook (.xlsx) or CSV: a template, a dry run listing every bad row, all or nothing.

Rules:
- the table is declared once (`SPEC`, read by `app.imports`): the header row may sit below title rows, headers
  match without diacritics or "(*)"; data rows are numbered as in the sheet; empty rows and the template's
  example row are skipped; phones (also number cells that lost their 0), ID numbers, tier, level 1–5 and dates
  (dd/mm/yyyy, ISO or a workbook date) are checked cell by cell, texts against their database lengths;
- each row is then checked against the database (area code of the newest map, unit, scope, existing person) and
  all mentor links together with `network.links.validate_links`: the mentor (by phone) may be an existing
  trainer or another row; a second mentor, a loop, an unknown or inactive mentor or a level above the mentor's
  is reported on the row;
- a row for a person who is already a trainer under the same mentor changes nothing;
- nothing is written unless every row is valid; rows are then added mentors first.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.areas.maps import working_map
from app.errors import OperationError, message_for
from app.extensions import db
from app.imports.read import FileError
from app.imports.spec import Column, Spec, length_of
from app.imports.table import Parsed, parse
from app.models import Area, Person, Trainer, Unit
from app.models.vocab import TRAINER_TIERS
from app.network import operations
from app.scope import visible
from app.text import fold
from app.web.templates_xlsx import import_template
from network import validate_links

ImportFileError = FileError
TIERS = {fold(label): code for code, label in TRAINER_TIERS.items()} | {code: code for code in TRAINER_TIERS}
EXAMPLE = ("Nguyễn Thị Mẫu", "0912345678", "", "0987654321", TRAINER_TIERS["local"], 1, "W05431", "",
           "20/05/2025")
SPEC = Spec("danh sách giảng viên", (
    Column("full_name", "Họ và tên", max_length=length_of(Person.full_name), aliases=("Họ tên",)),
    Column("phone", "Số điện thoại", "phone", required=True, aliases=("SĐT",)),
    Column("national_id", "Số định danh", "digits", aliases=("CCCD", "Số CCCD", "CMND"),
           hint="Số định danh có 12 chữ số (hoặc CMND 9 số)."),
    Column("mentor_phone", "SĐT người hướng dẫn", "phone", aliases=("Số điện thoại người hướng dẫn",),
           message="Số điện thoại người hướng dẫn không hợp lệ."),
    Column("tier", "Cấp", "choice", required=True, choices=TIERS,
           message="Cấp không hợp lệ (" + "; ".join(TRAINER_TIERS.values()) + ")."),
    Column("max_level", "Bậc được dạy", "int", required=True, minimum=1, maximum=5,
           message="Bậc phải là số từ 1 đến 5."),
    Column("area_code", "Mã địa bàn", required=True, max_length=length_of(Area.code)),
    Column("unit", "Đơn vị", max_length=length_of(Unit.name)),
    Column("certified_on", "Ngày công nhận", "date"),
), unique=("phone",), one_of=(("full_name",),), examples=(EXAMPLE,))
COLUMNS = [(c.key, c.header) for c in SPEC.columns]  # key, title (exports start with exactly these)
LABEL = dict(COLUMNS)


@dataclass
class Row:
    number: int
    data: dict  # the clean cells by key (a bad cell is None)
    existing: int | None = None  # trainer id when the person already is a trainer
    temp_id: int = 0


class Rows(list):
    """The file's rows, with what the reader found on the way (cell errors, ignored columns, example rows)."""

    def __init__(self, parsed: Parsed):
        super().__init__(Row(v["row"], v) for v in sorted(parsed.rows + parsed.failed, key=lambda v: v["row"]))
        self.cell_errors = list(parsed.errors)
        self.failed = {v["row"] for v in parsed.failed}
        self.ignored, self.examples = parsed.ignored, parsed.examples


def template() -> bytes:
    return import_template("Giảng viên", SPEC.template_headers, [EXAMPLE], notes=[
        "Mỗi dòng một giảng viên. Dòng 2 của trang đầu là ví dụ: khi nhập, dòng giống hệt ví dụ được bỏ qua.",
        "Cấp: " + "; ".join(TRAINER_TIERS.values()) + ". Bậc: 1 đến 5.",
        "Người hướng dẫn: số điện thoại của một giảng viên đã có hoặc của một dòng khác trong tệp.",
        "Chỉ giảng viên nòng cốt cấp tỉnh được để trống người hướng dẫn.",
        "Mã địa bàn: mã xã/huyện theo bản đồ hiện hành. Ngày: dd/mm/yyyy.",
    ])


def read_rows(filename: str, content: bytes) -> Rows:
    """Every data row of the upload (`app.imports`); `FileError` when the file as a whole is unreadable."""
    return Rows(parse(SPEC, filename, content))


def _local(phone: str) -> str:
    return "0" + phone[3:] if phone.startswith("+84") else phone


def check(user, rows: list[Row]) -> list[tuple[int, str, str]]:
    """Every problem as (row number, column title, Vietnamese reason); fills each row's `data` on the way."""
    problems: list[tuple[int, str, str]] = list(getattr(rows, "cell_errors", []))
    failed = getattr(rows, "failed", set())
    newest = working_map(user)
    areas = dict(db.session.execute(
        select(Area.code, Area.id).where(Area.valid_from == newest, visible(Area, user))).all())
    all_codes = set(db.session.scalars(select(Area.code).where(Area.valid_from == newest)))
    units = {fold(name): i for i, name in db.session.execute(select(Unit.id, Unit.name).where(visible(Unit, user))).all()}
    next_id = (db.session.scalar(select(func.max(Trainer.id))) or 0) + 1
    seen_phones: dict[str, int] = {}
    for row in rows:
        d = row.data
        d["full_name"] = d.get("full_name") or ""

        def bad(key: str, reason: str, row=row) -> None:
            problems.append((row.number, LABEL[key], reason))

        if d.get("phone") and d["phone"] not in seen_phones:
            seen_phones[d["phone"]] = row.number
        code = d.get("area_code")
        d["area_id"] = areas.get(code)
        if code and d["area_id"] is None:
            bad("area_code", message_for("out_of_scope") if code in all_codes else f"Không có địa bàn mã “{code}”.")
        unit = d.get("unit")
        d["unit_id"] = units.get(fold(unit)) if unit else None
        if unit and d["unit_id"] is None:
            bad("unit", f"Không có đơn vị “{unit}” trong phạm vi của bạn.")
        person = _person(d, bad)
        if person is not None:
            row.existing = db.session.scalar(select(Trainer.id).where(Trainer.person_id == person.id))
        elif not d.get("full_name") and d.get("phone"):
            bad("full_name", "Thiếu họ và tên.")
        row.temp_id = row.existing or next_id
        next_id += 0 if row.existing else 1
    problems += _links(user, [r for r in rows if r.number not in failed], seen_phones,
                       {r.number: r for r in rows}, failed)
    order = [t for _, t in COLUMNS]
    return sorted(set(problems), key=lambda p: (p[0], order.index(p[1]) if p[1] in order else 0, p[2]))


def _person(d: dict, bad) -> Person | None:
    by_phone = db.session.scalar(select(Person).where(Person.phone == d["phone"])) if d.get("phone") else None
    by_id = db.session.scalar(select(Person).where(Person.national_id == d["national_id"])) \
        if d.get("national_id") else None
    if by_phone and by_id and by_phone.id != by_id.id:
        bad("national_id", message_for("duplicate_person"))
    return by_phone or by_id


def _links(user, rows: list[Row], batch_phones: dict[str, int], by_row: dict[int, Row],
           failed: set[int]) -> list[tuple[int, str, str]]:
    """Mentor problems of the whole batch, found by `network.links.validate_links`."""
    problems: list[tuple[int, str, str]] = []
    column = LABEL["mentor_phone"]
    forest = {r.id: {"mentor_id": r.mentor_id, "status": r.status, "max_level": r.max_level}
              for r in db.session.execute(select(Trainer.id, Trainer.mentor_id, Trainer.status, Trainer.max_level))}
    link_rows, numbers = [], []
    for row in rows:
        d = row.data
        phone = d.get("mentor_phone")
        d["mentor_id"] = None
        if not phone:
            if d.get("tier") not in (None, "province"):
                problems.append((row.number, column, message_for("mentor_required")))
            link_rows.append({"id": row.temp_id, "mentor_id": None, "max_level": d.get("max_level")})
            numbers.append(row.number)
            continue
        if batch_phones.get(phone) in failed:
            problems.append((row.number, column, f"Người hướng dẫn ở dòng {batch_phones[phone]} đang có lỗi; "
                                                 "hãy sửa dòng đó trước."))
            continue
        if phone in batch_phones:
            d["mentor_id"] = by_row[batch_phones[phone]].temp_id
        else:
            found = db.session.execute(select(Trainer.id, visible(Trainer, user).label("ok"))
                                       .join(Person, Person.id == Trainer.person_id)
                                       .where(Person.phone == phone)).first()
            if found is None:
                problems.append((row.number, column, f"Không có giảng viên nào với số điện thoại {_local(phone)}."))
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
