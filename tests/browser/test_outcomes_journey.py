"""A trainer on a phone records "Áp dụng được" on the learner cards of a Bậc 1 blended class and completes it: the
three outcome sub-targets (T3, T4, T5 "trong đó 50%") move on steering's targets dashboard."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot

WIDTH = 390
TOPIC = "AI cơ bản kết hợp (hành trình kết quả)"
CIVIL, OWNER, WORKER = "Cán Bộ Áp Dụng", "Chủ Hộ Áp Dụng", "Lao Động Áp Dụng"
CODES = ("civil_servants_improved", "business_owners_improved", "working_age_basic_skills")


@pytest.fixture
def outcome_class(live_app):
    """A running Bậc 1 blended class of the Đại Từ trainer with a civil servant of the school, a business owner
    and a third learner of working age; measured live (the dashboard reads the latest daily snapshot when one
    exists, and the daily scan of another journey may have written one)."""
    from datetime import date

    from sqlalchemy import delete, select

    from app.extensions import db
    from app.models import Area, IndicatorSnapshot, Person, Trainer, Unit
    from tests.factories import enrol, make_class, make_person

    with live_app.app_context():
        trainer = db.session.scalar(select(Trainer).join(Person, Person.id == Trainer.person_id)
                                    .where(Person.full_name == "Nguyễn Văn Đại"))
        commune = db.session.get(Area, trainer.area_id)
        school = db.session.scalar(select(Unit).where(Unit.name == "Trường THPT Đại Từ"))
        c = make_class(trainer, commune, status="running", level=1, mode="blended", topic=TOPIC,
                       start_on=date(2025, 8, 1), end_on=date(2025, 8, 20), opened_on=date(2025, 7, 25),
                       started_on=date(2025, 8, 1))
        enrol(c, make_person(CIVIL, commune, school, birth_year=1985), completed=False)
        enrol(c, make_person(OWNER, commune, audience_group="business", birth_year=1979), completed=False)
        enrol(c, make_person(WORKER, commune, birth_year=1996), completed=False)
        db.session.execute(delete(IndicatorSnapshot))
        db.session.commit()
        return c.id


def _numerators(page) -> dict[str, int]:
    page.goto("/targets/")
    out = {}
    for code in CODES:
        figure = page.locator(f"#target-{code} .numerator")
        out[code] = int(figure.inner_text().replace(".", "")) if figure.count() else 0
    return out


def _within_viewport(locator) -> None:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 0.5, f"off-screen: {box}"


def test_a_trainer_records_outcomes_on_a_phone_and_the_three_sub_targets_move(page, phone_page, outcome_class):
    login(page, "steering")
    page.wait_for_url(lambda url: "/login" not in url)
    before = _numerators(page)
    for code in CODES:
        assert page.locator(f"#target-{code}").is_visible()

    phone = phone_page
    login(phone, "trainer_daitu")
    phone.wait_for_url(lambda url: "/login" not in url)
    phone.goto(f"/classes/{outcome_class}")
    phone.get_by_role("heading", name=TOPIC).wait_for()
    for name, value in ((CIVIL, "Có"), (OWNER, "Có"), (WORKER, "Không")):
        choice = phone.get_by_label(f"{name} áp dụng được điều đã học")
        assert choice.input_value() == ""  # unset by default: "Chưa ghi"
        _within_viewport(choice)
        choice.select_option(label=value)
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH
    screenshot(phone, "phone-class-outcomes")
    phone.get_by_role("button", name="Kết thúc lớp", exact=True).click()  # the completion form, open while running
    assert "3 học viên hoàn thành" in phone.locator(".flash").first.inner_text()
    # the outcomes stay on the completed learners' cards, editable with "Lưu kết quả"
    assert phone.get_by_label(f"{CIVIL} áp dụng được điều đã học").input_value() == "1"
    assert phone.get_by_label(f"{WORKER} áp dụng được điều đã học").input_value() == "0"

    after = _numerators(page)
    assert after["civil_servants_improved"] == before["civil_servants_improved"] + 1
    assert after["business_owners_improved"] == before["business_owners_improved"] + 1
    assert after["working_age_basic_skills"] == before["working_age_basic_skills"] + 2  # the civil servant, the owner
    screenshot(page, "targets-outcomes-moved")

    # the worker is recorded as able after all, on the results form
    phone.get_by_label(f"{WORKER} áp dụng được điều đã học").select_option(label="Có")
    phone.get_by_role("button", name="Lưu kết quả").click()
    phone.get_by_text("ghi “Áp dụng được” cho 1 học viên").wait_for()
    assert _numerators(page)["working_age_basic_skills"] == before["working_age_basic_skills"] + 3
