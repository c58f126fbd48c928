"""Reading and checking a roster file (xlsx or csv), before anything is written.

Rules:
- accepted: .xlsx (an Office Open XML zip) or .csv (UTF-8, comma or semicolon), at most
  MAX_BYTES; the first row holds the headers of the template (matched without diacritics);
- "Họ và tên" is required, and a phone or an ID number (so a person is never created twice);
  phones are normalised to +84…; ID numbers have 9 or 12 digits; birth years 1900–this year;
  "Giới tính" is Nam/Nữ/Khác; e-mail addresses look like one;
- the same phone or ID number twice in one file is an error on the later row;
- every bad cell is reported as (row number as the user sees it, column header, reason);
  nothing is written while any error remains.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from app.text import PhoneError, fold, normalize_phone

MAX_BYTES = 15 * 1024 * 1024
MAX_ROWS = 200_000
COLUMNS = [  # key, header in the template, required
    ("full_name", "Họ và tên", True),
    ("phone", "Số điện thoại", False),
    ("national_id", "Số định danh", False),
    ("birth_year", "Năm sinh", False),
    ("gender", "Giới tính", False),
    ("ethnic_group", "Dân tộc", False),
    ("email", "Email", False),
]
HEADER = {key: header for key, header, _ in COLUMNS}
_BY_FOLDED = {fold(header): key for key, header, _ in COLUMNS}
_GENDERS = {"nam": "male", "nu": "female", "khac": "other"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ID = re.compile(r"^(\d{9}|\d{12})$")


class RosterFileError(ValueError):
    """The file as a whole cannot be read (type, size, headers)."""


@dataclass
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class Checked:
    rows: list[dict] = field(default_factory=list)  # clean rows, each with "row" (its number)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0


def read_table(filename: str, data: bytes) -> Iterator[list]:
    """Yield the file's rows as lists of cell values, the header row first."""
    name = (filename or "").lower()
    if len(data) > MAX_BYTES:
        raise RosterFileError(f"Tệp quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).")
    if name.endswith(".xlsx"):
        if not data.startswith(b"PK\x03\x04"):
            raise RosterFileError("Tệp .xlsx không hợp lệ (không phải bảng tính Excel).")
        from python_calamine import CalamineWorkbook

        try:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
            yield from sheet.to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises its own error types for broken workbooks
            raise RosterFileError("Không đọc được bảng tính: tệp bị hỏng hoặc sai định dạng.") from exc
    elif name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RosterFileError("Tệp CSV phải dùng bảng mã UTF-8.") from None
        first = text.split("\n", 1)[0]
        yield from csv.reader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    else:
        raise RosterFileError("Chỉ nhận tệp .xlsx hoặc .csv.")


def header_keys(header: list) -> list[str | None]:
    keys = [_BY_FOLDED.get(fold(str(cell or ""))) for cell in header]
    if "full_name" not in keys:
        raise RosterFileError("Thiếu cột “Họ và tên” ở dòng tiêu đề; hãy dùng tệp mẫu.")
    return keys


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def check_row(number: int, values: dict[str, str], errors: list[RowError]) -> dict | None:
    """Validate one row; append its errors; return the clean row or None."""
    bad = len(errors)
    row: dict = {"row": number}
    name = " ".join(values.get("full_name", "").split())
    if not name:
        errors.append(RowError(number, HEADER["full_name"], "Thiếu họ và tên."))
    elif len(name) > 120:
        errors.append(RowError(number, HEADER["full_name"], "Họ và tên dài quá 120 ký tự."))
    row["full_name"] = name
    try:
        row["phone"] = normalize_phone(values.get("phone"))
    except PhoneError:
        errors.append(RowError(number, HEADER["phone"], "Số điện thoại không hợp lệ (cần 10 số, ví dụ 0912345678)."))
    national_id = re.sub(r"\s", "", values.get("national_id", "")) or None
    if national_id and not _ID.match(national_id):
        errors.append(RowError(number, HEADER["national_id"], "Số định danh phải có 12 chữ số (hoặc CMND 9 số)."))
    row["national_id"] = national_id
    if not row.get("phone") and not national_id and len(errors) == bad:
        errors.append(RowError(number, HEADER["phone"], "Cần số điện thoại hoặc số định danh để tránh trùng người."))
    year = values.get("birth_year", "")
    row["birth_year"] = None
    if year:
        if not year.isdigit() or not 1900 <= int(year) <= 2100:
            errors.append(RowError(number, HEADER["birth_year"], "Năm sinh không hợp lệ (ví dụ 1985)."))
        else:
            row["birth_year"] = int(year)
    gender = fold(values.get("gender", ""))
    row["gender"] = _GENDERS.get(gender) if gender else None
    if gender and row["gender"] is None:
        errors.append(RowError(number, HEADER["gender"], "Giới tính ghi Nam, Nữ hoặc Khác."))
    row["ethnic_group"] = values.get("ethnic_group", "")[:40] or None
    email = values.get("email", "") or None
    if email and (len(email) > 160 or not _EMAIL.match(email)):
        errors.append(RowError(number, HEADER["email"], "Email không hợp lệ."))
    row["email"] = email
    return row if len(errors) == bad else None


def check_table(rows: Iterator[list]) -> Checked:
    """Check a whole table at once (see `check_steps`)."""
    result = Checked()
    for _ in check_steps(rows, result):
        pass
    return result


def check_steps(rows: Iterator[list], result: Checked, every: int = 5000) -> Iterator[int]:
    """Check a table into `result`, yielding the number of rows read every `every` rows.

    Duplicates inside the file are errors on the later row.
    """
    try:
        header = next(rows)
    except StopIteration:
        raise RosterFileError("Tệp trống.") from None
    keys = header_keys(header)
    seen_phone: dict[str, int] = {}
    seen_id: dict[str, int] = {}
    for number, cells in enumerate(rows, start=2):
        values = {k: _cell(v) for k, v in zip(keys, cells, strict=False) if k}
        if not any(values.values()):
            continue
        result.total += 1
        if result.total > MAX_ROWS:
            raise RosterFileError(f"Tệp có quá {MAX_ROWS:,} dòng; hãy chia nhỏ.".replace(",", "."))
        if result.total % every == 0:
            yield result.total
        row = check_row(number, values, result.errors)
        if row is None:
            continue
        clash = False
        for key, seen, label in (("phone", seen_phone, "Số điện thoại"), ("national_id", seen_id, "Số định danh")):
            if row[key] and row[key] in seen:
                result.errors.append(RowError(number, HEADER[key], f"{label} trùng với dòng {seen[row[key]]}."))
                clash = True
            elif row[key]:
                seen[row[key]] = number
        if not clash:
            result.rows.append(row)
    yield result.total
