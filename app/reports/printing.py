"""Print setup for every workbook the app writes (the quarterly report, the exports, the import templates).

Rules:
- every worksheet prints on A4, landscape, fitted to the page's width (`fit_to_pages(1, 0)`: as many pages down
  as the rows need, never a column cut off onto a page of its own), with its header rows repeated on every page
  (those the sheet declared with `repeat_rows` — a sheet of several tables names the long one's header —, else
  the frozen rows of its table, else the first row), a header with the workbook's name on the left and the sheet's
  name on the right, and a footer "Trang &P / &N" (page n of N);
- `setup_book(book, name)` applies that to every worksheet, just before `book.close()` (xlsxwriter writes the page
  setup at close, so it works with `constant_memory`); it is the one place: a workbook writer calls it, never sets
  a page up itself; `page_setup(name)` is the same setup as the mapping the exports' writer (rustpy-xlsxwriter,
  app/exports/writers.py) takes for each sheet, its one frozen header row repeated;
- a row of wrapped text gets its height from `row_height` (never cut, never overlapping the next row);
- a chart starts a page of its own (`place_chart`: a manual page break, a spare row, the chart), so a chart no
  taller than `MAX_CHART_HEIGHT` never straddles a page break; the rows after it start below it.
"""

from __future__ import annotations

import math
import textwrap

from xlsxwriter.chart import Chart
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

__all__ = ["FOOTER", "MAX_CHART_HEIGHT", "LINE_POINTS", "page_setup", "place_chart", "row_height", "setup_book",
           "setup_sheet"]

A4 = 9  # xlsxwriter's paper code
FOOTER = "&CTrang &P / &N"
ROW_PIXELS = 20  # a default row (15 pt) in xlsxwriter's pixels
LINE_POINTS = 15  # a line of 11-pt Calibri
CHARS_PER_UNIT = 1.15
# A4 landscape less the margins below (0.6 in top and bottom) is 7.07 in, 679 px at 96 px an inch; less a repeated
# header row of 3 lines and the spare row, ~600 px; the fit-to-width scale only shrinks. 520 keeps a margin.
MAX_CHART_HEIGHT = 520
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6}
HEADER_MARGIN = 0.25
HEADER_LIMIT = 255  # Excel's longest header or footer, codes included


def row_height(texts_and_widths, points: float = LINE_POINTS) -> float | None:
    """The height (pt) of a row whose wrapped cells hold these (text, column width) pairs, or None for one line.

    Neither LibreOffice nor every Excel grows a row for wrapped text written by xlsxwriter, so the writer sets it:
    the lines are counted by wrapping at the column's width in characters (a width unit is one '0'; Vietnamese
    text in Calibri averages `CHARS_PER_UNIT` letters per unit, measured on the gap messages in LibreOffice's PDF)."""
    lines = max((len(textwrap.wrap(text, max(int(width * CHARS_PER_UNIT), 1))) for text, width in texts_and_widths
                 if text and len(text) > width * CHARS_PER_UNIT), default=1)  # a short text is one line: not wrapped
    return lines * points if lines > 1 else None


def _escape(text: str) -> str:
    return text.replace("&", "&&")


def header_text(name: str) -> str:
    """The page header: the workbook's name in bold on the left, the sheet's name (&A) on the right."""
    room = (HEADER_LIMIT - len('&L&"-,Bold"&R&A')) // 2  # escaped, each character may double
    return f'&L&"-,Bold"{_escape(name[:room])}&R&A'


def setup_sheet(sheet: Worksheet, name: str) -> None:
    """A4 landscape, fit to width, repeated header rows, header and footer: see the module's rules."""
    sheet.set_paper(A4)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(**MARGINS)
    sheet.set_header(header_text(name), {"margin": HEADER_MARGIN})
    sheet.set_footer(FOOTER, {"margin": HEADER_MARGIN})
    if not sheet.repeat_row_range:  # a sheet of several tables declares the long one's header itself
        frozen_rows = sheet.panes[0] if sheet.panes else 0
        sheet.repeat_rows(0, max(frozen_rows - 1, 0))


def page_setup(name: str) -> dict:
    """`setup_sheet` for a sheet whose first row is its frozen header, as rustpy-xlsxwriter's `page_setup`."""
    return {"paper_size": A4, "landscape": True, "fit_to_pages": (1, 0),
            "margins": MARGINS | {"header": HEADER_MARGIN, "footer": HEADER_MARGIN},
            "header": header_text(name), "footer": FOOTER, "repeat_rows": (0, 0)}


def setup_book(book: Workbook, name: str) -> None:
    """The print setup of every worksheet of `book` (call it just before `book.close()`)."""
    for sheet in book.worksheets():
        if isinstance(sheet, Worksheet) and not getattr(sheet, "is_chartsheet", False):
            setup_sheet(sheet, name)


def place_chart(sheet: Worksheet, chart: Chart, row: int, col: int = 0, *, width: int, height: int) -> int:
    """Start a page at `row` and insert `chart` (width × height px) one row below, at column `col`; returns the
    first free row below the chart.

    The spare row above the chart absorbs the difference between the row heights xlsxwriter assumes and those
    LibreOffice or Excel lay out (a chart anchored on the break's own row showed its top edge on the page before)."""
    if height > MAX_CHART_HEIGHT:
        raise ValueError(f"a chart taller than {MAX_CHART_HEIGHT} px may not fit on an A4 landscape page")
    chart.set_size({"width": width, "height": height})
    if row > 0:
        sheet.set_h_pagebreaks(sorted({*sheet.hbreaks, row}))
    sheet.insert_chart(row + 1, col, chart)
    return row + 2 + math.ceil(height / ROW_PIXELS)
