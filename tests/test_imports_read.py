"""The shared reader and parser (app/imports/): encodings, delimiters, Excel quoting, size and row caps,
zip bombs, header finding, cell rules."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from datetime import date

import pytest

from app.imports import cells, read
from app.imports.read import FileError, read_upload
from app.imports.spec import Column, Spec
from app.imports.table import header_key, parse
from tests.imports_corpus import bomb, cp1258, xlsx

pytestmark = pytest.mark.no_db

SPEC = Spec("bảng thử", (Column("full_name", "Họ và tên", required=True, max_length=20),
                         Column("phone", "Số điện thoại", "phone"), Column("day", "Ngày", "date"),
                         Column("count", "Số lượng", "int", minimum=0)), unique=("phone",))


def _rows(filename: str, data: bytes) -> list[list]:
    return [cells for sheet in read_upload(filename, data) for _n, cells in sheet.rows]


@pytest.mark.parametrize("text", [
    "Họ và tên;Số điện thoại\r\nAn;0912345678\r\n",
    "Họ và tên,Số điện thoại\nAn,0912345678\n",
    "Họ và tên\tSố điện thoại\nAn\t0912345678\n",
])
def test_delimiters_are_chosen_by_consistent_width(text):
    assert _rows("a.csv", text.encode("utf-8-sig")) == [["Họ và tên", "Số điện thoại"], ["An", "0912345678"]]


def test_unquoted_commas_in_a_semicolon_file_do_not_win():
    text = "Danh sách\nHọ và tên;Địa chỉ\nAn;Số 1, Đường 2, Tổ 3\nBình;Số 3, Đường 4, Tổ 5\n"
    assert _rows("a.csv", text.encode())[2] == ["An", "Số 1, Đường 2, Tổ 3"]


def test_excel_quoting_with_a_quoted_word_keeps_the_columns():
    text = 'Họ và tên;Ghi chú;Số điện thoại\n"Lê ""Tí"" An";"a; b, c";0912345678\n'
    assert _rows("a.csv", text.encode("utf-8-sig"))[1] == ['Lê "Tí" An', "a; b, c", "0912345678"]


def test_an_unclosed_quote_is_refused_in_vietnamese():
    with pytest.raises(FileError, match="ngoặc kép"):
        _rows("a.csv", b'Ho va ten,So\n"An' + b"x" * 200_000 + b"\n")


def test_utf16_unicode_text_and_title_rows():
    text = "Danh sách lớp\t\t\nHọ và tên (*)\tSố điện thoại\tCột lạ\nAn\t912345678\tx\n"
    parsed = parse(SPEC, "a.txt", text.encode("utf-16"))
    assert parsed.header_row == 2 and parsed.ignored == ["Cột lạ"]
    assert parsed.rows == [{"row": 3, "full_name": "An", "phone": "+84912345678", "day": None, "count": None}]


@pytest.mark.parametrize("data", [cp1258("Họ và tên\nNguyễn Văn Đại\n"),
                                  b"Ho va ten\n\xe0\xe1\xe2\n"])
def test_legacy_encodings_are_refused_with_how_to_save(data):
    with pytest.raises(FileError, match="CSV UTF-8 \\(Excel: Tệp → Lưu thành → CSV UTF-8\\) hoặc .xlsx"):
        _rows("a.csv", data)


def test_size_cap_before_parsing(monkeypatch):
    monkeypatch.setattr(read, "MAX_BYTES", 100)
    with pytest.raises(FileError, match="Tệp quá lớn"):
        read_upload("a.csv", b"a,b\n" * 100)


def test_row_cap_is_enforced_while_reading():
    data = b"Ho va ten\n" + b"An\n" * 50
    sheet = next(read_upload("a.csv", data, max_rows=10))
    numbers = []
    with pytest.raises(FileError, match="quá 10 dòng"):
        for number, _cells in sheet.rows:
            numbers.append(number)
    assert numbers == list(range(1, 11))


def test_a_zip_bomb_is_refused_fast_and_small():
    data = bomb()
    assert len(data) < 300 * 1024 and zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")\
        .file_size > 2**31
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(FileError, match="giải nén ra quá 100 MB"):
            read_upload("a.xlsx", data)
        elapsed, (_now, peak) = time.perf_counter() - started, tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 1 and peak < 100 * 2**20


def test_sheet_sizes_are_summed_and_a_lying_size_is_refused(monkeypatch):
    monkeypatch.setattr(read, "MAX_XML_BYTES", 5 * 2**20)
    with pytest.raises(FileError, match="giải nén ra quá 5 MB"):  # eight 1 MB sheets: the sum counts
        read._check_zip(_honest_big(8))
    with pytest.raises(FileError, match="bị hỏng"):  # 8 MB declared as 1 MB: refused, never read past 1 MB
        read_upload("a.xlsx", bomb(8, declared=1 << 20))


def _honest_big(mb: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(mb):
            book.writestr(f"xl/worksheets/sheet{n}.xml", b" " * (1 << 20))
    return out.getvalue()


@pytest.mark.parametrize("data", [b"PK\x03\x04 broken", b"not a zip", b""])
def test_a_bad_zip_is_refused(data):
    with pytest.raises(FileError):
        read_upload("a.xlsx", data)


def test_the_sheet_is_chosen_by_its_headers_and_merged_titles_are_skipped():
    data = xlsx(None, sheets={"Hướng dẫn": [["Ghi chú"], ["Điền trang sau"]],
                              "Dữ liệu": [["DANH SÁCH"], [], ["HỌ VÀ TÊN (*)", "SĐT", "so dien thoai"],
                                          ["Bình", None, 912345679.0]]})
    parsed = parse(SPEC, "a.xlsx", data)
    assert (parsed.sheet, parsed.header_row) == ("Dữ liệu", 3)
    assert parsed.ignored == ["SĐT"] and parsed.rows[0]["phone"] == "+84912345679"


def test_every_error_names_row_and_column():
    text = ("Họ và tên;Số điện thoại;Ngày;Số lượng\n"
            "An;0912345678;20/05/2025;1.200\n"
            ";12345;31/02/2025;-3\n"
            f"{'x' * 30};0912345678;45797;\n"
            "Bình;0912345678;2025-05-20;\n")
    parsed = parse(SPEC, "a.csv", text.encode())
    assert parsed.rows[0] == {"row": 2, "full_name": "An", "phone": "+84912345678", "day": date(2025, 5, 20),
                              "count": 1200}
    found = {(e.row, e.column): e.reason for e in parsed.errors}
    assert set(found) == {(3, "Họ và tên"), (3, "Số điện thoại"), (3, "Ngày"), (3, "Số lượng"), (4, "Họ và tên"),
                          (5, "Số điện thoại")}
    assert found[(4, "Họ và tên")] == "Dài 30 ký tự, tối đa 20." and found[(5, "Số điện thoại")] == \
        "Số điện thoại trùng với dòng 2."


@pytest.mark.parametrize("value, reason", [("An\x00", "ký tự điều khiển"), ("=HYPERLINK(\"x\")", "công thức"),
                                           ("<script>alert(1)</script>", "HTML")])
def test_bad_text_is_refused(value, reason):
    with pytest.raises(cells.CellError, match=reason):
        cells.clean_text(value, 120)


def test_cells_normalise():
    assert cells.clean_text("Nguye\u0302\u0303n  Văn") == "Nguyễn Văn"  # NFD → NFC, spaces collapsed
    assert [cells.to_phone(v) for v in (912345678.0, "84912345678", "+84 912.345.678", "912345678")] == \
        ["+84912345678"] * 4
    assert cells.to_date(45797) == cells.to_date("20/05/2025") == cells.to_date("2025-05-20") == date(2025, 5, 20)
    assert cells.to_digits(19190001234.0, (9, 12)) == "019190001234"
    assert cells.to_int("120.000") == 120000
    with pytest.raises(cells.CellError):
        cells.to_int("1.5")
    assert header_key("Họ và tên (*)") == header_key("ho_va_ten") == "hovaten"
