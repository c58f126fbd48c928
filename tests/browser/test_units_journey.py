"""On a 390 px phone, steering creates a unit, renames it (the old name stays in its history), imports twenty
units under it from a CSV file, finds them without diacritics, and merges two of them into a new unit (the merged
units close the day before, the unit page says where they went)."""

from __future__ import annotations

from tests.browser.conftest import login, screenshot


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_steering_creates_renames_and_imports_units_on_a_phone(phone_page, tmp_path):
    page = phone_page
    login(page, "steering")
    page.goto("/units/")
    page.get_by_role("link", name="+ Thêm đơn vị").click()
    page.get_by_label("Tên đơn vị").fill("Sở Văn hóa Thử nghiệm")
    page.get_by_label("Tên viết tắt").fill("Sở VH TN")
    page.get_by_label("Địa bàn").select_option(label="\u00a0\u00a0Huyện Đại Từ")
    page.get_by_label("Số cán bộ, nhân sự").fill("64")
    page.get_by_label("Năm của số liệu").fill("2025")
    page.get_by_label("Nguồn số liệu").fill("Sở Nội vụ")
    page.get_by_label("Hoạt động từ ngày").fill("2025-03-01")
    assert _fits(page)
    page.get_by_role("button", name="Lưu").click()
    assert page.get_by_role("heading", name="Sở Văn hóa Thử nghiệm").is_visible()
    code = page.locator("dl.facts dd").first.inner_text()
    screenshot(page, "unit-created-phone")

    page.get_by_role("link", name="Sửa").click()
    page.get_by_label("Tên đơn vị").fill("Sở Văn hóa và Thể thao Thử nghiệm")
    page.get_by_role("button", name="Lưu").click()
    assert page.get_by_text("Tên qua các thời kỳ").is_visible()
    assert page.get_by_role("cell", name="Sở Văn hóa Thử nghiệm", exact=True).is_visible()

    rows = ["Tên đơn vị,Loại,Mã đơn vị cấp trên,Mã địa bàn,Hoạt động từ ngày"]
    rows += [f'Trung tâm Văn hóa Thử {n:02d},"Cơ quan, sở, ngành",{code},D171,01/04/2025' for n in range(1, 21)]
    csv_file = tmp_path / "don-vi.csv"
    csv_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page.goto("/units/import")
    page.set_input_files("input[type=file]", str(csv_file))
    page.get_by_role("button", name="Kiểm tra / nhập").click()
    assert page.get_by_text("Tệp hợp lệ: 20 dòng (20 đơn vị mới").is_visible()
    page.set_input_files("input[type=file]", str(csv_file))
    page.get_by_label("Chỉ kiểm tra, không ghi").uncheck()
    page.get_by_role("button", name="Kiểm tra / nhập").click()
    assert page.get_by_text("Đã nhập: 20 đơn vị mới, 0 cập nhật, 0 không đổi.").is_visible()
    assert _fits(page)
    screenshot(page, "unit-import-phone")

    page.goto("/units/?q=trung tam van hoa thu")
    assert page.locator("table.data tbody tr").count() == 20
    assert _fits(page)
    screenshot(page, "unit-list-phone")

    page.goto("/units/")
    page.get_by_role("link", name="Gộp đơn vị").click()
    page.get_by_label("Các đơn vị được gộp").select_option(
        label=["Trung tâm Văn hóa Thử 01", "Trung tâm Văn hóa Thử 02"])
    page.get_by_label("hoặc tên đơn vị mới").fill("Trung tâm Văn hóa Thử hợp nhất")
    page.get_by_label("Có hiệu lực từ ngày").fill("2025-07-01")
    page.get_by_label("Căn cứ (số quyết định)").fill("QĐ thử 01/QĐ")
    assert _fits(page)
    screenshot(page, "unit-merge-phone")
    page.get_by_role("button", name="Gộp đơn vị").click()
    page.get_by_text("Đã gộp 2 đơn vị vào Trung tâm Văn hóa Thử hợp nhất").wait_for()
    assert page.get_by_role("heading", name="Trung tâm Văn hóa Thử hợp nhất").is_visible()
    assert page.get_by_text("Tiếp nhận Trung tâm Văn hóa Thử 01").is_visible()
    page.get_by_role("link", name="Trung tâm Văn hóa Thử 01").click()
    page.get_by_role("heading", name="Trung tâm Văn hóa Thử 01").wait_for()
    assert page.get_by_text("Gộp vào Trung tâm Văn hóa Thử hợp nhất từ ngày 01/07/2025").is_visible()
    assert page.get_by_text("đến hết 30/06/2025").is_visible()
    assert _fits(page)
    screenshot(page, "unit-merged-phone")
