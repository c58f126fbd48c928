"""Importing trainers from a workbook (.xlsx) or CSV: a template, a dry run listing every bad row, all or nothing.

Rules:
- the table is declared once (`SPEC`, read by `app.imports`): the header row may sit below title rows, headers
  match without diacritics or "(*)"; data rows are numbered as in the sheet; empty rows and the template's
  example row are skipped; phones (also number cells that lost their 0), ID numbers, tier, level 1–5 and dates
  (dd/mm/yyyy, ISO or a workbook date) are checked cell by cell, texts against their database lengths;
- a row is an existing trainer when it carries its trainer code ("Mã giảng viên", as the trainer list exports it;
  the code must be a trainer the user sees) or the phone / ID number of a person who is a trainer; a row without
  a code needs a phone;
- new rows are checked against the database (area code of the newest map, unit, scope, existing person) and all
  mentor links together with `network.links.validate_links`: the mentor (by trainer code, "Mã người hướng
  dẫn", or by phone) may be an existing trainer or another row; a second mentor, a loop, an unknown or inactive
  mentor or a level above the mentor's is reported on the row;
- an existing trainer's row is unchanged or an update: an area, unit or mentor equal to the trainer's own is
  never refused (even outside the user's scope, as for a unit coordinator's trainers living in any commune);
  an empty cell changes nothing; a changed tier, level, area (in scope), unit (in scope) or certification date
  is an update (`operations.update_trainer`), a missing phone is filled; another mentor is refused (moving a
  trainer is its own action, with a reason);
- so the trainer list's export imports back with no error, as "không đổi";
- nothing is written unless every row is valid; rows are then added mentors first, then updates;
- `import_steps` yields `Progress` (rows read, checked, written) so the page streams it on a long import.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from app.areas.maps import working_map
from app.audit import record
from app.errors import OperationError, message_for
from app.extensions import db
from app.imports.progress import Progress
from app.imports.read import FileError
from app.imports.spec import Column, Spec, length_of
from app.imports.table import Parsed, parse, parse_steps
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
           "20/05/2025", "", "")
CHUNK = 900  # ids per IN (...) lookup


def _check_row(values: dict, error) -> None:
    if not values.get("phone") and not values.get("trainer_code"):
        error("phone", "Bắt buộc, đang để trống (trừ dòng có mã giảng viên).")


SPEC = Spec("danh sách giảng viên", (
    Column("full_name", "Họ và tên", max_length=length_of(Person.full_name), aliases=("Họ tên",)),
    Column("phone", "Số điện thoại", "phone", aliases=("SĐT",)),
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
    Column("trainer_code", "Mã giảng viên", "int", minimum=1, message="Mã giảng viên là một số (xem danh sách)."),
    Column("mentor_code", "Mã người hướng dẫn", "int", minimum=1,
           message="Mã người hướng dẫn là một số (mã giảng viên của người đó)."),
), check_row=_check_row, unique=("phone", "trainer_code"), one_of=(("full_name",), ("phone", "trainer_code")),
    examples=(EXAMPLE,))
COLUMNS = [(c.key, c.header) for c in SPEC.columns]  # key, title (exports start with exactly these)
LABEL = dict(COLUMNS)


@dataclass
class Row:
    number: int
    data: dict  # the clean cells by key (a bad cell is None)
    existing: int | None = None  # trainer id when the row is an existing trainer
    temp_id: int = 0
    changes: dict = field(default_factory=dict)  # an existing trainer's updated fields
    fill_phone: str | None = None  # a phone given to an existing trainer's person who had none


class Rows(list):
    """The file's rows, with what the reader found on the way (cell errors, ignored columns, example rows)."""

    def __init__(self, parsed: Parsed):
        super().__init__(Row(v["row"], v) for v in sorted(parsed.rows + parsed.failed, key=lambda v: v["row"]))
        self.cell_errors = list(parsed.errors)
        self.failed = {v["row"] for v in parsed.failed}
        self.ignored, self.examples = parsed.ignored, parsed.examples

    @property
    def counts(self) -> dict[str, int]:
        """How many rows are new trainers, unchanged trainers and updates (after `check`)."""
        new = sum(1 for r in self if not r.existing)
        updated = sum(1 for r in self if r.existing and (r.changes or r.fill_phone))
        return {"new": new, "updated": updated, "unchanged": len(self) - new - updated}


