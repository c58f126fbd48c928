"""Sessions that end: a copied session or remember-me cookie stops working after logout."""

from __future__ import annotations

from flask import g

from app.auth.sessions import end_all_sessions
from app.extensions import db
from app.models import User
from tests.conftest import post_form

DOMAIN = "lantoa.test"  # the test app's SERVER_NAME


def _copy_cookies(source, target) -> None:
    copied = 0
    for name in ("session", "remember_token"):
        cookie = source.get_cookie(name, domain=DOMAIN)
        if cookie is not None:
            target.set_cookie(name, cookie.value, domain=DOMAIN)
            copied += 1
    assert copied, "no session cookie to copy"


def _signed_in(client) -> bool:
    # the tests' requests share the test's app context, so Flask-Login's per-request cache of the user (g) would
    # outlive a request; in production every request has its own app context, and the user is loaded anew
    g.pop("_login_user", None)
    return client.get("/").status_code == 200


def test_copied_cookie_works_until_logout(app, client, login_as, world):
    login_as("steering")
    thief = app.test_client()
    _copy_cookies(client, thief)
    assert _signed_in(thief)
    post_form(client, "/logout", {}, token_page="/")
    assert not _signed_in(client)
    assert not _signed_in(thief)


def test_a_copied_remember_me_cookie_ends_with_the_logout_too(app, client, world):
    page = client.get("/login").get_data(as_text=True)
    from tests.conftest import TEST_PASSWORD, csrf_from

    response = client.post("/login", data={"username": "steering", "password": TEST_PASSWORD, "remember": "y",
                                           "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert client.get_cookie("remember_token", domain=DOMAIN) is not None
    thief = app.test_client()
    thief.set_cookie("remember_token", client.get_cookie("remember_token", domain=DOMAIN).value, domain=DOMAIN)
    assert _signed_in(thief)  # remembered: a new browser session signs in from the cookie
    post_form(client, "/logout", {}, token_page="/")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", thief.get_cookie("remember_token", domain=DOMAIN).value, domain=DOMAIN)
    assert not _signed_in(fresh)


def test_a_version_bump_ends_every_session(app, client, login_as, world):
    login_as("steering")
    thief = app.test_client()
    _copy_cookies(client, thief)
    user = db.session.get(User, world.users["steering"].id)  # the request closed the session: load it again
    before = user.session_version
    end_all_sessions(user)
    assert user.session_version == before + 1
    assert not _signed_in(thief) and not _signed_in(client)
    login_as("steering")  # signing in again works, under the new version
    assert _signed_in(client)
