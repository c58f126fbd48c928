"""A district coordinator logs in and lands on their district's page, and only theirs."""

from tests.browser.conftest import login, screenshot


def test_coordinator_sees_their_district(page):
    login(page, "coord_daitu")
    page.wait_for_url("**/areas/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Huyện Đại Từ"
    assert page.get_by_text("Các địa bàn trực thuộc (27)").is_visible()
    assert page.get_by_role("link", name="Xã Hùng Sơn").count() <= 1
    shot = screenshot(page, "coordinator-district")
    assert shot.stat().st_size > 10_000


def test_coordinator_cannot_open_another_district(page, live_app):
    from sqlalchemy import select

    from app.models import Area

    with live_app.app_context():
        from app.extensions import db

        phu_binh = db.session.scalar(select(Area.id).where(Area.code == "D173"))
    login(page, "coord_daitu")
    page.wait_for_url("**/areas/*")
    response = page.goto(f"/areas/{phu_binh}")
    assert response.status == 404
    assert page.get_by_role("heading", name="Không tìm thấy trang").is_visible()


def test_search_ignores_diacritics_on_a_phone(phone_page):
    login(phone_page, "steering")
    phone_page.goto("/areas/?q=hung son")
    assert phone_page.get_by_role("link", name="Thị trấn Hùng Sơn").first.is_visible()
    phone_page.get_by_text("☰").click()
    assert phone_page.get_by_role("link", name="Giảng viên").is_visible()
    screenshot(phone_page, "phone-area-search")