def template() -> bytes:
    return import_template("Giảng viên", SPEC.template_headers, [EXAMPLE], notes=[
        "Mỗi dòng một giảng viên. Dòng 2 của trang đầu là ví dụ: khi nhập, dòng giống hệt ví dụ được bỏ qua.",
        "Cấp: " + "; ".join(TRAINER_TIERS.values()) + ". Bậc: 1 đến 5.",
        "Người hướng dẫn: số điện thoại hoặc mã giảng viên của một giảng viên đã có, "
        "hoặc số điện thoại của một dòng khác trong tệp.",
        "Chỉ giảng viên nòng cốt cấp tỉnh được để trống người hướng dẫn.",
        "Mã địa bàn: mã xã/huyện theo bản đồ hiện hành. Ngày: dd/mm/yyyy.",
        "Mã giảng viên: để trống cho giảng viên mới; dòng có mã (như tệp xuất danh sách) cập nhật giảng viên đó.",
    ])


@dataclass
class Outcome:
    rows: Rows | None = None
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    written: bool = False
    error: str = ""  # a refusal met while writing (everything is then rolled back)


def import_steps(user, filename: str, data: bytes, outcome: Outcome, write: bool) -> Iterator[Progress]:
    """Read, check and (when `write` and no row is in error) write; yield progress along the way. A file refused
    as a whole raises `FileError` at the first `next()`, before anything is streamed."""
    parsed = Parsed()
    for n in parse_steps(SPEC, filename, data, parsed):
        yield Progress("check", n, 0)
    rows = outcome.rows = Rows(parsed)
    yield Progress("match", 0, len(rows))
    outcome.problems = check(user, rows)
    outcome.counts = rows.counts
    if write and not outcome.problems:
        for n in apply_steps(user, rows):
            yield Progress("load", n, len(rows))
        outcome.written = True
        record("trainer.import", entity="trainers", after=outcome.counts | {"rows": len(rows)})
        from app.invitations.operations import auto_invite

        auto_invite(user, [r.data["trainer_id"] for r in rows if not r.existing and r.data.get("trainer_id")])
    yield Progress("done", len(rows), len(rows))


def read_rows(filename: str, content: bytes) -> Rows:
    """Every data row of the upload (`app.imports`); `FileError` when the file as a whole is unreadable."""
    return Rows(parse(SPEC, filename, content))


def _local(phone: str) -> str:
    return "0" + phone[3:] if phone.startswith("+84") else phone


def _chunks(values) -> list[list]:
    values = list(values)
    return [values[i:i + CHUNK] for i in range(0, len(values), CHUNK)]


@dataclass
class _Known:
    """What the rows name, read from the database in a few IN (...) queries."""

    trainers: dict[int, Any] = field(default_factory=dict)  # trainer id -> its row (code, name, ok, ...)
    by_phone: dict[str, tuple] = field(default_factory=dict)  # phone -> (person id, national id, trainer id)
    by_national_id: dict[str, tuple] = field(default_factory=dict)


def _known(user, rows: list[Row]) -> _Known:
    known = _Known()
    phones = {p for r in rows for p in (r.data.get("phone"), r.data.get("mentor_phone")) if p}
    ids = {r.data["national_id"] for r in rows if r.data.get("national_id")}
    person_cols = (Person.id, Person.national_id, Person.phone, Trainer.id.label("trainer_id"))
    for chunk in _chunks(phones):
        for p in db.session.execute(select(*person_cols).outerjoin(Trainer, Trainer.person_id == Person.id)
                                    .where(Person.phone.in_(chunk))):
            known.by_phone[p.phone] = (p.id, p.national_id, p.trainer_id)
    for chunk in _chunks(ids):
        for p in db.session.execute(select(*person_cols).outerjoin(Trainer, Trainer.person_id == Person.id)
                                    .where(Person.national_id.in_(chunk))):
            known.by_national_id[p.national_id] = (p.id, p.phone, p.trainer_id)
    codes = {r.data.get(k) for r in rows for k in ("trainer_code", "mentor_code")} - {None}
    codes |= {t for t in (v[2] for v in (*known.by_phone.values(), *known.by_national_id.values())) if t}
    for chunk in _chunks(codes):
        for t in db.session.execute(
                select(Trainer.id, Trainer.person_id, Trainer.mentor_id, Trainer.tier, Trainer.max_level,
                       Trainer.area_id, Area.code, Trainer.unit_id, Unit.name, Trainer.certified_on, Person.phone,
                       Person.national_id, visible(Trainer, user).label("ok"), Trainer.status)
                .join(Person, Person.id == Trainer.person_id).outerjoin(Area, Area.id == Trainer.area_id)
                .outerjoin(Unit, Unit.id == Trainer.unit_id).where(Trainer.id.in_(chunk))):
            known.trainers[t.id] = t
    return known


