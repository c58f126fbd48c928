"""The reports the province files as administrative documents (DOCX): the quarterly report and the year-end review.

Checked: the header (quốc hiệu, tiêu ngữ, the issuing body, số/ký hiệu, place and date), the title and the three
sections, the page (A4, Decree 30 margins, Times New Roman), the figures equal to the quarterly workbook's for the
same quarter, the narrative edited on the reports page (real CSRF posts, audited, refused to coordinators,
trainers and viewers), the archive and its downloads, and a LibreOffice conversion to PDF (skipped with a message
where LibreOffice is absent; LANTOA_PRINT_PNG=<file> keeps page 1 rendered by pdftoppm to look at, LANTOA_PRINT_PDF=<file> the PDF).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.shared import Pt
from sqlalchemy import func, select

from app.areas.maps import programme_root
from app.extensions import db
from app.models import AuditEvent, Report, ReportNarrative, User
from app.reports.documents import MARGINS_MM
from app.reports.narratives import Period, save_narrative
from app.reports.operations import create_report, report_path
from app.reports.quarters import Quarter
from app.web.formatting import vn_number
from tests.conftest import post_form

Q2 = Quarter(2025, 2)
TODAY = date(2025, 7, 10)
PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")
NARRATIVE = {
    "number": "25/BC-BCĐ",
    "results_note": "Phong trào được các cấp ủy, chính quyền quan tâm chỉ đạo.",
    "difficulties": "Một số xã vùng cao thiếu thiết bị và đường truyền.\nGiảng viên cấp xã còn mỏng.",
    "proposals": "Đề nghị UBND tỉnh bố trí kinh phí hỗ trợ thiết bị cho các xã vùng cao.",
    "recipients": "- UBND tỉnh (b/c);\n- Bộ Lao động - Thương binh và Xã hội (b/c);\n- Lưu: VT.",
    "signer_title": "TM. BAN CHỈ ĐẠO\nPHÓ TRƯỞNG BAN",
    "signer_name": "Nguyễn Văn Ký",
}


def _steering() -> User:
    return db.session.scalar(select(User).where(User.username == "steering"))


def _texts(document) -> list[str]:
    """Every paragraph of the document, the table cells' (nested header tables included) in reading order."""
    out = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            out.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif child.tag.endswith("}tbl"):
            for cell in child.iter():
                if cell.tag.endswith("}p"):
                    out.append("".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t")))
    return [t for t in out if t.strip()]


def _open(report: Report) -> docx.Document:
    return docx.Document(str(report_path(report)))


def _tables(document) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]


