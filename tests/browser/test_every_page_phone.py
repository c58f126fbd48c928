"""At 390 px, every page of every role's navigation fits the screen: no page-level sideways scroll (wide tables
sit in their own scroll wrappers or stack). The first detail page of each list is walked too."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot

ROLES = ["admin", "steering", "viewer", "coord_daitu", "coord_edu", "trainer_daitu"]
DETAILS = {"/trainers/": "/trainers/", "/classes/": "/classes/", "/units/": "/units/", "/gaps/": "/gaps/"}


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _first_detail(page, prefix: str) -> str | None:
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    return next((h for h in hrefs if h.startswith(prefix) and h.rstrip("/").split("/")[-1].isdigit()), None)


@pytest.mark.parametrize("username", ROLES)
def test_every_navigation_page_fits_a_phone(phone_page, username):
    page = phone_page
    login(page, username)
    page.wait_for_selector("#mainnav a", state="attached")  # the sign-in's answer, not the login page still
    links = page.eval_on_selector_all("#mainnav a", "els => els.map(e => e.getAttribute('href'))")
    assert links, "the role has a menu"
    wide, seen = [], []
    for href in dict.fromkeys(links):
        page.goto(href)
        seen.append(href)
        if _overflow(page) > 0:
            wide.append(f"{href}: {_overflow(page)} px too wide")
            screenshot(page, f"too-wide-{username}-{href.strip('/').replace('/', '-') or 'home'}")
        if href in DETAILS:
            detail = _first_detail(page, DETAILS[href])
            if detail:
                page.goto(detail)
                seen.append(detail)
                if _overflow(page) > 0:
                    wide.append(f"{detail}: {_overflow(page)} px too wide")
    print(f"\n{username}: {len(seen)} pages at 390 px")
    assert not wide, "\n".join(wide)


def test_the_pager_of_an_uncounted_list_fits_a_phone(live_app, phone_page, monkeypatch):
    """Past the count cap the pager says "Trang 2 · hơn … dòng" (no total, no last page), "Sau ›" goes on by
    cursor, and it still fits 390 px."""
    from app.web import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    monkeypatch.setitem(live_app.config, "LANTOA_PAGE_SIZE", 2)
    page = phone_page
    login(page, "steering")
    for href in ("/people/", "/trainers/", "/classes/"):  # the browser world's lists longer than 2 rows
        page.goto(href)
        page.click("nav.pager >> text=Sau ›")
        assert "after=" in page.url, href
        assert page.locator("nav.pager .muted").first.inner_text() == "Trang 2 · hơn 2 dòng", href
        assert _overflow(page) <= 0, f"{href}: {_overflow(page)} px too wide"
