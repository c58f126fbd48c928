"""Streaming an export table as CSV or as an .xlsx file.

Rules:
- CSV is UTF-8 with a byte-order mark (Excel then opens Vietnamese correctly), comma-separated, dates
  dd/mm/yyyy; it is produced by a generator as the rows are read, so a large export never sits in memory;
- .xlsx is written with rustpy-xlsxwriter (rust_xlsxwriter, constant memory: rows written as they come) to a
  temporary file (frozen header, autofilter, Vietnamese formats: the header and cell formats of
  app/reports/tables.py), then sent; the file is unlinked as soon as it is open, so nothing stays on disk; past
  Excel's 1,048,576 rows a sheet (`SHEET_ROWS`, header included) the rows go on in a second sheet "<title> (2)",
  and so on, each with the header; every sheet prints as the reports do (`app.reports.printing.page_setup`).
  The reports themselves stay on xlsxwriter (charts, several tables a sheet); an export is one plain table a
  sheet, and xlsxwriter's work per cell (~6 µs in Python) made the province's 1.14M learners (~14M cells) take
  longer than the 60 s budget in the writer alone; rust_xlsxwriter takes about a fifth of that;
- the download name is ASCII-safe; the Vietnamese title goes into the sheet name;
- CSV injection (OWASP): a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is
  written with a single quote `'` in front, so a spreadsheet shows it as text instead of running it as a
  formula. The rule looks at the cell's type, not its look: only text values (str) are neutralised; values the
  database holds as numbers (int, float, Decimal, e.g. -5) and dates are written as they are, since they cannot
  hold a formula. A phone number or a name such as "-2" is text and gets the quote;
- .xlsx cells are written by type: a str is always a text cell (rustpy-xlsxwriter writes a formula or a link only
  when asked for one, and the exports never ask), a number a number, a date a date with the column's format;
  a text column's other values are written as their text (`_records`), so a text beginning with `=` stays text;
  no quote is added there, the cell holds exactly the stored value.
"""

from __future__ import annotations

import csv
import gc
import io
import multiprocessing
import os
import tempfile
import traceback
from collections.abc import Iterable, Iterator, Sized
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
from urllib.parse import quote

import rustpy_xlsxwriter
from flask import Response, send_file, stream_with_context

from app.exports.tables import ExportTable
from app.reports.printing import page_setup, row_height
from app.reports.tables import HEADER_NARROWING, HEADER_STYLE, cell_style
from app.text import fold
from app.web.formatting import _local as local_time
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
TEXT_LIMIT = 32_767  # Excel's longest text in a cell: a longer one is cut there (as xlsxwriter does)


def sheet_names(title: str) -> Iterator[str]:
    """"Học viên", "Học viên (2)", … each within Excel's 31 characters."""
    yield title[:31]
    number = 2
    while True:
        suffix = f" ({number})"
        yield title[:31 - len(suffix)] + suffix
        number += 1


def _format(style: dict) -> rustpy_xlsxwriter.Format:
    """rustpy-xlsxwriter's Format of xlsxwriter format properties (those of app/reports/tables.py)."""
    made = rustpy_xlsxwriter.Format()
    for key, value in style.items():
        if key == "bold" and value:
            made.set_bold()
        elif key == "bg_color":
            made.set_background_color(value)
        elif key == "border" and value == 1:
            made.set_border("thin")
        elif key == "text_wrap" and value:
            made.set_text_wrap()
        elif key == "valign":
            made.set_align(value)
        elif key == "num_format":
            made.set_num_format(value)
        else:
            raise ValueError(f"format property {key}={value!r} not translated")
    return made


def _text_cell(value) -> str:
    """A text column's cell that is not already a short str: text (a code stays a code, not a number)."""
    text = value if isinstance(value, str) else str(value)
    return text[:TEXT_LIMIT]


def _records(columns: list, rows: Iterable) -> Iterator[dict]:
    """Each row as the record rustpy-xlsxwriter writes (header → value), its cells as `write_table` writes them:
    text columns hold text (cut at `TEXT_LIMIT`), date columns Vietnam's time, numbers and None as they are."""
    headers = [c.header for c in columns]
    if len(set(headers)) != len(headers):
        raise ValueError(f"an export's headers must differ: {headers}")
    width = len(headers)
    text = [(i, headers[i]) for i, c in enumerate(columns) if c.kind == "text"]
    dated = [(i, headers[i]) for i, c in enumerate(columns) if c.kind in ("date", "datetime")]
    for number, values in enumerate(rows, 1):
        if len(values) != width:
            raise ValueError(f"row {number} has {len(values)} cells, not {width}")
        record = dict(zip(headers, values, strict=True))
        for i, header in text:
            value = values[i]
            if value is not None and (value.__class__ is not str or len(value) > TEXT_LIMIT):
                record[header] = _text_cell(value)
        for i, header in dated:
            if isinstance(values[i], datetime):  # stored in UTC: shown in Vietnam's time, as on the pages
                record[header] = local_time(values[i]).replace(tzinfo=None)
        yield record