def test_the_quarterly_document_has_the_administrative_form_and_the_workbooks_figures(app, ctx):
    steering = _steering()
    save_narrative(Period(2025, 2), NARRATIVE, steering)
    province = programme_root()
    document_report = create_report(Q2, province, steering, today=TODAY, kind="document")
    workbook_report = create_report(Q2, province, steering, today=TODAY)
    assert (document_report.kind, document_report.file_name.endswith(".docx")) == ("document", True)
    assert (workbook_report.kind, workbook_report.file_name.endswith(".xlsx")) == ("workbook", True)
    document = _open(document_report)
    texts = _texts(document)
    joined = "\n".join(texts)

    header_left, header_right = (c.text for c in document.tables[0].rows[0].cells)
    assert "UBND TỈNH THÁI NGUYÊN" in header_left and "BAN CHỈ ĐẠO" in header_left
    assert "Số: 25/BC-BCĐ" in header_left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header_right and "Độc lập - Tự do - Hạnh phúc" in header_right
    assert "Thái Nguyên, ngày … tháng … năm 2025" in header_right
    assert "BÁO CÁO" in texts
    assert any(t.startswith("Kết quả thực hiện Kế hoạch số 137/KH-UBND") and t.endswith("quý 2 năm 2025")
               for t in texts)
    order = [joined.index(s) for s in ("I. KẾT QUẢ THỰC HIỆN", "II. KHÓ KHĂN, VƯỚNG MẮC",
                                       "III. ĐỀ XUẤT, KIẾN NGHỊ", "Nơi nhận:")]
    assert order == sorted(order)
    for text in ("Phong trào được các cấp ủy", "Một số xã vùng cao thiếu thiết bị", "Giảng viên cấp xã còn mỏng.",
                 "bố trí kinh phí hỗ trợ thiết bị", "- Lưu: VT.", "PHÓ TRƯỞNG BAN", "Nguyễn Văn Ký"):
        assert text in joined, text
    # the closing table: nơi nhận on the left, the signature on the right
    closing_left, closing_right = (c.text for c in document.tables[-1].rows[0].cells)
    assert closing_left.startswith("Nơi nhận:") and "Nguyễn Văn Ký" in closing_right

    # the page: A4 and Decree 30's margins, Times New Roman 14 pt
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # stored in twips
    for side, mm in MARGINS_MM.items():
        assert round(getattr(section, f"{side}_margin").mm, 1) == mm, side
    assert 20 <= MARGINS_MM["top"] <= 25 and 30 <= MARGINS_MM["left"] <= 35 and 15 <= MARGINS_MM["right"] <= 20
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))

    # the figures: the targets table equals the workbook's "Chỉ tiêu" sheet, the overall line its "Theo huyện" first row
    book = openpyxl.load_workbook(report_path(workbook_report))
    sheet_rows = list(book["Chỉ tiêu"].iter_rows(values_only=True))[1:]
    targets = next(t for t in _tables(document) if t[0][:3] == ["Mục tiêu", "Chỉ tiêu", "Thực hiện"])
    assert len(targets[1:]) == len(sheet_rows) == 9  # every sub-target, in the sheet's order
    compared = 0
    for row, sheet in zip(targets[1:], sheet_rows, strict=True):
        assert row[0] == sheet[0]
        assert row[1] == sheet[1]
        if sheet[2] is not None:
            assert row[2] == vn_number(sheet[2]), row
            compared += 1
        if sheet[3] is not None:
            assert row[3] == vn_number(sheet[3]), row
    assert compared >= 3
    area_row = list(book["Theo huyện"].iter_rows(values_only=True))[1]
    trainers, classes, learners = area_row[4], area_row[6], area_row[7]
    assert classes > 0 and learners > 0
    assert (f"có {vn_number(trainers)} giảng viên" in joined and f"đã tổ chức {vn_number(classes)} lớp học với "
            f"{vn_number(learners)} lượt học viên" in joined)
    districts = next(t for t in _tables(document) if t[0][0] == "Địa bàn")
    assert districts[-1][0] == "Tổng cộng" and districts[-1][2] == vn_number(classes)


def test_a_period_never_edited_prints_the_defaults_and_dotted_lines(app, ctx):
    report = create_report(Quarter(2025, 1), programme_root(), _steering(), today=TODAY, kind="document")
    joined = "\n".join(_texts(_open(report)))
    assert "Số: …/BC-BCĐ" in joined and "TRƯỞNG BAN" in joined and "- Lưu: VT." in joined
    after_two = joined.split("II. KHÓ KHĂN, VƯỚNG MẮC")[1].split("III.")[0]
    assert "……" in after_two


def _load_kh137() -> None:
    """The province's own plan beside the test world's district plan (the review then lists both)."""
    from app.plan.loading import store_plan
    from app.reports.workbook import load_plan

    store_plan(load_plan(), source="tests")


def test_the_year_end_review_lists_every_activity_and_target(app, ctx):
    _load_kh137()
    steering = _steering()
    save_narrative(Period(2025, 0), {**NARRATIVE, "difficulties": "Khó khăn của cả năm."}, steering)
    review = create_report(Quarter(2025, 2), programme_root(), steering, today=date(2026, 1, 5), kind="review")
    assert (review.year, review.quarter, review.kind, review.period_label) == (2025, 4, "review", "Năm 2025")
    document = _open(review)
    joined = "\n".join(_texts(document))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in joined and "Số: 25/BC-BCĐ" in joined
    assert "Tổng kết, đánh giá kết quả thực hiện Kế hoạch số 137/KH-UBND" in joined and "năm 2025" in joined
    assert "Khó khăn của cả năm." in joined
    workbook = create_report(Quarter(2025, 4), programme_root(), steering, today=date(2026, 1, 5))
    book = openpyxl.load_workbook(report_path(workbook))
    activities = [r for r in list(book["Hoạt động"].iter_rows(values_only=True))[1:] if r[2]]
    table = next(t for t in _tables(document) if t[0][:2] == ["Số", "Hoạt động"])
    groups = [r for r in table[1:] if len(set(r)) == 1]  # a merged row: the same text in every cell
    assert [g[0] for g in groups] == [f"Kế hoạch số {n}" for n in dict.fromkeys(a[0] for a in activities)]
    rows = [r for r in table[1:] if len(set(r)) > 1]
    assert len(rows) == len(activities) > 10  # KH 137's ten and Phú Bình's
    assert "Hội nghị tổng kết, đánh giá kết quả thực hiện Kế hoạch “Bình dân học AI”" in joined  # HĐ 10 itself
    for row, sheet in zip(rows, activities, strict=True):
        assert (row[0], row[1]) == (str(sheet[1]), sheet[2])
        assert row[4] == sheet[7]  # the status on the review's day
    targets = next(t for t in _tables(document) if t[0][:2] == ["Mục tiêu", "Chỉ tiêu"])
    assert [r[0] for r in targets[1:]] == [r[0] for r in list(book["Chỉ tiêu"].iter_rows(values_only=True))[1:]]


