"""Writing tables into xlsxwriter sheets the same way everywhere: Vietnamese headers, frozen header row,
autofilter, column widths, and cell formats by kind.

Rules: a column has a kind — 'text', 'int' ('#,##0'), 'num' ('#,##0.0'), 'pct' ('0.0%', a ratio 0–1),
'date' ('dd/mm/yyyy'), 'datetime' ('dd/mm/yyyy hh:mm'); Excel shows the grouping and decimal marks of the
reader's locale (a Vietnamese Excel writes 1.234,5). Text is written as text (a phone keeps its leading zero).
Rows are written in order, so a sheet opened with `constant_memory` streams them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from app.reports.printing import row_height
from app.web.formatting import _local as local_time

HEADER_NARROWING = 0.85  # bold header text is wider: fewer letters a line
NUM_FORMATS = {"int": "#,##0", "num": "#,##0.0", "pct": "0.0%", "date": "dd/mm/yyyy",
               "datetime": "dd/mm/yyyy hh:mm"}


# a table's header cells and its data cells by kind (text cells have no format), as xlsxwriter format properties;
# the exports' writer (app/exports/writers.py) makes its formats from the same properties
HEADER_STYLE = {"bold": True, "bg_color": "#D1FADF", "border": 1, "text_wrap": True, "valign": "top"}


def cell_style(kind: str) -> dict:
    return {"num_format": NUM_FORMATS[kind], "valign": "top"}


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"
    width: float = 16
    wrap: bool = False  # long text wraps within the width (the row grows) instead of spilling or being cut


class Formats:
    """The workbook's cell formats, made once per workbook."""

    def __init__(self, book: Workbook):
        self.book = book
        self.header = book.add_format(HEADER_STYLE)
        self.title = book.add_format({"bold": True, "font_size": 14, "font_color": "#08543C"})
        self.label = book.add_format({"bold": True})
        self.note = book.add_format({"italic": True, "font_color": "#555555"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        # cells align at the top, so a row grown for wrapped text reads as one line of a table
        self.top = book.add_format({"valign": "top"})  # a grown row's format: its cells written without one
        self.total = {kind: book.add_format({"bold": True, "num_format": fmt, "top": 1, "valign": "top"})
                      for kind, fmt in NUM_FORMATS.items()} | {"text": book.add_format({"bold": True, "top": 1})}
        self.cell = {kind: book.add_format(cell_style(kind)) for kind in NUM_FORMATS}
        self.cell["text"] = None
        self.status = {code: book.add_format({"bg_color": color, "bold": True, "valign": "top"})
                       for code, color in (("green", "#D1FADF"), ("amber", "#FEF0C7"), ("red", "#FEE4E2"),
                                           ("unknown", "#EAECF0"))}


def write_cell(sheet: Worksheet, row: int, col: int, value, kind: str, fmt) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif kind in ("date", "datetime") and isinstance(value, date | datetime):
        if isinstance(value, datetime):  # stored in UTC: shown in Vietnam's time, as on the pages
            value = local_time(value).replace(tzinfo=None)
        sheet.write_datetime(row, col, value, fmt)
    elif kind in ("int", "num", "pct") and isinstance(value, int | float):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def write_header(sheet: Worksheet, formats: Formats, row: int, headers, widths) -> None:
    """A header row of a table written by hand (the second table of a sheet): wrapped, its height grown to fit."""
    headers = list(headers)
    height = row_height((h, w * HEADER_NARROWING) for h, w in zip(headers, widths, strict=False))
    if height:
        sheet.set_row(row, height)
    for col, header in enumerate(headers):
        sheet.write_string(row, col, header, formats.header)


def write_table(sheet: Worksheet, formats: Formats, columns: list[Column], rows: Iterable[Iterable],
                first_row: int = 0, bold_rows: set[int] | None = None, styles: dict | None = None) -> int:
    """Header at `first_row` (frozen, with an autofilter) and the rows below; returns the number of rows.

    `bold_rows` holds indexes (0 = first data row) written in the totals style; `styles` maps
    (row index, column) to a format for single cells (rows are streamed: a cell cannot be restyled later).
    """
    header_height = row_height((c.header, c.width * HEADER_NARROWING) for c in columns)
    if header_height:
        sheet.set_row(first_row, header_height)
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        sheet.write_string(first_row, col, column.header, formats.header)
    sheet.freeze_panes(first_row + 1, 0)
    count = 0
    wrapped = [i for i, c in enumerate(columns) if c.wrap]
    plain = [formats.wrap if c.wrap else formats.cell[c.kind] for c in columns]  # each column's format
    bold = [formats.total[c.kind] for c in columns]
    for index, values in enumerate(rows):
        row_formats = bold if bold_rows and index in bold_rows else plain
        if wrapped:
            values = list(values)
            height = row_height((str(values[i] or ""), columns[i].width) for i in wrapped)
            if height:
                sheet.set_row(first_row + 1 + index, height, formats.top)
        for col, (column, value) in enumerate(zip(columns, values, strict=True)):
            fmt = styles.get((index, col), row_formats[col]) if styles else row_formats[col]
            write_cell(sheet, first_row + 1 + index, col, value, column.kind, fmt)
        count += 1
    sheet.autofilter(first_row, 0, first_row + max(count, 1), len(columns) - 1)
    return count
