"""Steering opens "Báo cáo", generates the current quarter's report for the province and downloads it;
then exports the trainer list as Excel from its page."""

import io
from pathlib import Path

import openpyxl

from tests.browser.conftest import login, screenshot


def test_steering_generates_and_downloads_the_quarterly_report(page):
    login(page, "steering")
    page.get_by_role("link", name="Báo cáo").first.click()
    page.wait_for_url("**/reports/")
    quarter = page.get_by_label("Quý báo cáo")
    assert "(quý này)" in quarter.locator("option:checked").inner_text()
    page.get_by_role("button", name="Lập báo cáo").click()
    page.wait_for_url("**/reports/")
    assert "Đã lập báo cáo" in page.locator(".flash-success").inner_text()
    row = page.locator("table.data tbody tr").first
    assert "Tỉnh Thái Nguyên" in row.inner_text()
    screenshot(page, "reports-archive")
    with page.expect_download() as info:
        row.get_by_role("link", name="Tải về (.xlsx)").click()
    download = info.value
    assert download.suggested_filename.startswith("Bao-cao-") and download.suggested_filename.endswith("-P19.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert book.sheetnames[:2] == ["Bìa", "Chỉ tiêu"]


def test_coordinator_exports_the_trainer_list(page):
    login(page, "coord_daitu")
    page.goto("/trainers/?tier=district")
    with page.expect_download() as info:
        page.get_by_role("link", name="Xuất Excel").click()
    rows = list(openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active.iter_rows(values_only=True))
    assert rows[0][0] == "Họ và tên" and [r[0] for r in rows[1:]] == ["Trần Thị Từ"]
    screenshot(page, "trainers-export-links")