def _download_text(client, report_id: int) -> str:
    response = client.get(f"/reports/{report_id}/download")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    data = response.data
    response.close()
    return "\n".join(_texts(docx.Document(io.BytesIO(data))))


def test_steering_edits_the_narrative_and_downloads_the_document(client, login_as):
    login_as("steering")
    index = client.get("/reports/").get_data(as_text=True)
    assert 'value="2025-Q2">Quý 2/2025' in index and 'value="2025">Tổng kết năm 2025' in index
    assert client.get("/reports/narrative?period=2025-Q2").headers["Location"].endswith("/reports/narrative/2025-Q2")
    page = client.get("/reports/narrative/2025-Q2").get_data(as_text=True)
    assert "…/BC-BCĐ" in page and "Chưa soạn" in page
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = post_form(client, "/reports/narrative/2025-Q2", NARRATIVE)
    assert response.status_code == 302
    stored = db.session.scalar(select(ReportNarrative).where(ReportNarrative.year == 2025,
                                                             ReportNarrative.quarter == 2))
    assert stored.number == "25/BC-BCĐ" and stored.difficulties == NARRATIVE["difficulties"]
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert (event.action, event.entity, event.entity_id) == ("report_narrative.save", "report_narratives", stored.id)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events + 1
    # a second save records what changed
    post_form(client, "/reports/narrative/2025-Q2", {**NARRATIVE, "signer_name": "Trần Thị Ký"})
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert event.before["signer_name"] == "Nguyễn Văn Ký" and event.after == {"period": "2025-Q2",
                                                                              "signer_name": "Trần Thị Ký"}
    # too long: the field's Vietnamese message, nothing saved
    response = post_form(client, "/reports/narrative/2025-Q2", {**NARRATIVE, "number": "x" * 61})
    assert response.status_code == 200 and "“Số, ký hiệu” dài quá 60 ký tự." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ReportNarrative, stored.id).number == "25/BC-BCĐ"

    province = programme_root()
    response = post_form(client, "/reports/generate", {"kind": "document", "quarter": "2025-Q2",
                                                       "area_id": province.id}, token_page="/reports/")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    report = db.session.scalar(select(Report).order_by(Report.id.desc()))
    assert (report.kind, report.year, report.quarter) == ("document", 2025, 2)
    index = client.get("/reports/").get_data(as_text=True)
    assert "Báo cáo quý — văn bản (.docx)" in index and "Tải về (.docx)" in index
    text = _download_text(client, report.id)
    assert "Một số xã vùng cao thiếu thiết bị" in text and "Trần Thị Ký" in text
    response = client.get(f"/reports/{report.id}/download")
    assert "Bao-cao-van-ban-2025-Q2-P19.docx" in response.headers["Content-Disposition"]
    response.close()

    post_form(client, "/reports/narrative/2025", {**NARRATIVE, "proposals": "Kiến nghị tổng kết năm."})
    response = post_form(client, "/reports/generate", {"kind": "review", "quarter": "2025-Q2",
                                                       "area_id": province.id}, token_page="/reports/")
    assert response.status_code == 302
    review = db.session.scalar(select(Report).order_by(Report.id.desc()))
    assert review.kind == "review" and "Kiến nghị tổng kết năm." in _download_text(client, review.id)


