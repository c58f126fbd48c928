"""A declared table: its columns (header, aliases, type, required, length), a row checker, unique keys, examples.

Rules:
- each import declares its columns once; a column's maximum length is the database column's
  (`length_of(Model.attr)`), so nothing longer is ever stored or silently cut;
- a required column must be in the header row and filled on every row; `one_of` groups need one column of the
  group in the header row (a group of one: a column that must be present but may be empty);
- `check_row(values, error)` adds cross-column rules after every cell of the row is clean;
- a value of a `unique` column seen twice is an error on the later row ("trùng với dòng N");
- rows equal to one of the template's `examples` are ignored (and counted), so a template imports back unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from app.imports import cells
from app.imports.read import MAX_ROWS

__all__ = ["Column", "Spec", "RowError", "length_of"]


class RowError(NamedTuple):
    row: int  # as the user sees it in the sheet (0: the file as a whole)
    column: str  # the column's Vietnamese header
    reason: str  # Vietnamese

    @property
    def message(self) -> str:
        return self.reason


def length_of(attribute) -> int:
    """The length of a SQLAlchemy String column (`length_of(Person.full_name)` → 120)."""
    return attribute.property.columns[0].type.length


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | phone | digits | date | int | choice
    required: bool = False
    aliases: tuple[str, ...] = ()
    max_length: int | None = None
    choices: Mapping[str, str] | None = field(default=None, hash=False)  # folded label → stored code
    minimum: int | None = None
    maximum: int | None = None
    lengths: tuple[int, ...] = (9, 12)  # digits: accepted lengths
    pattern: str | None = None  # text: a regular expression the whole value must match
    hint: str = ""  # added to every reason of this column, e.g. "Giới tính ghi Nam, Nữ hoặc Khác."
    message: str = ""  # replaces the reason for a filled cell that is wrong, e.g. "Bậc phải là số từ 1 đến 5."

    @property
    def template_header(self) -> str:
        return self.header + (" (*)" if self.required else "")

    def clean(self, value):
        """The stored value (None when the cell is empty) or `cells.CellError` (with the column's hint)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.required:
                raise cells.CellError("Bắt buộc, đang để trống.")
            return None
        try:
            return self._clean(value)
        except cells.CellError as error:
            raise cells.CellError(self.message or f"{error} {self.hint}".strip()) from None

    def _clean(self, value):
        if self.kind == "phone":
            return cells.to_phone(value)
        if self.kind == "digits":
            return cells.to_digits(value, self.lengths)
        if self.kind == "date":
            return cells.to_date(value)
        if self.kind == "int":
            return cells.to_int(value, self.minimum, self.maximum)
        if self.kind == "choice":
            return cells.to_choice(value, dict(self.choices or {}))
        text = cells.clean_text(value, self.max_length)
        if self.pattern and not re.fullmatch(self.pattern, text):
            raise cells.CellError(f"“{text}” không hợp lệ.")
        return text or None


@dataclass(frozen=True)
class Spec:
    title: str  # what the table holds, e.g. "danh sách học viên"
    columns: tuple[Column, ...]
    check_row: Callable[[dict, Callable[[str, str], None]], None] | None = None
    unique: tuple[str, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()
    examples: tuple[tuple, ...] = ()  # the template's example rows, in column order
    max_rows: int = MAX_ROWS

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def header(self, key: str) -> str:
        return self.column(key).header

    @property
    def template_headers(self) -> list[str]:
        return [c.template_header for c in self.columns]
