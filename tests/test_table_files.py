"""Uploaded tables of the imports (app/web/table_files.py): file types, titles without diacritics, row numbers."""

from __future__ import annotations

import io

import pytest
import xlsxwriter

from app.web.table_files import ImportFileError, cell_text, keyed_rows, read_table

pytestmark = pytest.mark.no_db
COLUMNS = (("full_name", "Họ và tên"), ("year", "Năm"))


def _xlsx(rows) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    book.close()
    return out.getvalue()


def test_csv_with_semicolons_and_xlsx_give_the_same_keyed_rows():
    rows = [["HO VA TEN", "Năm", "Ghi chú"], ["  Lê Văn Học ", 2025, "x"], ["", "", ""], ["Đỗ Thị Hà", 2024, ""]]
    csv_bytes = "\n".join(";".join(str(c) for c in row) for row in rows).encode("utf-8-sig")
    for table in (read_table("a.CSV", csv_bytes), read_table("a.xlsx", _xlsx(rows))):
        header, found = keyed_rows(table, COLUMNS)
        assert header == ["full_name", "year", None]
        assert [(n, v["full_name"], cell_text(v["year"])) for n, v in found] == [(2, "Lê Văn Học", "2025"),
                                                                                 (4, "Đỗ Thị Hà", "2024")]


@pytest.mark.parametrize("name, content, message", [
    ("a.pdf", b"%PDF", "Chỉ nhận tệp .xlsx hoặc .csv."),
    ("a.xlsx", b"PK\x03\x04 not a workbook", "Không đọc được tệp"),
    ("a.csv", "Họ và tên".encode("utf-16"), "Không đọc được tệp"),
    ("a.csv", b"", "Tệp trống."),
])
def test_unreadable_files_are_refused_in_vietnamese(name, content, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(name, content)