def check(user, rows: list[Row]) -> list[tuple[int, str, str]]:
    """Every problem as (row number, column title, Vietnamese reason); fills each row's `data` on the way."""
    problems: list[tuple[int, str, str]] = list(getattr(rows, "cell_errors", []))
    failed = getattr(rows, "failed", set())
    newest = working_map(user)
    areas = dict(db.session.execute(
        select(Area.code, Area.id).where(Area.valid_from == newest, visible(Area, user))).all())
    all_codes = dict(db.session.execute(select(Area.code, Area.id).where(Area.valid_from == newest)).all())
    units = {fold(name): i for i, name in db.session.execute(select(Unit.id, Unit.name).where(visible(Unit, user))).all()}
    known = _known(user, rows)
    next_id = (db.session.scalar(select(func.max(Trainer.id))) or 0) + 1
    seen_phones: dict[str, int] = {}
    for row in rows:
        d = row.data
        d["full_name"] = d.get("full_name") or ""

        def bad(key: str, reason: str, row=row) -> None:
            problems.append((row.number, LABEL[key], reason))

        if d.get("phone") and d["phone"] not in seen_phones:
            seen_phones[d["phone"]] = row.number
        trainer = _existing(row, known, bad)
        if trainer is not None:
            row.existing = trainer.id
            _changes(row, trainer, areas, all_codes, units, known, bad)
        else:
            _new(row, areas, all_codes, units, bad)
            if row.number not in failed and not d.get("full_name") and d.get("phone"):
                bad("full_name", "Thiếu họ và tên.")
        row.temp_id = row.existing or next_id
        next_id += 0 if row.existing else 1
    problems += _links(user, [r for r in rows if r.number not in failed], seen_phones,
                       {r.number: r for r in rows}, failed, known)
    order = [t for _, t in COLUMNS]
    return sorted(set(problems), key=lambda p: (p[0], order.index(p[1]) if p[1] in order else 0, p[2]))


def _existing(row: Row, known: _Known, bad):
    """The trainer this row is (by code, else by phone or ID number), or None for a new trainer."""
    d = row.data
    phone_hit = known.by_phone.get(d.get("phone")) if d.get("phone") else None
    id_hit = known.by_national_id.get(d.get("national_id")) if d.get("national_id") else None
    code = d.get("trainer_code")
    if code:
        trainer = known.trainers.get(code)
        if trainer is None or not trainer.ok:
            bad("trainer_code", f"Không có giảng viên mã {code} trong phạm vi của bạn.")
            return None
        if d.get("phone") and trainer.phone and trainer.phone != d["phone"]:
            bad("phone", f"Giảng viên mã {code} có số điện thoại khác ({_local(trainer.phone)}).")
        elif d.get("phone") and not trainer.phone and phone_hit:
            bad("phone", message_for("duplicate_person"))
        elif d.get("phone") and not trainer.phone:
            row.fill_phone = d["phone"]
        if d.get("national_id") and trainer.national_id and trainer.national_id != d["national_id"]:
            bad("national_id", f"Giảng viên mã {code} có số định danh khác.")
        return trainer
    if phone_hit and id_hit and phone_hit[0] != id_hit[0]:
        bad("national_id", message_for("duplicate_person"))
        return None
    hit = phone_hit or id_hit
    if hit is None or hit[2] is None:
        return None
    trainer = known.trainers.get(hit[2])
    if not trainer.ok:  # the person already trains, outside the user's scope: never a second trainer
        bad("phone", message_for("already_trainer"))
        return None
    return trainer


