"""Steering opens the Gantt view, marks a late activity done, and the activities after it move."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.browser.conftest import login, screenshot


@pytest.fixture
def late_plan(live_app):
    """KH 137 seen on 20/01/2025: activity 1 started 40 days late, activities 2–4 under way since 01/12/2024."""
    from app.extensions import db
    from app.models import Activity, Plan
    from app.plan.loading import store_plan
    from app.plan.operations import update_progress
    from rollout import PLANS_DIR
    from rollout.plan import load_plan_file

    with live_app.app_context():
        plan = db.session.scalar(select(Plan).where(Plan.number == "137/KH-UBND"))
        if plan is None:
            plan = store_plan(load_plan_file(PLANS_DIR / "kh137.yaml")).plan
        acts = {a.number: a for a in db.session.scalars(select(Activity).where(Activity.plan_id == plan.id))}
        update_progress(acts[1], {"status": "in_progress", "progress": 40, "started_on": date(2025, 1, 10)}, None,
                        date(2025, 1, 20))
        for n in (2, 3, 4):
            update_progress(acts[n], {"status": "in_progress", "progress": 50, "started_on": date(2024, 12, 1)},
                            None, date(2025, 1, 20))
        db.session.commit()
        label = plan.label
    previous = live_app.config.get("LANTOA_TODAY")
    live_app.config["LANTOA_TODAY"] = "2025-01-20"
    yield label
    live_app.config["LANTOA_TODAY"] = previous


def _bar(page, number: int) -> tuple[float, str]:
    row = page.locator(f'g.gantt-row[data-activity="{number}"]')
    return float(row.locator("rect.forecast").get_attribute("x")), row.get_attribute("data-forecast-start")


def test_steering_marks_an_activity_done_and_its_successors_move(page, late_plan):
    login(page, "steering")
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_role("link", name=late_plan).click()
    assert page.get_by_role("heading", level=1).inner_text() == late_plan
    assert page.locator("svg.gantt .today text").text_content() == "Hôm nay 20/01/2025"
    assert page.locator('g.gantt-row[data-activity="1"]').get_attribute("data-overdue") == "1"
    assert page.locator('g.gantt-row[data-activity="1"]').get_attribute("data-critical") == "1"
    six_x, six_start = _bar(page, 6)
    ten_x, ten_start = _bar(page, 10)
    assert six_start == "2025-02-10"  # waits for activity 1, forecast to end on 09/02/2025
    assert ten_start == "2026-01-10"  # 30 days after activity 6's forecast end
    screenshot(page, "plan-gantt-before")

    page.locator('g.gantt-row[data-activity="1"] a').click()
    page.wait_for_url("**/plan/activities/*")
    page.get_by_label("Trạng thái").select_option(label="Hoàn thành")
    page.get_by_label("Ngày hoàn thành thực tế").fill("2025-01-20")
    page.get_by_role("button", name="Lưu tiến độ").click()

    page.wait_for_url("**/plan/*#gantt")
    assert page.get_by_text("Đã cập nhật tiến độ hoạt động 1.").is_visible()
    assert "HĐ 6 sớm hơn 20 ngày" in page.locator(".flash-success").inner_text()
    new_six_x, new_six_start = _bar(page, 6)
    new_ten_x, new_ten_start = _bar(page, 10)
    assert new_six_start == "2025-01-21" and new_six_x < six_x
    assert new_ten_start == "2025-12-21" and new_ten_x < ten_x
    assert page.locator('g.gantt-row[data-activity="1"]').get_attribute("data-overdue") == "0"
    assert "bar-done" in page.locator('g.gantt-row[data-activity="1"]').get_attribute("class")
    shot = screenshot(page, "plan-gantt-after")
    assert shot.stat().st_size > 20_000


def test_on_a_phone_the_gantt_is_a_list_with_a_bar_per_activity(late_plan, phone_page):
    page = phone_page
    login(page, "steering")
    page.goto("/plan/")
    page.get_by_role("link", name=late_plan).click()
    assert not page.locator("svg.gantt").is_visible()
    items = page.locator("#gantt-list > li")
    assert items.count() == 10
    assert items.nth(0).locator(".forecast").is_visible() and items.nth(0).locator(".planned").is_visible()
    labels = items.locator("> a").all_inner_texts()
    assert len(set(labels)) == 10 and all(not label.endswith("…") for label in labels)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "plan-gantt-phone")
