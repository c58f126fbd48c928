"""Steering chooses "Ngày tính" on the targets dashboard across 1/7/2025: before it the programme's area is old
Thái Nguyên alone, from it the merged province, on the un-migrated 2024 map old Thái Nguyên and old Bắc Kạn."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot


@pytest.fixture
def after_the_merger(live_app):
    """KH 137 loaded; today pinned to 15/08/2025 (after the merger; the data still on the 2024 map)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Plan
    from app.plan.loading import store_plan
    from rollout import PLANS_DIR
    from rollout.plan import load_plan_file

    with live_app.app_context():
        if db.session.scalar(select(Plan).where(Plan.number == "137/KH-UBND")) is None:
            store_plan(load_plan_file(PLANS_DIR / "kh137.yaml"))
            db.session.commit()
    previous = live_app.config.get("LANTOA_TODAY")
    live_app.config["LANTOA_TODAY"] = "2025-08-15"
    yield
    live_app.config["LANTOA_TODAY"] = previous


def _choose(page, day: str) -> str:
    page.get_by_label("Ngày tính").fill(day)
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url(f"**/targets/?ngay={day.replace('/', '%2F')}")
    return page.locator("#programme-area").inner_text()


def test_steering_switches_the_day_across_the_merger(page, after_the_merger):
    login(page, "steering")
    page.get_by_role("link", name="Chỉ tiêu", exact=True).click()
    assert page.get_by_label("Ngày tính").input_value() == "15/08/2025"  # today by default

    before = _choose(page, "15/06/2025")
    assert "Tỉnh Thái Nguyên" in before and "Bắc Kạn" not in before and "sau sáp nhập" not in before
    assert "ngày tính 15/06/2025" in before
    assert "Kế hoạch 137/KH-UBND" in page.locator("#plan-in-force").inner_text()
    assert page.locator(".programme-part").count() == 0
    screenshot(page, "targets-before-merger")

    after = _choose(page, "15/07/2025")
    assert "sau sáp nhập, từ 01/07/2025" in after and "ngày tính 15/07/2025" in after
    assert sorted(page.locator(".programme-part").all_inner_texts()) == ["Tỉnh Bắc Kạn", "Tỉnh Thái Nguyên"]
    assert "Kế hoạch 137/KH-UBND" in page.locator("#plan-in-force").inner_text()
    screenshot(page, "targets-after-merger")

    # a day after today is refused in Vietnamese and today shown
    _choose(page, "01/01/2026")
    assert "Ngày tính không được sau hôm nay" in page.get_by_role("alert").inner_text()
    assert "ngày tính 15/08/2025" in page.locator("#programme-area").inner_text()


def test_after_the_merger_the_home_and_network_hold_both_old_provinces_on_a_phone(phone_page, after_the_merger):
    """Today after 1/7/2025, the data still on the 2024 map: the home (2024 map) and the network page name the
    merged province and both old provinces, and fit 390 px."""
    page = phone_page
    login(page, "steering")
    page.goto("/?map=2024")
    assert "chương trình là Tỉnh Thái Nguyên sau sáp nhập" in page.locator("#programme-parts").inner_text()
    assert sorted(page.locator("section.map-root").evaluate_all("els => els.map(e => e.dataset.area)")) == \
        ["P06", "P19"]
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "home-after-merger-phone")
    page.goto("/network/")
    notice = page.locator("#programme-parts").inner_text()
    assert "Tỉnh Thái Nguyên" in notice and "Tỉnh Bắc Kạn" in notice
    assert page.get_by_role("link", name="Sơ đồ lan tỏa · Tỉnh Bắc Kạn").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "network-after-merger-phone")
