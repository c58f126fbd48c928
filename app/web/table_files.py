"""Uploaded tables for the imports (trainers, denominators): the first sheet of an .xlsx or a UTF-8 CSV
(comma or semicolon), its title row mapped to column keys, its data rows numbered as in the sheet.

Rules:
- a column title matches its key or its Vietnamese label, diacritics and case ignored; other columns are left out;
- data rows are numbered from 2 (the title row is row 1); string cells are stripped; rows whose cells are all
  empty are skipped;
- an unreadable file, another file type or an empty file raises `ImportFileError` with a Vietnamese message.
(The roster import reads its 100k-row files as a stream, with its own size and signature checks:
`app/training/roster.py`.)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from app.text import fold

__all__ = ["ImportFileError", "read_table", "keyed_rows", "cell_text"]


class ImportFileError(ValueError):
    """The file cannot be read as the import's table (Vietnamese message)."""


def cell_text(value) -> str:
    """A cell as text: whole floats without '.0', None as ''."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def read_table(filename: str, content: bytes) -> list[list]:
    """The file's rows as lists of cell values, the title row first."""
    try:
        if filename.lower().endswith(".csv"):
            text = content.decode("utf-8-sig")
            dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", ";,")
            table = list(csv.reader(io.StringIO(text), dialect))
        elif filename.lower().endswith(".xlsx"):
            from python_calamine import CalamineWorkbook

            table = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
        else:
            raise ImportFileError("Chỉ nhận tệp .xlsx hoặc .csv.")
    except ImportFileError:
        raise
    except Exception:  # csv, the decoder and calamine raise their own types for broken files
        raise ImportFileError("Không đọc được tệp: hãy dùng tệp mẫu (.xlsx) hoặc CSV mã UTF-8.") from None
    if not table:
        raise ImportFileError("Tệp trống.")
    return table


def keyed_rows(table: list[list], columns: Iterable[tuple[str, str]]) -> tuple[list[str | None], list[tuple[int, dict]]]:
    """(the title row's keys, [(row number, {key: cell})] for every non-empty data row)."""
    by_title = {fold(label): key for key, label in columns} | {key: key for key, _ in columns}
    header = [by_title.get(fold(str(cell))) for cell in table[0]]
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {key: (cell.strip() if isinstance(cell, str) else cell)
                  for key, cell in zip(header, cells, strict=False) if key}
        if any(v not in ("", None) for v in values.values()):
            rows.append((number, values))
    return header, rows
