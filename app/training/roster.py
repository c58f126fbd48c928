"""The class roster as a declared table (`app.imports`): its columns, its row rules, its template.

Rules:
- "Họ và tên" is required, and a phone, an ID number or the person's code ("Mã hồ sơ", as the learner exports
  carry it) so a person is never created twice; phones are
  normalised to +84… (a number cell that lost its leading 0 is restored); ID numbers have 9 or 12 digits; birth
  years 1900–2100; "Giới tính" is Nam/Nữ/Khác; e-mail addresses look like one; every text fits its column in
  `persons` (longer is an error, never cut);
- the same phone or ID number twice in one file is an error on the later row;
- "Đơn vị công tác" is the learner's workplace: a unit code or name, matched by `app.training.workplace` among
  the units the importing user may choose (empty in a civil-servant class with a host unit: the host unit);
- the template's example row is ignored on import, so the template imports back unchanged;
- every bad cell is reported as (row number as the user sees it, column header, reason); nothing is written
  while any error remains (`app.training.roster_load`).
"""

from __future__ import annotations

from app.imports.spec import Column, Spec, length_of
from app.imports.table import Parsed, clean_row
from app.models import Person, Unit

__all__ = ["SPEC", "COLUMNS", "HEADER", "EXAMPLE", "Parsed", "check_values"]

GENDERS = {"nam": "male", "nu": "female", "khac": "other"}
EXAMPLE = ("Nguyễn Thị Mai", "0912345678", "019190001234", 1990, "Nữ", "Tày", "mai@example.com", "", "")


def _check(values: dict, error) -> None:
    if not values["phone"] and not values["national_id"] and not values.get("person_code"):
        error("phone", "Cần số điện thoại hoặc số định danh để tránh trùng người.")


SPEC = Spec("danh sách học viên", (
    Column("full_name", "Họ và tên", required=True, max_length=length_of(Person.full_name),
           aliases=("Họ tên", "Tên học viên")),
    Column("phone", "Số điện thoại", "phone", aliases=("SĐT", "Điện thoại")),
    Column("national_id", "Số định danh", "digits", aliases=("CCCD", "Số CCCD", "CMND"),
           hint="Số định danh có 12 chữ số (hoặc CMND 9 số)."),
    Column("birth_year", "Năm sinh", "int", minimum=1900, maximum=2100, hint="Ví dụ 1985."),
    Column("gender", "Giới tính", "choice", choices=GENDERS, hint="Giới tính ghi Nam, Nữ hoặc Khác."),
    Column("ethnic_group", "Dân tộc", max_length=length_of(Person.ethnic_group)),
    Column("email", "Email", max_length=length_of(Person.email), aliases=("Thư điện tử",),
           pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+", hint="Email ví dụ ten@example.com."),
    Column("person_code", "Mã hồ sơ", "int", minimum=1, message="Mã hồ sơ là một số (xem danh sách học viên)."),
    Column("workplace", "Đơn vị công tác", max_length=length_of(Unit.name) + 20,
           aliases=("Đơn vị", "Mã đơn vị", "Cơ quan", "Cơ quan công tác", "Nơi công tác")),
), check_row=_check, unique=("phone", "national_id", "person_code"), examples=(EXAMPLE,))

COLUMNS = [(c.key, c.header, c.required) for c in SPEC.columns]  # key, header, required (exports reuse them)
HEADER = {c.key: c.header for c in SPEC.columns}


def check_values(values: dict, errors: list) -> dict | None:
    """One learner typed in a form, through the same rules as a roster row (row number 1)."""
    return clean_row(SPEC, 1, values, errors)
