"""Cache-Control for signed-in pages, HSTS over TLS; static files and public pages keep their caching."""

from __future__ import annotations

from tests.conftest import TEST_PASSWORD, post_form

HSTS = "max-age=31536000; includeSubDomains"


def test_every_answer_to_a_signed_in_user_is_not_stored(client, login_as, world):
    login_as("steering")
    for url in ("/", "/trainers/", "/classes/", "/verify/DTKT000001", "/no-such-page"):
        response = client.get(url, follow_redirects=True)
        assert response.headers.get("Cache-Control") == "no-store", url


def test_the_sign_in_redirect_is_not_stored_either(client, world):
    response = post_form(client, "/login", {"username": "steering", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers.get("Cache-Control") == "no-store"


def test_static_files_and_public_pages_keep_their_caching(client, login_as, world):
    public = client.get("/verify/DTKT000001")
    assert public.status_code == 200 and "no-store" not in public.headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login_as("steering")
    with client.get("/static/css/app.css") as css:
        assert css.status_code == 200 and "no-store" not in css.headers.get("Cache-Control", "")


def test_hsts_only_when_cookies_are_secure(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    assert client.get("/login").headers.get("Strict-Transport-Security") == HSTS
    with client.get("/static/css/app.css") as static:
        assert static.headers.get("Strict-Transport-Security") == HSTS
