"""Behind a proxy: LANTOA_PROXY_HOPS decides whether X-Forwarded-For names the client the rate limits count."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from app import create_app
from app.extensions import db
from app.models import RateHit
from app.training.settings import set_setting
from tests.conftest import TEST_PASSWORD, post_form

CODE = "/verify/DTKT000001"


@pytest.fixture
def proxied(app):
    """The test app's twin behind one proxy (the same database: the test's connection and transaction)."""
    twin = create_app({key: app.config[key] for key in ("TESTING", "SQLALCHEMY_DATABASE_URI", "SECRET_KEY",
                                                        "SERVER_NAME", "LANTOA_UPLOAD_DIR", "LANTOA_REPORTS_DIR")}
                      | {"LANTOA_PROXY_HOPS": 1})
    yield twin
    with twin.app_context():
        db.engines[None].dispose()


def _forwarded(addr: str) -> dict:
    # over HTTPS Flask-WTF also wants a same-origin Referer on a POST, as a browser sends it
    return {"headers": {"X-Forwarded-For": addr, "X-Forwarded-Proto": "https", "Referer": "https://lantoa.test/login"}}


def _sign_in(client, username, password, **kwargs):
    return post_form(client, "/login", {"username": username, "password": password}, **kwargs)


def test_hops_is_a_whole_number_and_zero_leaves_the_app_unwrapped(app, monkeypatch):
    assert app.config["LANTOA_PROXY_HOPS"] == 0 and not isinstance(app.wsgi_app, ProxyFix)
    monkeypatch.setenv("LANTOA_PROXY_HOPS", "one")
    with pytest.raises(RuntimeError, match="LANTOA_PROXY_HOPS"):
        create_app()


def test_behind_one_proxy_two_forwarded_clients_have_their_own_buckets(proxied, world):
    set_setting("verify_limit", 2)
    set_setting("login_client_limit", 3)
    first, second = proxied.test_client(), proxied.test_client()
    codes = [first.get(CODE, **_forwarded("203.0.113.7")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert second.get(CODE, **_forwarded("198.51.100.4")).status_code == 200
    clients = set(db.session.scalars(select(RateHit.client).where(RateHit.bucket == "verify")))
    assert clients == {"203.0.113.7", "198.51.100.4"}  # the proxy's own address (127.0.0.1) counts nothing

    for n in range(3):
        _sign_in(first, f"khong-co-{n}", "sai", **_forwarded("203.0.113.7"))
    assert _sign_in(first, "steering", TEST_PASSWORD, **_forwarded("203.0.113.7")).status_code == 429
    assert _sign_in(second, "steering", TEST_PASSWORD, **_forwarded("198.51.100.4")).status_code == 302


def test_behind_one_proxy_the_forwarded_scheme_is_trusted(proxied, world):
    client = proxied.test_client()
    # the request is seen as HTTPS, so a POST without a same-origin Referer is refused by the CSRF check
    no_referer = {"headers": {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}}
    assert _sign_in(client, "steering", TEST_PASSWORD, **no_referer).status_code == 400
    assert _sign_in(client, "steering", TEST_PASSWORD, **_forwarded("203.0.113.7")).status_code == 302


def test_without_a_proxy_a_spoofed_header_cannot_escape_the_limits(client, world):
    set_setting("verify_limit", 2)
    set_setting("login_client_limit", 3)
    codes = [client.get(CODE, **_forwarded(f"203.0.113.{n}")).status_code for n in range(3)]
    assert codes == [200, 200, 429]
    for n in range(3):
        _sign_in(client, f"khong-co-{n}", "sai", **_forwarded(f"203.0.113.{n}"))
    assert _sign_in(client, "steering", TEST_PASSWORD, **_forwarded("198.51.100.4")).status_code == 429
