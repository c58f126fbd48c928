"""Printing the workbooks: every sheet's page setup (openpyxl), and the quarterly workbook through LibreOffice.

The LibreOffice test converts the test world's quarterly workbook to PDF with `soffice --headless` (a private
profile per run, so parallel runs don't clash) and checks the page count and, with poppler's `pdftotext`, that
the cover is one legible page and that each chart lies whole on one page. `make libreoffice` installs both; where
they are absent the test is skipped with a message. LANTOA_PRINT_PDF=<file> keeps the PDF to look at.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from datetime import date

import openpyxl
import pytest
import xlsxwriter
from sqlalchemy import select

from app.areas.maps import programme_root
from app.extensions import db
from app.models import User
from app.reports.operations import create_report, report_path
from app.reports.printing import FOOTER, MAX_CHART_HEIGHT, header_text, place_chart, row_height
from app.reports.quarters import Quarter
from app.reports.workbook import SHEETS

Q2 = Quarter(2025, 2)
PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")
# chart title → a label at the chart's bottom edge (its x axis, or the last category of the reversed bar chart):
# both on one page means the chart is not cut by a page break
CHARTS = {
    "Tiến độ so với mục tiêu": "T6",
    "Tỷ lệ người trong độ tuổi lao động hoàn thành Bậc 1": "0%",
    "Giảng viên theo thế hệ": "0",
    "Chứng nhận theo bậc": "0",
}


@pytest.mark.no_db
def test_row_heights_headers_and_chart_limits():
    assert row_height([("ngắn", 20)]) is None  # one line: the default height
    assert row_height([("chữ " * 20, 20), ("x", 5)]) == 4 * 15  # 80 letters in a 20-wide column: 4 lines
    assert header_text("A & B") == '&L&"-,Bold"A && B&R&A'  # a bare & would start a code
    assert len(header_text("Đ&" * 300)) <= 255
    book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    sheet = book.add_worksheet("S")
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": ["S", 0, 0, 2, 0]})
    assert place_chart(sheet, chart, 10, width=600, height=400) == 10 + 2 + 20  # break, spare row, 20 rows, gap
    assert sheet.hbreaks == [10]
    with pytest.raises(ValueError, match="A4"):
        place_chart(sheet, book.add_chart({"type": "column"}), 40, width=600, height=MAX_CHART_HEIGHT + 1)
    book.close()


def _report():
    steering = db.session.scalar(select(User).where(User.username == "steering"))
    return create_report(Q2, programme_root(), steering, today=date(2025, 7, 10))


def assert_print_setup(ws, name: str) -> None:
    """A4, landscape, one page wide, header rows repeated, the workbook's name and the page numbers."""
    setup = ws.page_setup
    assert setup.orientation == "landscape", ws.title
    assert str(setup.paperSize) == "9", ws.title  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    # one page wide (1 is the default, left out of the file), as many pages tall as needed (0)
    assert (int(setup.fitToWidth or 1), int(setup.fitToHeight if setup.fitToHeight is not None else 1)) == (1, 0)
    assert ws.print_title_rows, ws.title
    assert name in (ws.oddHeader.left.text or ""), (ws.title, ws.oddHeader.left.text)
    assert ws.oddHeader.right.text == "&A", ws.title  # the sheet's name
    assert ws.oddFooter.center.text == FOOTER.removeprefix("&C") == "Trang &P / &N", ws.title


def test_every_sheet_of_the_quarterly_workbook_has_its_print_setup(app, ctx):
    report = _report()
    book = openpyxl.load_workbook(report_path(report))
    assert book.sheetnames == [s.title for s in SHEETS]
    name = "Báo cáo Quý 2/2025 — " + programme_root().name
    for ws in book.worksheets:
        assert_print_setup(ws, name)
    assert book["Theo huyện"].print_title_rows == "$1:$1"  # a table: its frozen header row
    assert book["Bìa"].cell(1, 1).value.startswith("BÁO CÁO QUÝ") and "A1:B1" in book["Bìa"].merged_cells
    assert book["Bìa"].cell(2, 1).value == name
    assert book["Bìa"].row_dimensions[1].height >= 40  # the 18-pt title is never clipped
    gaps = book["Cảnh báo"]
    header_row = int(gaps.print_title_rows.split(":")[0].strip("$"))
    assert gaps.cell(header_row, 3).value == "Nội dung"  # the long list's header repeats, not the summary's
    for sheet in ("Chỉ tiêu", "Theo huyện", "Chứng nhận", "Mạng lưới"):  # each chart starts a page
        ws = book[sheet]
        assert ws._charts, sheet
        first_row = ws._charts[0].anchor._from.row  # 0-based: a break after row N (1-based) starts row N
        assert first_row - 1 in {b.id for b in ws.row_breaks.brk}, sheet  # a spare row, then the chart


def _xlsx(client, url: str) -> openpyxl.Workbook:
    response = client.get(url)
    assert response.status_code == 200, url
    data = response.data
    response.close()
    return openpyxl.load_workbook(io.BytesIO(data))


def test_exports_and_import_templates_print_the_same_way(client, login_as):
    login_as("steering")
    for url, name in (("/exports/trainers.xlsx", "Giảng viên"), ("/exports/classes.xlsx", "Lớp học"),
                      ("/targets/denominators/template.xlsx", "Tệp mẫu"),
                      ("/classes/roster-template.xlsx", "Tệp mẫu")):
        book = _xlsx(client, url)
        for ws in book.worksheets:
            assert_print_setup(ws, name)
        assert book.worksheets[0].print_title_rows == "$1:$1", url


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip("LibreOffice is not installed (`make libreoffice` installs it): the PDF page count is not checked")
    return found


def _pages_text(pdf) -> list[str] | None:
    if not shutil.which("pdftotext"):
        return None
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, timeout=60)
    return out.stdout.decode("utf-8").split("\f")[:-1]


def test_the_quarterly_workbook_prints_on_few_pages_with_whole_charts(app, ctx, tmp_path):
    soffice = _soffice()
    report = _report()
    source = report_path(report)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], capture_output=True, check=True, timeout=120)
    pdf = tmp_path / (source.stem + ".pdf")
    if os.environ.get("LANTOA_PRINT_PDF"):  # keep the PDF to look at (pdftoppm -png renders its pages)
        shutil.copy(pdf, os.environ["LANTOA_PRINT_PDF"])
    pages = len(PAGE.findall(pdf.read_bytes()))
    assert 0 < pages <= 2 * len(SHEETS), pages  # before the print setup: one column per page, charts cut

    texts = _pages_text(pdf)
    if texts is None:
        pytest.skip("pdftotext (poppler-utils, `make libreoffice`) is absent: page contents not checked")
    assert len(texts) == pages
    assert "BÁO CÁO QUÝ — CHƯƠNG TRÌNH “BÌNH DÂN HỌC AI”" in texts[0]  # the cover's title, whole
    assert "Kế hoạch" in texts[0] and "Người lập" in texts[0]
    assert texts[0].rstrip().endswith(f"Trang 1 / {pages}") and texts[0].splitlines()[0].rstrip().endswith("Bìa")
    assert "Chỉ tiêu" in texts[1].splitlines()[0]  # the cover is one page
    for title, bottom in CHARTS.items():
        holding = [text for text in texts if title in text]
        assert len(holding) == 1, title
        assert bottom in {word for line in holding[0].splitlines() for word in line.split()}, title
