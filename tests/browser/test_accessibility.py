"""Accessibility in Chromium: axe-core (vendored) finds no serious or critical violation on the main pages of each
role, at desktop and phone size; the phone menu opens and closes with the keyboard and tells screen readers its
state."""

from __future__ import annotations

import pytest

from tests.browser.a11y import violations
from tests.browser.conftest import login

PAGES = {
    "steering": ["/", "/trainers/", "/classes/", "/gaps/", "/targets/", "/targets/units/", "/units/", "/plan/",
                 "/assignments/", "/network/", "/people/", "/reports/", "/reports/narrative/2025", "/account"],
    "coord_daitu": ["/", "/trainers/", "/classes/", "/gaps/", "/targets/", "/classes/new"],
    "trainer_daitu": ["/", "/classes/", "/classes/new", "/account"],
}


def _check(page, url: str) -> list[str]:
    page.goto(url)
    return [f"{url}: {v['impact']} {v['id']} ({v['help']}) at {', '.join(v['nodes'])}" for v in violations(page)]


def test_the_sign_in_and_certificate_check_pages_have_no_serious_violation(page, phone_page):
    problems = []
    for p in (page, phone_page):
        for url in ("/login", "/verify"):
            problems += _check(p, url)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("username", list(PAGES))
def test_main_pages_of_each_role_have_no_serious_violation(page, phone_page, username):
    problems = []
    for p in (page, phone_page):
        login(p, username)
        for url in PAGES[username]:
            problems += _check(p, url)
    assert not problems, "\n".join(problems)


def test_the_phone_menu_works_with_the_keyboard_and_says_its_state(phone_page):
    page = phone_page
    login(page, "coord_daitu")
    button = page.get_by_role("button", name="Menu")
    assert button.get_attribute("aria-expanded") == "false"
    assert not page.locator("#mainnav").is_visible()
    for _ in range(12):  # Tab from the top of the page reaches the menu button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "nav-button":
            break
    assert page.evaluate("document.activeElement.id") == "nav-button"
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true" and page.locator("#mainnav").is_visible()
    assert page.evaluate("document.activeElement.closest('#mainnav') !== null")  # the focus is on the first entry
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false" and not page.locator("#mainnav").is_visible()
    assert page.evaluate("document.activeElement.id") == "nav-button"
    page.keyboard.press("Space")
    assert page.locator("#mainnav").is_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # follows the focused entry
    page.wait_for_load_state("load")
    assert page.locator("#nav-button").get_attribute("aria-expanded") == "false"