def test_an_unknown_kind_is_refused_with_the_fields_message(client, login_as):
    login_as("steering")
    before = db.session.scalar(select(func.count()).select_from(Report))
    response = post_form(client, "/reports/generate", {"kind": "pdf", "quarter": "2025-Q2",
                                                       "area_id": programme_root().id}, token_page="/reports/")
    assert response.status_code == 200
    assert "Hãy chọn một loại báo cáo trong danh sách." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Report)) == before


def test_unknown_periods_answer_404(client, login_as):
    login_as("steering")
    for period in ("2025-Q9", "abc", "1999-Q1", "2031"):
        assert client.get(f"/reports/narrative/{period}").status_code == 404, period


@pytest.mark.parametrize("username", ["coord_daitu", "trainer_daitu", "viewer"])
def test_the_narrative_is_refused_to_other_roles(client, login_as, username):
    login_as(username)
    assert client.get("/reports/narrative/2025-Q2").status_code == 404
    token_page = "/account"
    response = post_form(client, "/reports/narrative/2025-Q2", NARRATIVE, token_page=token_page)
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ReportNarrative)) == 0
    if username != "trainer_daitu":
        assert "/reports/narrative" not in client.get("/reports/").get_data(as_text=True)
    assert client.get("/reports/narrative?period=2025-Q2").status_code == 404


def test_documents_are_scoped_like_the_workbook(client, login_as, app):
    with app.test_request_context():
        report = create_report(Q2, programme_root(), _steering(), today=TODAY, kind="document")
        report_id = report.id
    login_as("coord_daitu")
    assert client.get(f"/reports/{report_id}/download").status_code == 404  # the province's report


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip("LibreOffice is not installed (`make libreoffice` installs it): the DOCX is not converted to PDF")
    if not (Path(os.path.realpath(found)).parent / "libswlo.so").exists():
        pytest.skip("LibreOffice Writer is not installed (`make libreoffice` installs libreoffice-writer-nogui): "
                    "the DOCX is not converted to PDF")
    return found


@pytest.mark.parametrize("kind", ["document", "review"])
def test_the_documents_convert_to_pdf_on_few_pages(app, ctx, tmp_path, kind):
    soffice = _soffice()
    if kind == "review":
        _load_kh137()
    save_narrative(Period(2025, 0 if kind == "review" else 2), NARRATIVE, _steering())
    report = create_report(Q2, programme_root(), _steering(), today=TODAY, kind=kind)
    source = report_path(report)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], capture_output=True, check=True, timeout=120)
    pdf = tmp_path / (source.stem + ".pdf")
    if os.environ.get("LANTOA_PRINT_PDF"):  # keep the PDF to look at
        shutil.copy(pdf, os.environ["LANTOA_PRINT_PDF"].replace(".pdf", f"-{kind}.pdf"))
    pages = len(PAGE.findall(pdf.read_bytes()))
    assert 1 <= pages <= 8, pages
    if shutil.which("pdftotext"):
        first = subprocess.run(["pdftotext", "-l", "1", "-layout", str(pdf), "-"], capture_output=True, check=True,
                               timeout=60).stdout.decode("utf-8")
        for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "Số: 25/BC-BCĐ"):
            assert text in first, text
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                       capture_output=True, check=True, timeout=60)
        png = next(tmp_path.glob("page*.png"))
        assert png.stat().st_size > 1000
        keep = os.environ.get("LANTOA_PRINT_PNG")
        if keep:
            shutil.copy(png, keep.replace(".png", f"-{kind}.png"))


def test_a_districts_document_from_the_cli_has_its_own_header_and_no_provincial_narrative(app, ctx):
    from click.testing import CliRunner

    save_narrative(Period(2025, 1), NARRATIVE, _steering())
    result = CliRunner().invoke(app.cli, ["reports", "quarterly", "--quarter", "2025-Q1", "--area", "D171",
                                          "--kind", "document"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Quý 1/2025 — Huyện Đại Từ" in result.output and ".docx" in result.output
    report = db.session.scalar(select(Report).where(Report.kind == "document").order_by(Report.id.desc()))
    document = _open(report)
    left, right = (c.text for c in document.tables[0].rows[0].cells)
    assert "UBND HUYỆN ĐẠI TỪ" in left and "Số: …/BC-BCĐ" in left and "Đại Từ, ngày … tháng … năm 2025" in right
    assert "Nguyễn Văn Ký" not in "\n".join(_texts(document))  # the province's narrative stays the province's
