"""A trainer on a phone completes a civil-servant class hosted by a department with three of its staff (the
learner form prefilled with the host unit): T3 moves by 3 on steering's targets dashboard and on the unit page."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot

DEPARTMENT = "Phòng Nội vụ huyện Đại Từ (hành trình)"


@pytest.fixture
def department(live_app):
    """A department of Đại Từ under its people's committee; measured live (the dashboard reads the latest daily
    snapshot when one exists, and the daily scan of another journey may have written one)."""
    from sqlalchemy import delete, select

    from app.extensions import db
    from app.models import Area, IndicatorSnapshot, Unit
    from app.text import fold

    with live_app.app_context():
        dai_tu = db.session.scalar(select(Area).where(Area.code == "D171"))
        units = []
        for name, parent in (("UBND huyện Đại Từ (hành trình)", None), (DEPARTMENT, 0)):
            unit = Unit(name=name, search_key=fold(name), kind="agency", area_id=dai_tu.id, headcount=25,
                        parent_id=units[parent].id if parent is not None else None, path="")
            db.session.add(unit)
            db.session.flush()
            unit.path = (units[parent].path if parent is not None else "/") + f"{unit.id}/"
            units.append(unit)
        db.session.execute(delete(IndicatorSnapshot))
        db.session.commit()
        return units[0].id, units[1].id


def _t3(page) -> int:
    page.goto("/targets/")
    return int(page.locator("#target-civil_servants_trained .numerator").inner_text().replace(".", ""))


def test_a_trainer_completes_a_civil_servant_class_and_t3_moves(page, phone_page, department):
    parent_id, department_id = department
    login(page, "steering")
    before = _t3(page)

    phone = phone_page
    login(phone, "trainer_daitu")
    phone.get_by_role("link", name="+ Đăng ký lớp mới").click()
    phone.get_by_label("Bậc").select_option("1")
    phone.get_by_label("Chủ đề").fill("AI cho công chức Phòng Nội vụ")
    phone.get_by_label("Đối tượng").select_option("civil_servant")
    phone.get_by_label("Trực tiếp").check()
    search = phone.get_by_label("Tìm xã, phường")
    search.fill("")
    search.type("hung son", delay=20)
    phone.locator("ul.suggestions li[role=option]").first.click()
    phone.get_by_label("Đơn vị chủ trì").select_option(str(department_id))
    phone.get_by_label("Ngày bắt đầu").fill("2025-08-01")
    phone.get_by_label("Ngày kết thúc").fill("2025-08-20")
    phone.get_by_role("button", name="Đăng ký lớp").click()
    phone.get_by_text("Đã đăng ký lớp học.").wait_for()
    phone.get_by_role("button", name="Mở tuyển sinh").click()

    phone.get_by_role("link", name="Thêm học viên").click()
    for i in range(1, 4):
        workplace = phone.get_by_label("Đơn vị công tác")
        assert workplace.input_value() == f"{DEPARTMENT} (mã {department_id})"  # the host unit, editable
        phone.get_by_label("Họ và tên").fill(f"Công Chức Nội Vụ {i}")
        phone.get_by_label("Số điện thoại").fill(f"0977 300 00{i}")
        if i == 1:
            screenshot(phone, "phone-learner-workplace")
        phone.get_by_role("button", name="Thêm và nhập người tiếp theo").click()
        phone.get_by_text("Đã thêm học viên").wait_for()
    phone.get_by_role("link", name="AI cho công chức Phòng Nội vụ").click()
    phone.get_by_role("button", name="Bắt đầu học").click()
    phone.get_by_role("button", name="Kết thúc lớp", exact=True).click()  # the completion form, open while running
    phone.get_by_text("Đã kết thúc", exact=True).first.wait_for()

    assert _t3(page) == before + 3
    screenshot(page, "targets-t3-moved")
    page.get_by_role("link", name="Chỉ tiêu theo đơn vị (T2, T3)").click()
    page.get_by_role("link", name="UBND huyện Đại Từ (hành trình)").click()
    assert page.locator("#unit-civil_servants_trained .numerator").inner_text() == "3"
    assert DEPARTMENT in page.locator("#unit-rows").inner_text()
    screenshot(page, "unit-targets")
