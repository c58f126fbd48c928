"""Import templates as xlsx: the headers an import reads, example rows, and a sheet of instructions.

One builder for every import (trainers, rosters, denominators), so templates look and read the same:
bold green headers, text-formatted columns (phone numbers keep their leading 0), example rows (the imports
skip a row equal to one of their declared examples, so a template imports back unchanged); every sheet prints
as the reports do (`app.reports.printing.setup_book`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import xlsxwriter

from app.reports.printing import setup_book

__all__ = ["import_template", "XLSX_MIMETYPE"]

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_template(sheet_name: str, headers: Sequence[str], examples: Sequence[Sequence], *,
                    notes: Sequence[str] = (), width: int = 22) -> bytes:
    """The workbook's bytes: `headers` on row 1, `examples` below, `notes` on a 'Hướng dẫn' sheet."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(sheet_name)
    bold = book.add_format({"bold": True, "bg_color": "#D1FADF", "border": 1})
    text = book.add_format({"num_format": "@"})
    for col, header in enumerate(headers):
        sheet.write(0, col, header, bold)
        sheet.set_column(col, col, width, text)
    sheet.freeze_panes(1, 0)
    for row, values in enumerate(examples, start=1):
        for col, value in enumerate(values):
            sheet.write(row, col, value)
    if notes:
        guide = book.add_worksheet("Hướng dẫn")
        guide.set_column(0, 0, 110)
        for row, line in enumerate(notes):
            guide.write(row, 0, line)
    setup_book(book, f"Tệp mẫu — {sheet_name}")
    book.close()
    return out.getvalue()
