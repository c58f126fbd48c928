"""Turning one cell (whatever the reader gave: text, float, int, date) into a clean value, or a Vietnamese reason.

Rules:
- all text is NFC, stripped, inner runs of spaces collapsed; control characters (NUL, tab, line breaks …) and
  formulas (text beginning with "=") are refused, and so are HTML tags in text columns; a text longer than the
  database column is refused, never cut;
- whole floats read from a workbook are integers ("912345678.0" never appears); numbers are stored as text where
  the column is text;
- phones: with or without the leading 0, +84/84, spaces, dots, dashes, or a number that lost its leading 0
  → +84xxxxxxxxx (`app.text.normalize_phone`);
- dates: a workbook date, dd/mm/yyyy (or d-m-yyyy), ISO yyyy-mm-dd, or an Excel serial number;
- whole numbers: digits with "." "," or spaces as thousands separators, within the column's bounds;
- choices: the label or code, case and diacritics ignored.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from app.text import PhoneError, fold, normalize_phone

__all__ = ["CellError", "as_text", "clean_text", "to_phone", "to_date", "to_int", "to_digits", "to_choice"]

_SPACES = re.compile(r"\s+")
_ODD_SPACE = re.compile(r"\s\s|[^\S ]")  # two spaces in a row, or a space other than " "
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc
_TAG = re.compile(r"<\s*[a-zA-Z!/?]")
_EXCEL_EPOCH = date(1899, 12, 30)
_WHOLE = re.compile(r"\d+|\d{1,3}([.,\s]\d{3})+")


class CellError(ValueError):
    """The cell's value is not acceptable; str(error) is the Vietnamese reason."""


def as_text(value) -> str:
    """The cell as raw text (no checks): None as "", whole floats without ".0", dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def clean_text(value, max_length: int | None = None, *, html: bool = False) -> str:
    text = (value if type(value) is str else as_text(value)).strip()
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if _CONTROL.search(text):
        raise CellError("Có ký tự điều khiển (NUL, xuống dòng, tab…) — hãy xóa rồi gõ lại ô này.")
    if _ODD_SPACE.search(text):
        text = _SPACES.sub(" ", text).strip()
    if text[:1] == "=":
        raise CellError("Ô chứa công thức; hãy ghi giá trị (dán “chỉ giá trị”).")
    if not html and "<" in text and _TAG.search(text):
        raise CellError("Không được chứa thẻ HTML (ký tự “<”).")
    if max_length is not None and len(text) > max_length:
        raise CellError(f"Dài {len(text):,} ký tự, tối đa {max_length}.".replace(",", ".").replace(". tối", ", tối"))
    return text


def to_phone(value) -> str | None:
    text = clean_text(value, 40)
    if isinstance(value, (int, float)) or (text.isdigit() and len(text) == 9):
        digits = text
        if len(digits) == 9 and digits[0] != "0":
            text = "0" + digits  # Excel drops the leading 0 of a number cell
    try:
        return normalize_phone(text)
    except PhoneError:
        raise CellError(f"Số điện thoại “{text}” không hợp lệ (cần 10 số, ví dụ 0912345678).") from None


def to_digits(value, lengths: tuple[int, ...]) -> str:
    """Digits only (an ID number): a number cell that lost its leading 0 gets it back."""
    text = re.sub(r"[\s.]", "", clean_text(value, 40))
    if isinstance(value, (int, float)) and len(text) + 1 in lengths:
        text = "0" + text
    if not text.isdigit() or len(text) not in lengths:
        raise CellError("Phải có " + " hoặc ".join(str(n) for n in lengths) + " chữ số.")
    return text


def to_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        serial = value
    else:
        text = clean_text(value, 40)
        for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
            try:
                return _in_range(datetime.strptime(text, pattern).date())
            except ValueError:
                continue
        if not re.fullmatch(r"\d{4,5}(\.0+)?", text):
            raise CellError(f"Ngày “{text}” không hợp lệ (dd/mm/yyyy, ví dụ 20/05/2025).")
        serial = float(text)
    return _in_range(_EXCEL_EPOCH + timedelta(days=int(serial)))


def _in_range(day: date) -> date:
    if not 1900 <= day.year <= 2100:
        raise CellError(f"Ngày {day:%d/%m/%Y} nằm ngoài khoảng 1900–2100.")
    return day


def to_int(value, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = clean_text(value, 40)
        if not _WHOLE.fullmatch(text):
            raise CellError(f"“{text}” không phải số nguyên không âm.")
        number = int(re.sub(r"[\s.,]", "", text))
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        bounds = f"từ {minimum} đến {maximum}" if maximum is not None else f"ít nhất {minimum}"
        raise CellError(f"Phải là số {bounds}.")
    return number


def to_choice(value, choices: dict[str, str]) -> str:
    text = clean_text(value, 80)
    found = choices.get(fold(text))
    if found is None:
        raise CellError(f"“{text}” không hợp lệ.")
    return found