def _new(row: Row, areas: dict, all_codes: dict, units: dict, bad) -> None:
    d = row.data
    code = d.get("area_code")
    d["area_id"] = areas.get(code)
    if code and d["area_id"] is None:
        bad("area_code", message_for("out_of_scope") if code in all_codes else f"Không có địa bàn mã “{code}”.")
    unit = d.get("unit")
    d["unit_id"] = units.get(fold(unit)) if unit else None
    if unit and d["unit_id"] is None:
        bad("unit", f"Không có đơn vị “{unit}” trong phạm vi của bạn.")


def _changes(row: Row, trainer, areas: dict, all_codes: dict, units: dict, known: _Known, bad) -> None:
    """An existing trainer's row: what it changes (only in scope), nothing for cells equal to or empty."""
    d, changes = row.data, {}
    code = d.get("area_code")
    d["area_id"] = trainer.area_id
    if code and code != trainer.code:
        if areas.get(code) is None:
            bad("area_code", message_for("out_of_scope") if code in all_codes else f"Không có địa bàn mã “{code}”.")
        else:
            changes["area_id"] = d["area_id"] = areas[code]
    unit = d.get("unit")
    d["unit_id"] = trainer.unit_id
    if unit and fold(unit) != fold(trainer.name or ""):
        if units.get(fold(unit)) is None:
            bad("unit", f"Không có đơn vị “{unit}” trong phạm vi của bạn.")
        else:
            changes["unit_id"] = d["unit_id"] = units[fold(unit)]
    for key, current in (("tier", trainer.tier), ("max_level", trainer.max_level),
                         ("certified_on", trainer.certified_on)):
        if d.get(key) is not None and d[key] != current:
            changes[key] = d[key]
    row.changes = changes


def _mentor_of(row: Row, batch_phones: dict[str, int], by_row: dict[int, Row], failed: set[int], known: _Known,
               problems: list) -> tuple[bool, int | None, bool]:
    """(named, mentor id or None, visible) for the row's mentor cells; problems appended when they cannot name one."""
    d, column = row.data, LABEL["mentor_phone"]
    code, phone = d.get("mentor_code"), d.get("mentor_phone")
    if code:
        mentor = known.trainers.get(code)
        if mentor is None:
            problems.append((row.number, LABEL["mentor_code"], f"Không có giảng viên mã {code}."))
            return True, None, False
        if phone and mentor.phone and mentor.phone != phone:
            problems.append((row.number, column, f"Không khớp với người hướng dẫn mã {code} "
                                                 f"(số {_local(mentor.phone)})."))
            return True, None, False
        return True, mentor.id, bool(mentor.ok)
    if not phone:
        return False, None, True
    if batch_phones.get(phone) in failed:
        problems.append((row.number, column, f"Người hướng dẫn ở dòng {batch_phones[phone]} đang có lỗi; "
                                             "hãy sửa dòng đó trước."))
        return True, None, False
    if phone in batch_phones:
        return True, by_row[batch_phones[phone]].temp_id, True
    hit = known.by_phone.get(phone)
    mentor = known.trainers.get(hit[2]) if hit and hit[2] else None
    if mentor is None:
        problems.append((row.number, column, f"Không có giảng viên nào với số điện thoại {_local(phone)}."))
        return True, None, False
    return True, mentor.id, bool(mentor.ok)


