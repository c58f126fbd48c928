"""A trainer on a phone: registers a class, imports a 30-row roster, completes it, the certificate verifies."""

from __future__ import annotations

from tests.browser.conftest import login, screenshot

HEADER = "Họ và tên,Số điện thoại,Số định danh,Năm sinh,Giới tính,Dân tộc,Email\n"


def _roster(n: int = 30) -> bytes:
    lines = [f"Học Viên Điện Thoại {i},0977 100 {i:03d},,{1980 + i},{'Nữ' if i % 2 else 'Nam'},Tày," for i in range(n)]
    return (HEADER + "\n".join(lines) + "\n").encode("utf-8")


def test_trainer_registers_imports_completes_and_verifies(phone_page):
    page = phone_page
    login(page, "trainer_daitu")
    page.get_by_role("link", name="+ Đăng ký lớp mới").click()
    page.get_by_label("Bậc").select_option("2")
    page.get_by_label("Chủ đề").fill("AI cho hợp tác xã chè")
    page.get_by_label("Đối tượng").select_option("business")
    page.get_by_label("Trực tiếp").check()
    search = page.get_by_label("Tìm xã, phường")
    search.fill("")
    search.type("hung son", delay=20)
    page.locator("ul.suggestions li[role=option]").first.click()
    page.get_by_label("Ngày bắt đầu").fill("2025-07-01")
    page.get_by_label("Ngày kết thúc").fill("2025-07-25")
    page.get_by_label("Số buổi").fill("6")
    page.get_by_label("Sĩ số dự kiến").fill("30")
    screenshot(page, "phone-class-form")
    page.get_by_role("button", name="Đăng ký lớp").click()
    page.get_by_text("Đã đăng ký lớp học.").wait_for()
    assert page.get_by_role("heading", level=1).inner_text() == "AI cho hợp tác xã chè"

    page.get_by_role("button", name="Mở tuyển sinh").click()
    page.get_by_role("link", name="Nhập danh sách").click()
    page.get_by_label("Tệp danh sách (.xlsx hoặc .csv)").set_input_files(
        {"name": "lop-che.csv", "mimeType": "text/csv", "buffer": _roster()})
    page.get_by_role("button", name="Nhập danh sách").click()
    page.locator("#roster-done").wait_for()
    assert "Đã nhập 30 học viên" in page.locator("#roster-done").inner_text()
    screenshot(page, "phone-roster-imported")

    page.get_by_role("link", name="Về trang lớp").click()
    page.get_by_role("button", name="Bắt đầu học").click()
    page.get_by_role("button", name="Kết thúc lớp", exact=True).click()  # the form is open on a running class
    page.get_by_text("Đã kết thúc", exact=True).first.wait_for()
    assert "30 học viên hoàn thành ngày 25/07/2025" in page.locator(".flash").first.inner_text()
    page.get_by_role("link", name="Xem chứng nhận").first.click()
    code = page.locator("#verify-code").inner_text()
    assert len(code) == 10 and page.locator(".qr svg").count() == 1
    screenshot(page, "phone-certificate")

    page.goto("/verify")
    page.get_by_label("Mã tra cứu (10 ký tự, in trên chứng nhận)").fill(code.lower())
    page.get_by_role("button", name="Tra cứu").click()
    page.get_by_text("Chứng nhận hợp lệ.").wait_for()
    assert "Bậc 2" in page.locator(".verify-result").inner_text()
    screenshot(page, "phone-verify")
