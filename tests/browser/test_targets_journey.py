"""Steering sees the targets dashboard with red/amber/green, opens the gaps and acknowledges one."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot


@pytest.fixture
def scanned(live_app):
    """KH 137 loaded and the daily scan run on 15/03/2025 (gaps and the day's indicator snapshots)."""
    from datetime import date

    from sqlalchemy import select

    from app.extensions import db
    from app.gaps.scan import scan
    from app.models import Plan
    from app.plan.loading import store_plan
    from rollout import PLANS_DIR
    from rollout.plan import load_plan_file

    with live_app.app_context():
        if db.session.scalar(select(Plan).where(Plan.number == "137/KH-UBND")) is None:
            store_plan(load_plan_file(PLANS_DIR / "kh137.yaml"))
        scan(date(2025, 3, 15))
        db.session.commit()
    previous = live_app.config.get("LANTOA_TODAY")
    live_app.config["LANTOA_TODAY"] = "2025-03-15"
    yield
    live_app.config["LANTOA_TODAY"] = previous


def test_steering_reads_the_targets_and_acknowledges_a_gap(page, scanned):
    login(page, "steering")
    page.get_by_role("link", name="Chỉ tiêu", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Chỉ tiêu"
    statuses = page.locator("section.target .target-figure .rag").all_inner_texts()
    assert statuses and set(statuses) <= {"Đúng lộ trình", "Chậm nhẹ", "Chậm", "Chưa có mẫu số", "Chưa có số liệu"}
    assert page.locator("section.target.rag-border-red").count() >= 1
    screenshot(page, "targets-dashboard")

    page.get_by_role("link", name="Cảnh báo", exact=True).first.click()
    page.wait_for_url("**/gaps/")
    page.locator("table.data tbody tr a").first.click()
    page.wait_for_url("**/gaps/*")
    page.get_by_label("Việc sẽ làm").fill("Giao điều phối viên huyện rà soát")
    page.get_by_label("Hạn xử lý").fill("2025-04-15")
    page.get_by_role("button", name="Tiếp nhận").click()
    assert page.get_by_text("Đã tiếp nhận cảnh báo.").is_visible()
    assert page.get_by_text("Người phụ trách").is_visible()
    screenshot(page, "gap-acknowledged")