def _links(user, rows: list[Row], batch_phones: dict[str, int], by_row: dict[int, Row],
           failed: set[int], known: _Known) -> list[tuple[int, str, str]]:
    """Mentor problems of the whole batch, found by `network.links.validate_links`."""
    problems: list[tuple[int, str, str]] = []
    column = LABEL["mentor_phone"]
    forest = {r.id: {"mentor_id": r.mentor_id, "status": r.status, "max_level": r.max_level}
              for r in db.session.execute(select(Trainer.id, Trainer.mentor_id, Trainer.status, Trainer.max_level))}
    link_rows, numbers = [], []
    for row in rows:
        d = row.data
        before = len(problems)
        named, mentor_id, ok = _mentor_of(row, batch_phones, by_row, failed, known, problems)
        if len(problems) > before:
            continue
        existing = known.trainers.get(row.existing) if row.existing else None
        if existing is not None and (not named or mentor_id == existing.mentor_id):
            d["mentor_id"] = existing.mentor_id  # unchanged: never refused, even outside the scope
            link_rows.append({"id": row.temp_id, "mentor_id": existing.mentor_id,
                              "max_level": d.get("max_level") or existing.max_level})
            numbers.append(row.number)
            continue
        if existing is not None:
            problems.append((row.number, column, message_for("second_mentor") +
                             " Hãy dùng “Chuyển người hướng dẫn” trên trang giảng viên."))
            continue
        d["mentor_id"] = mentor_id
        if mentor_id is None:
            if d.get("tier") not in (None, "province"):
                problems.append((row.number, column, message_for("mentor_required")))
        elif not ok:
            problems.append((row.number, column, message_for("out_of_scope")))
            continue
        link_rows.append({"id": row.temp_id, "mentor_id": mentor_id, "max_level": d.get("max_level")})
        numbers.append(row.number)
    found = validate_links(forest, link_rows)
    if found:
        who = _names(found, by_row, known)
        for problem in found:
            first = problem.params.get("first_row")
            problems.append((numbers[problem.row], column,
                             _link_message(problem, who, numbers[first] if first is not None else None)))
    return problems


def _names(found, by_row: dict[int, Row], known: _Known) -> dict[int, str]:
    """Each trainer named by a link problem, as the user knows them: a row of the file ("dòng N, …") or an
    existing trainer by name and phone, never by an internal id."""
    ids = {v for p in found for k, v in p.params.items() if k in ("trainer_id", "mentor_id")}
    ids |= {i for p in found for i in p.params.get("cycle", ())}
    names: dict[int, str] = {}
    for row in by_row.values():
        if row.temp_id in ids and not row.existing:
            phone = row.data.get("phone")
            names[row.temp_id] = f"dòng {row.number} ({row.data.get('full_name') or _local(phone or '')})"
    rest = ids - set(names)
    for chunk in _chunks(rest):
        for t in db.session.execute(select(Trainer.id, Person.full_name, Person.phone)
                                    .join(Person, Person.id == Trainer.person_id).where(Trainer.id.in_(chunk))):
            names[t.id] = t.full_name + (f" ({_local(t.phone)})" if t.phone else "")
    return names


def _link_message(problem, who: dict[int, str], first_row: int | None) -> str:
    p = problem.params
    mentor = who.get(p.get("mentor_id"), "người hướng dẫn này")
    if problem.code == "unknown_mentor":
        return f"Không tìm thấy người hướng dẫn {mentor}."
    if problem.code == "inactive_mentor":
        return f"Người hướng dẫn {mentor} không còn hoạt động."
    if problem.code == "mentor_level":
        return (f"Bậc giảng dạy ({p['trainee_level']}) cao hơn bậc của người hướng dẫn {mentor} "
                f"({p['mentor_level']}).")
    if problem.code == "second_mentor":
        return "Giảng viên này đã có người hướng dẫn khác" + (f" ở dòng {first_row}." if first_row else ".")
    if problem.code == "cycle":
        loop = " → ".join(who.get(i, "?") for i in (*p["cycle"], p["cycle"][0]))
        return f"Liên kết này tạo thành vòng lặp trong mạng lưới: {loop}."
    if problem.code == "self_mentor":
        return message_for("self_mentor")
    return message_for(problem.code, **p)


def apply(user, rows: list[Row]) -> int:
    """Add every new trainer, mentors first, then update the changed ones; returns how many were added.
    Call only after `check` is clean."""
    for _ in apply_steps(user, rows):
        pass
    return sum(1 for r in rows if not r.existing)


def apply_steps(user, rows: list[Row], every: int = 200) -> Iterator[int]:
    """`apply`, yielding the number of rows written every `every` rows and at the end."""
    temp = {r.temp_id: r for r in rows}
    done: set[int] = set()

    def add(row: Row) -> None:
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

    for n, row in enumerate(rows, 1):
        add(row)
        if row.existing and (row.changes or row.fill_phone):
            try:
                operations.update_trainer(user, db.session.get(Trainer, row.existing), row.changes,
                                          phone=row.fill_phone)
            except OperationError as error:
                raise OperationError(f"Dòng {row.number}: {error.message}", field=error.field,
                                     code=error.code) from None
        if n % every == 0:
            yield n
    yield len(rows)
