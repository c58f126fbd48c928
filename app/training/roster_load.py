"""Matching roster rows to existing persons and loading them into a class, all or nothing.

Rules:
- a row is the existing person whose code ("Mã hồ sơ", as exported; only a person the importing user sees),
  phone or ID number it carries, so one person never becomes two; a row whose code, phone and ID number
  name different persons, or whose phone belongs to a person with a different ID number (or the reverse), is
  an error; an unknown code is an error;
- a matched person's missing phone, ID number, e-mail or birth year is filled from the row;
- new persons live in the class's commune and audience group; persons already in the class are
  counted, not enrolled twice;
- the workplace ("Đơn vị công tác") is resolved after the persons are matched (`app.training.workplace`:
  a new person gets it, a matched person without one gets it filled, a different unit named by the row
  replaces theirs); the counts of filled and changed workplaces are shown and audited;
- `import_steps` yields progress events and writes only when no row is in error; the load uses
  SQLAlchemy Core executemany (with RETURNING for new ids), never ORM add_all; the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import bindparam, insert, or_, select, true, update

from app.audit import record
from app.extensions import db
from app.imports.progress import Progress
from app.imports.spec import RowError
from app.imports.table import Parsed, parse_steps
from app.models import Enrollment, Person, TrainingClass
from app.scope import visible
from app.text import fold
from app.training.roster import HEADER, SPEC
from app.training.workplace import resolve

CHUNK = 5000


@dataclass
class Outcome:
    checked: Parsed = field(default_factory=Parsed)
    created: int = 0
    matched: int = 0
    enrolled: int = 0
    already: int = 0
    workplace_filled: int = 0
    workplace_changed: int = 0
    written: bool = False
    file_error: str = ""

    @property
    def errors(self) -> list[RowError]:
        return self.checked.errors


def match_steps(rows: list[dict], errors: list[RowError], user=None) -> Iterator[int]:
    """Set row["person_id"] (or None for a new person) and row["fill"]; yield rows matched so far.
    A person code is looked up among the persons `user` sees (all persons for the system, `user=None`)."""
    row_of_person: dict[int, int] = {}
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        phones = [r["phone"] for r in chunk if r["phone"]]
        ids = [r["national_id"] for r in chunk if r["national_id"]]
        codes = [r["person_code"] for r in chunk if r.get("person_code")]
        columns = (Person.id, Person.phone, Person.national_id, Person.email, Person.birth_year, Person.unit_id)
        found = db.session.execute(
            select(*columns).where(or_(Person.phone.in_(phones), Person.national_id.in_(ids)))
        ).all()
        by_code = {p.id: p for p in db.session.execute(
            select(*columns).where(Person.id.in_(codes), visible(Person, user) if user is not None else true()))
        } if codes else {}
        by_phone = {p.phone: p for p in found if p.phone}
        by_id = {p.national_id: p for p in found if p.national_id}
        for row in chunk:
            a, b = by_phone.get(row["phone"]), by_id.get(row["national_id"])
            row["person_id"], row["fill"], row["own_unit_id"] = None, {}, None
            code = row.get("person_code")
            if code:
                coded = by_code.get(code)
                if coded is None:
                    errors.append(RowError(row["row"], HEADER["person_code"],
                                           f"Không có học viên mã hồ sơ {code} trong phạm vi của bạn."))
                    continue
                if (a and a.id != coded.id) or (b and b.id != coded.id):
                    errors.append(RowError(row["row"], HEADER["phone" if a and a.id != coded.id else "national_id"],
                                           f"Thuộc về một người khác, không phải mã hồ sơ {code}."))
                    continue
                if row["phone"] and coded.phone and coded.phone != row["phone"]:
                    errors.append(RowError(row["row"], HEADER["phone"],
                                           f"Học viên mã hồ sơ {code} có số điện thoại khác."))
                    continue
                a = a or coded
            if a and b and a.id != b.id:
                errors.append(RowError(row["row"], HEADER["national_id"],
                                       "Số điện thoại và số định danh thuộc về hai người khác nhau đã có."))
                continue
            person = a or b
            if person is None:
                continue
            if a and row["national_id"] and a.national_id and a.national_id != row["national_id"]:
                errors.append(RowError(row["row"], HEADER["national_id"],
                                       "Số điện thoại đã thuộc một người có số định danh khác."))
                continue
            if b and row["phone"] and b.phone and b.phone != row["phone"]:
                errors.append(RowError(row["row"], HEADER["phone"],
                                       "Số định danh đã thuộc một người có số điện thoại khác."))
                continue
            if person.id in row_of_person:
                errors.append(RowError(row["row"], HEADER["full_name"],
                                       f"Cùng một người với dòng {row_of_person[person.id]}."))
                continue
            row_of_person[person.id] = row["row"]
            row["person_id"], row["own_unit_id"] = person.id, person.unit_id
            row["fill"] = {k: row[k] for k in ("phone", "national_id", "email", "birth_year")
                           if row[k] and getattr(person, k) is None}
        yield min(start + CHUNK, len(rows))


def import_steps(training_class: TrainingClass, filename: str, data: bytes, outcome: Outcome,
                 dry_run: bool, user=None) -> Iterator[Progress]:
    """Check, match and (unless a dry run or any error) load; yield progress along the way.

    The first step comes once the header is found, so a file refused as a whole (`FileError`) is raised
    by the first `next()`, before anything is streamed."""
    for n in parse_steps(SPEC, filename, data, outcome.checked):
        yield Progress("check", n, 0)
    rows, errors = outcome.checked.rows, outcome.checked.errors
    for n in match_steps(rows, errors, user):
        yield Progress("match", n, len(rows))
    resolve(rows, errors, HEADER["workplace"], user, training_class)
    errors.sort(key=lambda e: e.row)
    if errors or dry_run:
        outcome.created = sum(1 for r in rows if r.get("person_id") is None)
        outcome.matched = len(rows) - outcome.created
        count_workplaces(rows, outcome)
        yield Progress("done", len(rows), len(rows))
        return
    for n in load_steps(training_class, rows, outcome):
        yield Progress("load", n, len(rows))
    outcome.written = True
    record("class.roster_import", training_class, after={
        "rows": len(rows), "created": outcome.created, "matched": outcome.matched,
        "enrolled": outcome.enrolled, "already": outcome.already, "workplace_filled": outcome.workplace_filled,
        "workplace_changed": outcome.workplace_changed, "workplace_changes": workplace_changes(rows)})
    yield Progress("done", len(rows), len(rows))


def count_workplaces(rows: list[dict], outcome: Outcome) -> None:
    outcome.workplace_filled = sum(1 for r in rows if r.get("unit_change") == "fill")
    outcome.workplace_changed = sum(1 for r in rows if r.get("unit_change") == "change")


AUDITED_CHANGES = 5000


def workplace_changes(rows: list[dict]) -> list[list[int | None]]:
    """[person id, unit before, unit after] for the matched persons whose workplace the import wrote, the first
    `AUDITED_CHANGES` of them (the event's counts hold them all; a 100k-row file stays a readable event)."""
    return [[r["person_id"], r.get("own_unit_id"), r["unit_id"]] for r in rows if r.get("unit_change")][
        :AUDITED_CHANGES]


def load_steps(training_class: TrainingClass, rows: list[dict], outcome: Outcome) -> Iterator[int]:
    persons = Person.__table__
    new = [r for r in rows if r["person_id"] is None]
    for start in range(0, len(new), CHUNK):
        chunk = new[start:start + CHUNK]
        values = [{
            "full_name": r["full_name"], "search_key": fold(r["full_name"]), "phone": r["phone"],
            "email": r["email"], "national_id": r["national_id"], "birth_year": r["birth_year"],
            "gender": r["gender"], "ethnic_group": r["ethnic_group"], "home_area_id": training_class.venue_area_id,
            "unit_id": r.get("unit_id"), "audience_group": training_class.audience_group,
        } for r in chunk]
        ids = db.session.scalars(insert(persons).returning(persons.c.id, sort_by_parameter_order=True), values).all()
        for r, pid in zip(chunk, ids, strict=True):
            r["person_id"] = pid
        yield start + len(chunk)
    outcome.created = len(new)
    outcome.matched = len(rows) - len(new)
    for key in ("phone", "national_id", "email", "birth_year"):
        fills = [{"pid": r["person_id"], "val": r["fill"][key]} for r in rows if key in r.get("fill", {})]
        if fills:
            db.session.execute(update(persons).where(persons.c.id == bindparam("pid"))
                               .values({key: bindparam("val")}), fills)
    moved = [{"pid": r["person_id"], "val": r["unit_id"]} for r in rows if r.get("unit_change")]
    if moved:
        db.session.execute(update(persons).where(persons.c.id == bindparam("pid"))
                           .values(unit_id=bindparam("val")), moved)
    count_workplaces(rows, outcome)
    present = set(db.session.scalars(select(Enrollment.person_id).where(Enrollment.class_id == training_class.id)))
    enrol = [{"class_id": training_class.id, "person_id": r["person_id"], "status": "enrolled", "candidate": False}
             for r in rows if r["person_id"] not in present]
    outcome.already = len(rows) - len(enrol)
    for start in range(0, len(enrol), CHUNK):
        db.session.execute(insert(Enrollment.__table__), enrol[start:start + CHUNK])
    outcome.enrolled = len(enrol)
    yield len(rows)
