"""On a 390 px phone: a refused or held-back sign-in shows its message, the account page is one tap from the header."""

from __future__ import annotations

from tests.browser.conftest import login, screenshot


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_sign_in_error_and_account_page_on_a_phone(phone_page):
    page = phone_page
    login(page, "viewer", "mat-khau-sai-roi")
    assert page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.").is_visible()
    assert _fits(page)
    screenshot(page, "login-error-phone")
    for _ in range(5):  # a name of no account: held back like a real one, and no real account is touched
        login(page, "khong-co-tai-khoan", "mat-khau-sai-roi")
    assert page.get_by_text("Tài khoản tạm thời bị khoá do nhập sai mật khẩu nhiều lần.").is_visible()
    assert _fits(page)
    screenshot(page, "login-held-phone")

    login(page, "viewer")
    page.get_by_role("link", name="Tài khoản", exact=True).click()
    page.wait_for_url("**/account")
    assert page.get_by_role("heading", name="Tài khoản").is_visible()
    page.get_by_label("Mật khẩu hiện tại").fill("khong-phai-mat-khau")
    page.get_by_label("Mật khẩu mới", exact=True).fill("mat-khau-moi-dai-hon")
    page.get_by_label("Nhập lại mật khẩu mới").fill("mat-khau-moi-dai-hon")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    assert page.get_by_text("Mật khẩu hiện tại không đúng.").is_visible()
    assert _fits(page)
    screenshot(page, "account-phone")


def test_the_name_in_the_header_leads_to_the_account_page(page):
    login(page, "steering")
    page.locator("a.whoami").click()
    page.wait_for_url("**/account")
    assert page.get_by_role("heading", name="Đổi mật khẩu").is_visible()