def write_book(columns: list, title: str, path: str, rows: Iterable[list], sheet_rows: int,
               most: int | None = None) -> int:
    """`rows` into a workbook at `path` under the sheet title `title`; past `sheet_rows` rows (header included)
    the rows continue on a new sheet with its own header. Returns the number of rows written. Needs no
    database and no application: the child process of `write_xlsx_aside` runs it as it is.

    rustpy-xlsxwriter (rust_xlsxwriter in constant-memory mode: each row is written as it comes, nothing kept)
    takes the list of sheets before the first row, so the number of sheets comes from `most`, the most rows
    there can be (the keys read first, `ExportTable.keys`; `len(rows)` for a list; else one sheet). More rows
    than that raise ValueError (never a cut file); fewer, so that a last sheet gets none (rows deleted while the
    export ran), leave that sheet with its header alone."""
    per_sheet = sheet_rows - 1
    if most is None:
        most = len(rows) if isinstance(rows, Sized) else per_sheet
    records = _records(columns, rows)
    written = [0]

    def sheet_records():
        count = 0
        for record in islice(records, per_sheet):
            count += 1
            yield record
        written[0] += count
        if not count:
            yield dict.fromkeys(c.header for c in columns)  # no cell: the header alone

    names = sheet_names(title)
    sheets = [(next(names), sheet_records()) for _ in range(max(1, -(-most // per_sheet)))]
    header_height = row_height((c.header, c.width * HEADER_NARROWING) for c in columns)
    every_sheet = {  # rustpy-xlsxwriter's settings by sheet name, "general" for all
        "freeze_panes": {"row": 1, "col": 0}, "autofilter": True, "column_widths": [c.width for c in columns],
        "column_formats": [None if c.kind == "text" else _format(cell_style(c.kind)) for c in columns],
        "header_format": _format(HEADER_STYLE), "row_heights": {0: header_height} if header_height else {},
        "page_setup": page_setup(title)}
    rustpy_xlsxwriter.write_worksheets(sheets, path, **{key: {"general": value} for key, value in every_sheet.items()})
    if next(records, None) is not None:
        raise ValueError(f"more than the {most} rows announced")
    return written[0]


def write_xlsx(table: ExportTable, path: str, rows: Iterable[list] | None = None, most: int | None = None) -> int:
    """The table's rows (or `rows`, at most `most`) into a workbook at `path` (`write_book`, `SHEET_ROWS` rows a
    sheet); the table's own rows are read by batches of keys, the keys first."""
    if rows is None:
        keys = table.keys()
        rows, most = chain.from_iterable(table.batches(keys=keys)), len(keys)
    return write_book(table.columns, table.title, path, rows, SHEET_ROWS, most)


def write_xlsx_aside(table: ExportTable, path: str, batches: Iterable[list[list]], most: int | None = None) -> int:
    """`write_xlsx` of the rows in `batches` (lists of rows, at most `most` rows: `write_book`), the workbook
    written by a child process while this one goes on reading: the background export of a large list. Reading
    and writing then each take one core instead of following each other.

    The child is spawned (a fresh interpreter: nothing of this process's database connections or threads), gets
    the columns, the title, `SHEET_ROWS` and `most`, then one batch at a time through a pipe (a send waits while
    the child is busy, so at most a batch or two are in flight), and answers with the number of rows written. It
    writes nothing but the file at `path` (rust_xlsxwriter's row buffer is a temporary file without a name, gone
    with the process whatever happens). A failure on either side stops both: an error here closes the pipe (the
    child stops) and is raised; an error in the child is raised here as a RuntimeError."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=_write_book_from_pipe, name="lantoa-xlsx-export", daemon=True,
                            args=(theirs, table.columns, table.title, path, SHEET_ROWS, most))
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


def _write_book_from_pipe(pipe, columns: list, title: str, path: str, sheet_rows: int, most: int | None) -> None:
    """The child of `write_xlsx_aside`: batches from `pipe` until None, then ("done", rows) or ("error", why)."""
    gc.disable()  # a process of its own, of small acyclic objects freed by reference counting

    def rows() -> Iterator[list]:
        while (batch := pipe.recv()) is not None:
            yield from batch

    try:
        count = write_book(columns, title, path, rows(), sheet_rows, most)
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
