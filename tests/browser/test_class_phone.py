"""The class page on a phone: learners as cards, every action in reach without sideways scrolling; completion in
one step with ticks."""

from __future__ import annotations

from tests.browser.conftest import login, screenshot

WIDTH = 390


def _within_viewport(page, locator) -> None:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 0.5, f"off-screen: {box}"


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"the page scrolls sideways: {width} px > {WIDTH}"


def test_learners_are_cards_with_certificate_and_nominate_in_reach(phone_page):
    page = phone_page
    login(page, "trainer_daitu")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/classes/1")  # the test world's first class: Đại Từ's, completed, one learner with a certificate
    page.get_by_role("heading", name="Soạn thảo văn bản với AI").wait_for()
    card = page.locator("tr.learner").first
    card.wait_for()
    assert card.evaluate("el => getComputedStyle(el).display") == "grid"
    assert "Lê Văn Học" in card.inner_text() and "Hoàn thành" in card.inner_text()
    _within_viewport(page, card)
    _within_viewport(page, card.get_by_label("Điểm của Lê Văn Học"))
    _within_viewport(page, card.get_by_role("link", name="Xem chứng nhận"))
    _within_viewport(page, card.get_by_role("button", name="Đề cử"))
    _no_sideways_scroll(page)
    screenshot(page, "phone-class-cards")


def test_a_trainer_completes_some_learners_in_one_step_on_a_phone(phone_page):
    page = phone_page
    login(page, "trainer_daitu")
    page.wait_for_url(lambda url: "/login" not in url)
    page.get_by_role("link", name="+ Đăng ký lớp mới").click()
    page.get_by_label("Chủ đề").fill("Lớp hoàn thành trên điện thoại")
    page.get_by_label("Ngày bắt đầu").fill("2025-08-01")
    page.get_by_label("Ngày kết thúc").fill("2025-08-20")
    page.get_by_role("button", name="Đăng ký lớp").click()
    page.get_by_text("Đã đăng ký lớp học.").wait_for()
    for n, name in enumerate(("Học Viên Một", "Học Viên Hai", "Học Viên Ba")):
        page.get_by_role("link", name="Thêm học viên").click()
        page.get_by_label("Họ và tên").fill(name)
        page.get_by_label("Số điện thoại").fill(f"0977 310 {n:03d}")
        page.get_by_role("button", name="Thêm", exact=True).click()
        page.get_by_text(name).first.wait_for()
    page.locator("#complete summary").click()
    page.get_by_label("Ngày hoàn thành").fill("2025-07-31")  # before the start: refused with the reason
    page.get_by_role("button", name="Kết thúc lớp", exact=True).click()
    page.get_by_text("không được trước ngày bắt đầu lớp (01/08/2025)").wait_for()
    page.get_by_label("Ngày hoàn thành").fill("2025-08-20")
    page.get_by_label("Học Viên Một đã hoàn thành").check()
    page.get_by_label("Học Viên Ba đã hoàn thành").check()
    assert page.get_by_label("Chỉ những học viên được đánh dấu").is_checked()
    _no_sideways_scroll(page)
    screenshot(page, "phone-class-complete")
    page.get_by_role("button", name="Kết thúc lớp", exact=True).click()
    assert "2 học viên hoàn thành ngày 20/08/2025" in page.locator(".flash").first.inner_text()
    cards = page.locator("tr.learner")
    assert cards.count() == 3
    assert page.get_by_role("link", name="Xem chứng nhận").count() == 2
    _no_sideways_scroll(page)
    page.get_by_role("link", name="Xem chứng nhận").first.click()
    assert "20/08/2025" in page.locator(".certificate").inner_text()
