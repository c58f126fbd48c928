"""Steering writes the narrative of the current quarter's report on the reports page, makes the quarterly report
as a document (.docx) and downloads it: the document carries what was written."""

import io
from pathlib import Path

import docx

from tests.browser.conftest import login, screenshot

DIFFICULTIES = "Nhiều xã vùng cao thiếu máy tính cho lớp học."
PROPOSALS = "Đề nghị tỉnh hỗ trợ thiết bị cho các điểm học cộng đồng."


def _text(path: str) -> str:
    document = docx.Document(io.BytesIO(Path(path).read_bytes()))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_steering_edits_the_narrative_and_downloads_the_document(page):
    login(page, "steering")
    page.get_by_role("link", name="Báo cáo").first.click()
    page.wait_for_url("**/reports/")
    assert "(quý này)" in page.get_by_label("Quý báo cáo").locator("option:checked").inner_text()
    page.get_by_role("button", name="Soạn nội dung").click()  # the current quarter is chosen first
    page.wait_for_url("**/reports/narrative/*")
    page.get_by_label("Số, ký hiệu").fill("12/BC-BCĐ")
    page.get_by_label("II. Khó khăn, vướng mắc").fill(DIFFICULTIES)
    page.get_by_label("III. Đề xuất, kiến nghị").fill(PROPOSALS)
    page.get_by_label("Họ và tên người ký").fill("Lê Văn Ký")
    screenshot(page, "report-narrative")
    page.get_by_role("button", name="Lưu nội dung").click()
    page.wait_for_url("**/reports/")
    assert "Đã lưu nội dung báo cáo" in page.locator(".flash-success").inner_text()

    page.get_by_label("Loại báo cáo").select_option(label="Báo cáo quý — văn bản (.docx)")
    page.get_by_role("button", name="Lập báo cáo").click()
    page.wait_for_url("**/reports/")
    assert "văn bản (.docx)" in page.locator(".flash-success").inner_text()
    row = page.locator("table.data tbody tr").first
    assert "Báo cáo quý — văn bản (.docx)" in row.inner_text()
    with page.expect_download() as info:
        row.get_by_role("link", name="Tải về (.docx)").click()
    download = info.value
    assert download.suggested_filename.startswith("Bao-cao-van-ban-") and download.suggested_filename.endswith(".docx")
    text = _text(download.path())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 12/BC-BCĐ", DIFFICULTIES, PROPOSALS, "Lê Văn Ký"):
        assert expected in text, expected
