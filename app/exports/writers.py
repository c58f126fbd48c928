"""Streaming an export table as CSV or as an .xlsx file.

Rules:
- CSV is UTF-8 with a byte-order mark (Excel then opens Vietnamese correctly), comma-separated, dates
  dd/mm/yyyy; it is produced by a generator as the rows are read, so a large export never sits in memory;
- .xlsx is written with xlsxwriter `constant_memory` to a temporary file (frozen header, autofilter, Vietnamese
  formats), then sent; the file is unlinked as soon as it is open, so nothing stays on disk; past Excel's
  1,048,576 rows a sheet (`SHEET_ROWS`, header included) the rows go on in a second sheet "<title> (2)", and so
  on, each with the header; every sheet prints as the reports do (`app.reports.printing.setup_book`);
- the download name is ASCII-safe; the Vietnamese title goes into the sheet name;
- CSV injection (OWASP): a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is
  written with a single quote `'` in front, so a spreadsheet shows it as text instead of running it as a
  formula. The rule looks at the cell's type, not its look: only text values (str) are neutralised; values the
  database holds as numbers (int, float, Decimal, e.g. -5) and dates are written as they are, since they cannot
  hold a formula. A phone number or a name such as "-2" is text and gets the quote;
- .xlsx cells are written by type (`write_string` for text, never `write`: app/reports/tables.py) and the
  workbook is opened with `strings_to_formulas: False` (and `strings_to_urls: False`: a name is not a link),
  so a text beginning with `=` stays text; no quote is added there, the cell holds exactly the stored value.
"""

from __future__ import annotations

import csv
import gc
import io
import multiprocessing
import os
import tempfile
import traceback
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
from urllib.parse import quote

import xlsxwriter
from flask import Response, send_file, stream_with_context

from app.exports.tables import ExportTable
from app.reports.printing import setup_book
from app.reports.tables import Formats, write_table
from app.text import fold
from app.web.formatting import vn_date

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell as a spreadsheet must show it: a quote in front of a would-be formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _text(value) -> str:
    if isinstance(value, str):  # most cells: checked first
        return neutralise(value)
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return vn_date(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int | Decimal):
        return str(value)
    return neutralise(str(value))


def csv_lines(table: ExportTable, rows: Iterable[list] | None = None) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values) -> str:
        writer.writerow([_text(v) for v in values])
        out = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return out

    yield "\ufeff" + line(c.header for c in table.columns)
    for row in table.rows() if rows is None else rows:
        yield line(row)


def write_csv(table: ExportTable, out, rows: Iterable[list]) -> None:
    """The same text as `csv_lines`, written straight to the open text file `out` (the background export)."""
    writer = csv.writer(out, lineterminator="\r\n")
    out.write("\ufeff")
    writer.writerow([_text(c.header) for c in table.columns])
    text = _text
    writer.writerows([text(v) for v in row] for row in rows)


def _disposition(name: str) -> str:
    ascii_name = fold(name).replace(" ", "-")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(ascii_name)}"


def csv_response(table: ExportTable) -> Response:
    return Response(stream_with_context(csv_lines(table)), mimetype="text/csv",
                    headers={"Content-Disposition": _disposition(table.name + ".csv"),
                             "Content-Type": "text/csv; charset=utf-8"})


SHEET_ROWS = 1_048_576  # Excel's rows per sheet
WORKBOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}


def sheet_names(title: str) -> Iterator[str]:
    """"Học viên", "Học viên (2)", … each within Excel's 31 characters."""
    yield title[:31]
    number = 2
    while True:
        suffix = f" ({number})"
        yield title[:31 - len(suffix)] + suffix
        number += 1


def write_book(columns: list, title: str, path: str, rows: Iterable[list], sheet_rows: int, tmpdir=None) -> int:
    """`rows` into a workbook at `path` under the sheet title `title`; past `sheet_rows` rows (header included)
    the rows continue on a new sheet with its own header. Returns the number of rows written. Needs no
    database and no application: the child process of `write_xlsx_aside` runs it as it is."""
    book = xlsxwriter.Workbook(path, WORKBOOK_OPTIONS | ({"tmpdir": tmpdir} if tmpdir else {}))
    formats = Formats(book)
    stream = iter(rows)
    per_sheet, names, count = sheet_rows - 1, sheet_names(title), 0
    first = next(stream, None)
    while True:
        sheet = book.add_worksheet(next(names))
        chunk = chain([first], islice(stream, per_sheet - 1)) if first is not None else iter(())
        count += write_table(sheet, formats, columns, chunk)
        first = next(stream, None)
        if first is None:
            break
    setup_book(book, title)
    book.close()
    return count


def write_xlsx(table: ExportTable, path: str, rows: Iterable[list] | None = None) -> int:
    """The table's rows (or `rows`) into a workbook at `path` (`write_book`, `SHEET_ROWS` rows a sheet)."""
    return write_book(table.columns, table.title, path, table.rows() if rows is None else rows, SHEET_ROWS)


def write_xlsx_aside(table: ExportTable, path: str, batches: Iterable[list[list]]) -> int:
    """`write_xlsx` of the rows in `batches` (lists of rows), the workbook written by a child process while this
    one goes on reading: the background export of a large list. Reading and writing then each take one core
    instead of following each other (xlsxwriter's work per cell is most of the time).

    The child is spawned (a fresh interpreter: nothing of this process's database connections or threads), gets
    the columns, the title and `SHEET_ROWS`, then one batch at a time through a pipe (a send waits while the
    child is busy, so at most a batch or two are in flight), and answers with the number of rows written. It
    writes nothing but the file at `path` and xlsxwriter's temporary files in a folder of its own, removed
    whatever happens. A failure on either side stops both: an error here closes the pipe (the child stops) and
    is raised; an error in the child is raised here as a RuntimeError."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=_write_book_from_pipe, name="lantoa-xlsx-export", daemon=True,
                            args=(theirs, table.columns, table.title, path, SHEET_ROWS))
    child.start()
    theirs.close()
    try:
        try:
            for batch in batches:
                ours.send(batch)
            ours.send(None)
            outcome, value = ours.recv()
        except (BrokenPipeError, ConnectionResetError, EOFError):
            outcome, value = "error", "the xlsx writer stopped"
        if outcome != "done":
            raise RuntimeError(f"xlsx export: {value}")
        return value
    finally:
        ours.close()
        child.join(timeout=60)
        if child.is_alive():
            child.kill()
            child.join()


def _write_book_from_pipe(pipe, columns: list, title: str, path: str, sheet_rows: int) -> None:
    """The child of `write_xlsx_aside`: batches from `pipe` until None, then ("done", rows) or ("error", why)."""
    gc.disable()  # a process of its own, of small acyclic objects freed by reference counting

    def rows() -> Iterator[list]:
        while (batch := pipe.recv()) is not None:
            yield from batch

    try:
        with tempfile.TemporaryDirectory(prefix="lantoa-xlsx-") as tmpdir:
            count = write_book(columns, title, path, rows(), sheet_rows, tmpdir)
    except EOFError:  # the parent stopped: nothing to answer
        return
    except Exception as error:
        traceback.print_exc()
        pipe.send(("error", f"{type(error).__name__}: {error}"))
        return
    pipe.send(("done", count))


def xlsx_response(table: ExportTable) -> Response:
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="lantoa-export-")
    os.close(handle)
    try:
        write_xlsx(table, path)
        stream = open(path, "rb")  # noqa: SIM115  (send_file closes it)
    finally:
        os.unlink(path)
    return send_file(stream, as_attachment=True, download_name=fold(table.name).replace(" ", "-") + ".xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
