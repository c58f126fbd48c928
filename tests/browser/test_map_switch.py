"""Steering switches the dashboard between the 2024 and the 2025 map: same totals, other areas."""

from tests.browser.conftest import login, screenshot


def _classes(page) -> str:
    section = page.locator("section.map-root").first
    return section.locator(".stat", has_text="Lớp đã đăng ký").locator(".stat-value").first.inner_text()


def test_dashboard_switches_between_maps(page):
    login(page, "steering")
    page.wait_for_url("**/")
    page.goto("/?map=2024")
    assert page.get_by_role("heading", name="Theo địa bàn (9)").is_visible()
    assert page.get_by_role("link", name="Huyện Đại Từ").is_visible()
    old_total = _classes(page)
    screenshot(page, "dashboard-map-2024")
    page.get_by_role("link", name="Bản đồ 2025").click()
    page.wait_for_url("**/?map=2025")
    assert page.get_by_role("heading", name="Theo địa bàn (92)").is_visible()
    assert page.get_by_role("link", name="Huyện Đại Từ").count() == 0
    assert _classes(page) == old_total
    screenshot(page, "dashboard-map-2025")
    page.goto("/")  # the session remembers the choice
    assert page.locator(".map-option.active").inner_text() == "Bản đồ 2025"
    page.get_by_role("link", name="Bản đồ 2024").click()
    assert page.get_by_role("heading", name="Theo địa bàn (9)").is_visible()
