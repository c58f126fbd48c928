"""Reading an uploaded table (.xlsx, .csv or Excel's "Unicode text" .txt) into numbered rows, safely.

Rules:
- the upload is refused above `MAX_BYTES`, before anything is parsed;
- .xlsx: the bytes must be a zip holding `xl/workbook.xml`; the sheet XML and the shared strings together may
  not expand to more than `MAX_XML_BYTES` — the declared sizes are summed first, then the members are
  decompressed in chunks and counted (a header that lies about its size is caught too) — only then does
  python-calamine parse the workbook; every sheet is offered, in order, with its name;
- .csv/.txt: UTF-8 with or without BOM, or UTF-16 with BOM (Excel's "Unicode text"); other bytes (Windows-1258,
  TCVN3, VNI) are refused with how to save the file; the delimiter (`,` `;` or tab) is the one that splits the
  first lines into the most rows of one same width; Excel's quoting (`"a ""b"" c"`) is read by `csv.reader`;
- rows are numbered as the user sees them (the first line or sheet row is 1); reading stops with an error as
  soon as a sheet has more than `max_rows` rows — the cap is enforced while reading, not after;
- every refusal is a `FileError` with a Vietnamese message.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["FileError", "Sheet", "read_upload", "MAX_BYTES", "MAX_XML_BYTES", "MAX_ROWS", "EXTENSIONS"]

MAX_BYTES = 10 * 1024 * 1024
MAX_XML_BYTES = 100 * 1024 * 1024
MAX_ROWS = 200_000
EXTENSIONS = (".xlsx", ".csv", ".txt", ".tsv")
SAVE_AS = "Lưu lại tệp dưới dạng CSV UTF-8 (Excel: Tệp → Lưu thành → CSV UTF-8) hoặc .xlsx."
_DELIMITERS = (",", ";", "\t")
_CHUNK = 1 << 20


class FileError(ValueError):
    """The upload as a whole cannot be read (type, size, encoding, structure); the message is Vietnamese."""


@dataclass
class Sheet:
    name: str
    rows: Iterator[tuple[int, list]]  # (row number as the user sees it, cells)


def read_upload(filename: str, data: bytes, max_rows: int = MAX_ROWS) -> Iterator[Sheet]:
    """The upload's sheets (a CSV is one sheet); raises `FileError` before parsing anything unsafe."""
    name = (filename or "").lower()
    if len(data) > MAX_BYTES:
        raise FileError(f"Tệp quá lớn (tối đa {MAX_BYTES // 2**20} MB); hãy chia nhỏ tệp.")
    if name.endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError("Tệp Excel cũ (.xls) không được nhận. Hãy lưu lại thành .xlsx hoặc CSV UTF-8.")
    if name.endswith(".xlsx"):
        return _xlsx(data, max_rows)
    if name.endswith((".csv", ".txt", ".tsv")):
        return iter([Sheet(filename, _csv_rows(_decode(data), max_rows))])
    raise FileError("Chỉ nhận tệp .xlsx hoặc .csv (hoặc .txt “Unicode” của Excel).")


def _too_many(max_rows: int) -> FileError:
    return FileError(f"Tệp có quá {max_rows:,} dòng; hãy chia nhỏ.".replace(",", "."))


def _decode(data: bytes) -> str:
    if not data.strip():
        raise FileError("Tệp trống.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileError("Tệp UTF-16 bị hỏng. " + SAVE_AS) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileError("Tệp không dùng bảng mã UTF-8 (có thể là Windows-1258, TCVN3 hay VNI). " + SAVE_AS) from None


def _delimiter(text: str) -> str:
    """The delimiter giving the most rows of one same width (above 1) in the first lines."""
    sample = text[:65536].splitlines()[:30]
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(sample, delimiter=delimiter) if len(r) > 1]
        except csv.Error:
            continue
        if not widths:
            continue
        mode = max(set(widths), key=lambda w: (widths.count(w), w))
        score = (widths.count(mode), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(text: str, max_rows: int) -> Iterator[tuple[int, list]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for cells in reader:
            if reader.line_num > max_rows:
                raise _too_many(max_rows)
            yield reader.line_num, cells
    except csv.Error:  # a cell over csv.field_size_limit (128 KB): usually a quote that is never closed
        raise FileError(f"Dòng {reader.line_num}: một ô quá dài hoặc có dấu ngoặc kép (\") không đóng. "
                        + SAVE_AS) from None


def _check_zip(data: bytes) -> None:
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        infos = book.infolist()
        if "xl/workbook.xml" not in book.namelist():
            raise FileError("Tệp .xlsx không hợp lệ (không phải bảng tính Excel).")
        parts = [i for i in infos if i.filename.startswith("xl/worksheets/") or i.filename == "xl/sharedStrings.xml"]
        if sum(i.file_size for i in parts) > MAX_XML_BYTES:
            raise FileError(f"Bảng tính giải nén ra quá {MAX_XML_BYTES // 2**20} MB; hãy chia nhỏ tệp.")
        total = 0
        for info in parts:
            with book.open(info) as member:
                while chunk := member.read(_CHUNK):
                    total += len(chunk)
                    if total > MAX_XML_BYTES:
                        raise FileError(f"Bảng tính giải nén ra quá {MAX_XML_BYTES // 2**20} MB; hãy chia nhỏ tệp.")
    except FileError:
        raise
    except Exception as exc:  # BadZipFile, zlib.error, NotImplementedError (compression), EOFError …
        raise FileError("Tệp .xlsx bị hỏng hoặc không phải bảng tính Excel.") from exc


def _xlsx(data: bytes, max_rows: int) -> Iterator[Sheet]:
    if not data:
        raise FileError("Tệp trống.")
    _check_zip(data)
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise FileError("Không đọc được bảng tính: tệp bị hỏng hoặc sai định dạng.") from exc

    def sheets() -> Iterator[Sheet]:
        for name in names:
            try:
                sheet = book.get_sheet_by_name(name)
            except Exception as exc:  # a broken sheet
                raise FileError(f"Không đọc được trang “{name}” của bảng tính.") from exc
            if sheet.height > max_rows:
                raise _too_many(max_rows)
            yield Sheet(name, _sheet_rows(sheet, max_rows))

    return sheets()


def _sheet_rows(sheet, max_rows: int) -> Iterator[tuple[int, list]]:
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        if number > max_rows:
            raise _too_many(max_rows)
        yield number, cells
