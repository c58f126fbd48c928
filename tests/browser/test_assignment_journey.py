"""A district coordinator sees an uncovered commune, accepts the suggestion, and the commune is covered.

Covered = an active trainer based there OR an active assignment targeting it.
"""

from tests.browser.conftest import login, screenshot


def test_coordinator_accepts_a_suggestion(page):
    login(page, "coord_daitu")
    page.wait_for_url("**/areas/*")
    page.get_by_role("link", name="Phân công").first.click()
    page.wait_for_url("**/assignments/")
    row = page.locator("#suggestions tbody tr").first
    commune = row.get_attribute("data-target")
    assert row.get_by_text("Chưa có giảng viên").is_visible()
    target_row = page.locator(f'#targets tr[data-target="{commune}"]')
    assert "Chưa có giảng viên" in target_row.inner_text()
    screenshot(page, "assignment-suggestions")
    row.get_by_role("button", name="Chấp nhận").click()
    page.wait_for_url("**/assignments/")
    assert page.get_by_text("theo gợi ý").first.is_visible()
    assert commune in page.locator(".flash-success").inner_text()
    page.get_by_role("link", name="Hiện cả nơi đã đủ giảng viên").click()
    status = page.locator(f'#targets tr[data-target="{commune}"] td').last.inner_text()
    assert status.startswith("Đã có giảng viên")
    screenshot(page, "assignment-covered")
    page.get_by_role("link", name="Danh sách phân công").click()
    assert page.locator("table.data tbody tr").filter(has_text=commune).count() == 1
