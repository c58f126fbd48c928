"""The exports' xlsx writer (rustpy-xlsxwriter, app/exports/writers.py `write_book`): every kind of cell on every
sheet past `SHEET_ROWS`, the header, the frozen row, the filter, the print setup, text kept as text, the number of
sheets fixed before the first row, no temporary file left, and LibreOffice reading the values back."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from app.exports import writers
from app.exports.tables import ExportTable
from app.reports.tables import Column
from tests.test_workbook_printing import assert_print_setup

pytestmark = pytest.mark.no_db

COLUMNS = [Column("Họ và tên", width=24), Column("Mã", "int", 8), Column("Điểm", "num", 8),
           Column("Tỷ lệ", "pct", 8), Column("Ngày cấp", "date", 12), Column("Lúc", "datetime", 16),
           Column("Ghi chú", width=30)]
ROWS = [
    ["Nguyễn Thị Ánh", 1, 8.5, 0.25, date(2025, 12, 3), datetime(2025, 12, 3, 1, 45), "=1+1"],
    ["Trần Văn Bình", 2, Decimal("7.25"), 1, date(2025, 1, 31), datetime(2025, 6, 30, 20, 0), "http://example.com"],
    ["Lê Hà", 3, None, None, None, None, ""],  # empty cells: none written
    ["-2", 1_234_567, -5, 0.5, date(2024, 2, 29), datetime(2024, 2, 29, 17, 0), 42],  # a number in a text column
    ["Đỗ Minh Tâm", 5, 10, 0, date(2026, 1, 1), datetime(2026, 1, 1), "x" * 40_000],  # longer than Excel's limit
]


def _book(path, rows=ROWS, sheet_rows=3, most=None):
    count = writers.write_book(COLUMNS, "Học viên", str(path), rows, sheet_rows, most)
    return count, openpyxl.load_workbook(path)


def test_every_kind_of_cell_on_every_sheet_with_its_header_and_print_setup(tmp_path):
    count, book = _book(tmp_path / "a.xlsx")
    assert count == len(ROWS)
    assert book.sheetnames == ["Học viên", "Học viên (2)", "Học viên (3)"]
    headers = tuple(c.header for c in COLUMNS)
    for sheet in book.worksheets:
        assert next(sheet.iter_rows(max_row=1, values_only=True)) == headers, sheet.title
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:G"), sheet.title
        assert all(cell.font.b and cell.fill.fgColor.rgb == "FFD1FADF" for cell in sheet[1]), sheet.title
        assert [sheet.column_dimensions[letter].width for letter in "ABG"] == pytest.approx([24.71, 8.71, 30.71],
                                                                                         abs=0.01)
        assert_print_setup(sheet, "Học viên")
        assert sheet.print_title_rows == "$1:$1"
    cells = [row for sheet in book.worksheets for row in sheet.iter_rows(min_row=2)]
    assert [len(sheet["A"]) for sheet in book.worksheets] == [3, 3, 2]  # the header and two rows a sheet
    first, second, empty, numeric, long = cells
    assert [c.value for c in first[:4]] == ["Nguyễn Thị Ánh", 1, 8.5, 0.25]
    assert [c.number_format for c in first[1:6]] == ["#,##0", "#,##0.0", "0.0%", "dd/mm/yyyy", "dd/mm/yyyy hh:mm"]
    assert first[4].value == datetime(2025, 12, 3) and first[4].is_date  # a real date
    assert first[5].value == datetime(2025, 12, 3, 8, 45)  # stored in UTC, written in Vietnam's time
    assert (first[6].value, first[6].data_type) == ("=1+1", "s")  # text, never a formula
    assert (second[6].value, second[6].data_type, second[6].hyperlink) == ("http://example.com", "s", None)
    assert second[2].value == 7.25 and second[2].data_type == "n"  # a Decimal is a number
    assert second[5].value == datetime(2025, 7, 1, 3, 0)  # the next day in Vietnam
    assert [c.value for c in empty[2:]] == [None] * 5
    assert (numeric[0].value, numeric[0].data_type) == ("-2", "s")
    assert numeric[1].value == 1_234_567 and numeric[2].value == -5 and numeric[2].data_type == "n"
    assert (numeric[6].value, numeric[6].data_type) == ("42", "s")  # a text column holds text
    assert long[6].value == "x" * writers.TEXT_LIMIT


def test_the_sheets_are_counted_before_the_first_row(tmp_path):
    """A list fills exactly its sheets; an iterator without a bound is one sheet; more rows than announced fail
    (never a cut file); fewer (rows gone while the export ran) leave the last sheet with its header alone."""
    for rows, sheets in (([], 1), (ROWS[:2], 1), (ROWS[:3], 2), (ROWS, 3)):
        assert len(_book(tmp_path / f"{len(rows)}.xlsx", rows)[1].worksheets) == sheets, len(rows)
    count, book = _book(tmp_path / "it.xlsx", iter(ROWS), sheet_rows=10)
    assert count == len(ROWS) and len(book.worksheets) == 1
    with pytest.raises(ValueError, match="more than the 2 rows"):
        _book(tmp_path / "more.xlsx", iter(ROWS[:3]), most=2)
    count, book = _book(tmp_path / "fewer.xlsx", iter(ROWS[:2]), most=3)
    assert count == 2 and book.sheetnames == ["Học viên", "Học viên (2)"]
    assert list(book.worksheets[1].iter_rows(values_only=True)) == [tuple(c.header for c in COLUMNS)]
    with pytest.raises(ValueError, match="headers must differ"):
        writers.write_book([Column("A"), Column("A")], "T", str(tmp_path / "same.xlsx"), [], 3)
    with pytest.raises(ValueError, match="row 2 has 1 cells"):
        _book(tmp_path / "short.xlsx", [ROWS[0], ["a"]])


def test_writing_aside_leaves_no_temporary_file(tmp_path, monkeypatch):
    """rust_xlsxwriter buffers the rows in a temporary file without a name (the child's TMPDIR): nothing stays,
    after a complete export or a failed one."""
    spare = tmp_path / "tmp"
    spare.mkdir()
    monkeypatch.setenv("TMPDIR", str(spare))  # the spawned child's temporary folder
    monkeypatch.setattr(writers, "SHEET_ROWS", 3)
    table = ExportTable("t", "Học viên", COLUMNS, None, None, None)

    def failing():
        yield ROWS[:2]
        raise OSError("the database went away")

    with pytest.raises(OSError, match="went away"):
        writers.write_xlsx_aside(table, str(tmp_path / "a.xlsx"), failing(), len(ROWS))
    assert writers.write_xlsx_aside(table, str(tmp_path / "b.xlsx"), iter([ROWS[:2], ROWS[2:]]), len(ROWS)) == 5
    assert list(spare.iterdir()) == []
    book = openpyxl.load_workbook(tmp_path / "b.xlsx")
    assert [len(sheet["A"]) for sheet in book.worksheets] == [3, 3, 2]


def test_libreoffice_reads_the_values_of_every_sheet(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed (`make libreoffice` installs it)")
    _book(tmp_path / "hoc-vien.xlsx", ROWS[:4])
    # CSV filter: comma, double quote, UTF-8 (76), from row 1, …, the cells as shown (formatted), every sheet (-1)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
                    "--outdir", str(tmp_path), str(tmp_path / "hoc-vien.xlsx")],
                   capture_output=True, check=True, timeout=120)
    sheets = [list(csv.reader((tmp_path / f"hoc-vien-{name}.csv").read_text(encoding="utf-8").splitlines()))
              for name in ("Học viên", "Học viên (2)")]
    header = [c.header for c in COLUMNS]
    assert sheets[0][0] == sheets[1][0] == header
    # LibreOffice's own locale (en-US here) writes the grouping and decimal marks; the formats are the file's
    assert sheets[0][1] == ["Nguyễn Thị Ánh", "1", "8.5", "25.0%", "03/12/2025", "03/12/2025 08:45", "=1+1"]
    assert sheets[0][2][:2] == ["Trần Văn Bình", "2"] and sheets[0][2][4:] == ["31/01/2025", "01/07/2025 03:00",
                                                                                 "http://example.com"]
    assert sheets[1][1] == ["Lê Hà", "3", "", "", "", "", ""]
    assert sheets[1][2] == ["-2", "1,234,567", "-5.0", "50.0%", "29/02/2024", "01/03/2024 00:00", "42"]
