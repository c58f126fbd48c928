"""Builders of awkward uploads for the import tests: any import's table as Excel would save it (CSV with BOM and
";", UTF-16 "Unicode text", title rows, a workbook with number cells and serial dates, NFD text), bad bytes
(Windows-1258, NUL, a legacy .xls, a broken or bomb .xlsx) and bad cells (formula, HTML, long text)."""

from __future__ import annotations

import csv
import io
import struct
import unicodedata
import zipfile
from datetime import date

import xlsxwriter

from app.imports.spec import Spec

EXCEL_EPOCH = date(1899, 12, 30)


def cp1258(text: str) -> bytes:
    """Windows-1258 bytes: a precomposed letter where the code page has one (â, ê, ô, ơ, ư, ă …), the tone as a
    combining mark after it."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for i, mark in enumerate(marks):
            try:
                out += unicodedata.normalize("NFC", base + mark).encode("cp1258") + \
                    "".join(marks[:i] + marks[i + 1:]).encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            out += (base + "".join(marks)).encode("cp1258")
    return out


def xlsx(rows, sheets: dict | None = None) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    for name, sheet_rows in (sheets or {"Trang 1": rows}).items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(sheet_rows):
            for c, value in enumerate(row):
                if value not in (None, ""):
                    sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def bomb(real_mb: int = 1, declared: int = 3 * 2**30) -> bytes:
    """A small xlsx whose sheet XML (`real_mb` MB of spaces, a few KB compressed) declares `declared` bytes in
    both its local header and the central directory, as a zip bomb does."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
        book.writestr("xl/worksheets/sheet1.xml", b" " * (real_mb << 20))
    data = bytearray(out.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    size = struct.pack("<I", min(declared, 2**32 - 1))
    data[info.header_offset + 22:info.header_offset + 26] = size
    central = data.index(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(info.filename)] != info.filename.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    data[central + 24:central + 28] = size
    return bytes(data)


def _cells(spec: Spec, row: dict) -> list:
    return [row.get(c.key, "") for c in spec.columns]


def _csv(rows: list[list], delimiter: str = ",", newline: str = "\n") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return out.getvalue()


def _as_numbers(spec: Spec, row: dict) -> dict:
    """The row as a workbook holds it when cells are numbers: phones without their 0, dates as serials."""
    out = dict(row)
    for column in spec.columns:
        value = row.get(column.key)
        if value in ("", None):
            continue
        if column.kind == "phone":
            out[column.key] = int(str(value).lstrip("0"))
        elif column.kind == "date":
            day, month, year = map(int, str(value).split("/"))
            out[column.key] = (date(year, month, day) - EXCEL_EPOCH).days
        elif column.kind == "int":
            out[column.key] = float(value)
    return out


def good_files(spec: Spec, row: dict) -> dict[str, tuple[str, bytes]]:
    """Files that hold `row` (a valid row) in every way Excel and users save a table; each must be accepted."""
    header = spec.template_headers
    cells = _cells(spec, row)
    nfd = [unicodedata.normalize("NFD", c) if isinstance(c, str) else c for c in cells]
    return {
        "excel-bom-semicolon": ("a.csv", ("\ufeff" + _csv([header, cells], ";", "\r\n")).encode("utf-8")),
        "utf16-unicode-text": ("a.txt", _csv([header, cells], "\t", "\r\n").encode("utf-16")),
        "title-rows": ("a.csv", _csv([["DANH SÁCH NHẬP"] + [""] * (len(header) - 1), [""] * len(header),
                                      [*header, "Ghi chú"], [*cells, "x"]]).encode()),
        "numbers-and-serial-dates": ("a.xlsx", xlsx([["Bảng nhập"], header, _cells(spec, _as_numbers(spec, row))])),
        "nfd-text": ("a.csv", _csv([[unicodedata.normalize("NFD", h) for h in header], nfd]).encode()),
    }


def bad_cells(spec: Spec, row: dict, text_key: str) -> dict[str, tuple[str, bytes, str]]:
    """Files whose row 2 has one bad cell in the text column `text_key`: (filename, bytes, reason expected)."""
    header = spec.template_headers

    def with_text(value: str) -> bytes:
        return _csv([header, _cells(spec, {**row, text_key: value})]).encode()

    return {
        "nul": ("a.csv", with_text("Tên\x00có NUL"), "ký tự điều khiển"),
        "formula": ("a.csv", with_text('=HYPERLINK("http://x.example","bấm")'), "công thức"),
        "html": ("a.csv", with_text("<script>alert(1)</script>"), "thẻ HTML"),
        "long-text": ("a.csv", with_text("x" * 10_000), "Dài 10.000 ký tự"),
    }


def bad_files(spec: Spec) -> dict[str, tuple[str, bytes, str]]:
    """Files refused as a whole: (filename, bytes, message expected)."""
    header = ",".join(spec.template_headers)
    return {
        "empty": ("a.csv", b"", "Tệp trống"),
        "header-only": ("a.csv", (header + "\n").encode(), "không có dòng dữ liệu nào"),
        "windows-1258": ("a.csv", cp1258(header + "\nNguyễn Văn Đại\n"), "Lưu thành → CSV UTF-8"),
        "zip-bomb": ("a.xlsx", bomb(), "giải nén ra quá"),
        "broken-xlsx": ("a.xlsx", b"PK\x03\x04 not really", "bị hỏng"),
        "legacy-xls": ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "Tệp Excel cũ (.xls)"),
        "pdf": ("a.pdf", b"%PDF-1.4", "Chỉ nhận tệp .xlsx hoặc .csv"),
    }
