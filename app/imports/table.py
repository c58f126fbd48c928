"""Parsing an upload against a `Spec`: find the header row and the sheet, clean every row, list every error.

Rules:
- the header row is looked for in the first `HEADER_ROWS` rows of each sheet (title rows and merged cells above
  it are normal); headers match a column's header, key or alias ignoring case, diacritics, spaces, punctuation
  and markers such as "(*)"; the sheet is the first whose header row has every required column;
- header cells that match no column are listed in `ignored`, as is a second column with the same meaning;
- rows after the header are numbered as in the sheet; empty rows and the template's example rows are skipped;
  a file with no data row at all (only the header) is refused;
- every bad cell is a `RowError` (row, column header, reason); the checker runs only on rows whose cells are
  clean; `parse_steps` yields the number of rows read every `every` rows, so a long import shows progress.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain

from app.imports import cells
from app.imports.read import FileError, Sheet, read_upload
from app.imports.spec import Column, RowError, Spec
from app.text import fold

__all__ = ["Parsed", "parse", "parse_steps", "clean_row", "header_key", "FileError"]

HEADER_ROWS = 10
_MARKERS = re.compile(r"\(.*?\)|\[.*?\]|\*")


def header_key(text) -> str:
    """The header as compared: "Họ và tên (*)" → "hovaten"."""
    return re.sub(r"[^a-z0-9]", "", fold(_MARKERS.sub("", cells.as_text(text))))


@dataclass
class Parsed:
    rows: list[dict] = field(default_factory=list)  # clean rows by key, each with "row" (its number)
    errors: list[RowError] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # header cells read as no column
    failed: list[dict] = field(default_factory=list)  # rows with an error: their clean cells (bad ones None)
    examples: list[int] = field(default_factory=list)  # numbers of the template's example rows, skipped
    total: int = 0  # non-empty data rows, examples included
    sheet: str = ""
    header_row: int = 0


def parse(spec: Spec, filename: str, data: bytes) -> Parsed:
    parsed = Parsed()
    for _ in parse_steps(spec, filename, data, parsed):
        pass
    return parsed


def _lookup(spec: Spec) -> dict[str, Column]:
    found: dict[str, Column] = {}
    for column in spec.columns:
        for name in (column.header, column.key, *column.aliases):
            found.setdefault(header_key(name), column)
    return found


def _missing(spec: Spec, keys: set[str]) -> list[str]:
    missing = [c.header for c in spec.columns if c.required and c.key not in keys]
    for group in spec.one_of:
        if not keys & set(group):
            missing.append(" hoặc ".join(spec.header(k) for k in group))
    return missing


def _find_header(spec: Spec, sheets: Iterator[Sheet], parsed: Parsed):
    lookup = _lookup(spec)
    best: tuple[int, list[str]] | None = None
    for sheet in sheets:
        head: list[tuple[int, list]] = []
        for item in sheet.rows:
            head.append(item)
            if len(head) == HEADER_ROWS:
                break
        for index, (number, row) in enumerate(head):
            keys = {lookup[k].key for k in map(header_key, row) if k in lookup}
            if not keys:
                continue
            missing = _missing(spec, keys)
            if not missing:
                parsed.sheet, parsed.header_row = sheet.name, number
                return row, chain(head[index + 1:], sheet.rows)
            if best is None or len(keys) > best[0]:
                best = (len(keys), missing)
    if best is None:
        raise FileError(f"Không tìm thấy dòng tiêu đề của {spec.title} trong {HEADER_ROWS} dòng đầu; "
                        "hãy dùng tệp mẫu.")
    raise FileError("Thiếu cột: " + ", ".join(f"“{m}”" for m in best[1]) + " ở dòng tiêu đề; hãy dùng tệp mẫu.")


def _examples(spec: Spec) -> set[tuple]:
    keys = [c.key for c in spec.columns]
    return {tuple((k, cells.as_text(v).strip()) for k, v in zip(keys, row, strict=False) if v not in ("", None))
            for row in spec.examples}


def _present(positions: list[tuple[int, Column]], row: list) -> dict:
    """The row's non-empty cells by key."""
    found = {}
    width = len(row)
    for index, column in positions:
        if index < width:
            value = row[index]
            if value is not None and value != "" and (not isinstance(value, str) or value.strip()):
                found[column.key] = value
    return found


def parse_steps(spec: Spec, filename: str, data: bytes, parsed: Parsed, every: int = 5000) -> Iterator[int]:
    """Parse into `parsed`, yielding 0 once the header is found, then the number of rows read every `every` rows
    and at the end. A file-level problem raises `FileError` (before the first yield when it is the header's)."""
    header, rows = _find_header(spec, read_upload(filename, data, spec.max_rows), parsed)
    yield 0
    lookup = _lookup(spec)
    positions: list[tuple[int, Column]] = []
    taken: set[str] = set()
    for index, text in enumerate(header):
        column = lookup.get(header_key(text))
        if column is None or column.key in taken:
            if cells.as_text(text).strip():
                parsed.ignored.append(cells.as_text(text).strip())
            continue
        taken.add(column.key)
        positions.append((index, column))
    examples = _examples(spec)
    sizes = {len(e) for e in examples}
    seen: dict[str, dict] = {key: {} for key in spec.unique}
    for number, row in rows:
        present = _present(positions, row)
        if not present:
            continue
        parsed.total += 1
        if parsed.total % every == 0:
            yield parsed.total
        if len(present) in sizes and tuple((c.key, cells.as_text(present[c.key]).strip()) for c in spec.columns
                                           if c.key in present) in examples:
            parsed.examples.append(number)
            continue
        clean = clean_row(spec, number, present, parsed.errors, taken, parsed.failed)
        if clean is not None:
            _unique(spec, clean, seen, parsed)
    if parsed.total == 0:
        raise FileError(f"Tệp chỉ có dòng tiêu đề (dòng {parsed.header_row}), không có dòng dữ liệu nào.")
    yield parsed.total


def clean_row(spec: Spec, number: int, raw: dict, errors: list[RowError], taken: set[str] | None = None,
              failed: list[dict] | None = None) -> dict | None:
    """One row's clean values by key (None and its errors appended when any cell or the checker fails; the
    partly clean values then go to `failed`). `taken`: the keys the header has (default: every column)."""
    before = len(errors)
    values: dict = {"row": number}
    for column in spec.columns:
        try:
            values[column.key] = column.clean(raw.get(column.key)) if taken is None or column.key in taken else None
        except cells.CellError as error:
            values[column.key] = None
            errors.append(RowError(number, column.header, str(error)))
    if len(errors) == before and spec.check_row is not None:
        spec.check_row(values, lambda key, reason: errors.append(RowError(number, spec.header(key), reason)))
    if len(errors) == before:
        return values
    if failed is not None:
        failed.append(values)
    return None


def _unique(spec: Spec, values: dict, seen: dict[str, dict], parsed: Parsed) -> None:
    number = values["row"]
    for key in spec.unique:
        value = values.get(key)
        if value is not None and value in seen[key]:
            parsed.errors.append(RowError(number, spec.header(key),
                                          f"{spec.header(key)} trùng với dòng {seen[key][value]}."))
            parsed.failed.append(values)
            return
    for key in spec.unique:
        if values.get(key) is not None:
            seen[key][values[key]] = number
    parsed.rows.append(values)
