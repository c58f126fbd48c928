"""The sign-in throttle: an account held back after repeated failures, a client limited across accounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.auth import throttle
from app.extensions import db
from app.models import RateHit
from tests.conftest import TEST_PASSWORD, post_form

START = datetime(2025, 6, 2, 1, 0, tzinfo=UTC)
HELD_ACCOUNT = "Tài khoản tạm thời bị khoá do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau 15 phút."


@pytest.fixture
def clock(monkeypatch):
    """The sign-in view's clock, moved by the test."""
    now = [START]
    monkeypatch.setattr("app.auth.routes.clock", lambda: now[0])
    return now


def _sign_in(client, username, password, addr="10.1.0.1"):
    return post_form(client, "/login", {"username": username, "password": password},
                     environ_base={"REMOTE_ADDR": addr})


def _rows(bucket, key):
    return db.session.scalar(select(func.count(RateHit.id)).where(RateHit.bucket == bucket, RateHit.client == key))


def test_thirty_wrong_passwords_hold_the_account_even_for_the_right_one_until_the_hold_ends(client, world, clock):
    for n in range(30):
        clock[0] = START + timedelta(seconds=10 * n)
        _sign_in(client, "steering", f"sai-{n}")
    clock[0] = START + timedelta(minutes=5)
    refused = _sign_in(client, "steering", TEST_PASSWORD)
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "Tài khoản tạm thời bị khoá" in html and "Vui lòng thử lại sau 11 phút." in html
    assert client.get("/").status_code == 302  # not signed in
    # the hold started at the 5th failure (40 s after the first) and lasts 15 minutes
    clock[0] = START + timedelta(seconds=40) + timedelta(minutes=15, seconds=1)
    assert _sign_in(client, "steering", TEST_PASSWORD).status_code == 302
    assert client.get("/").status_code == 200


def test_the_fifth_failure_says_the_account_is_held_and_the_records_survive_the_refusal(client, world, clock):
    for _ in range(4):
        response = _sign_in(client, "viewer", "sai")
        assert response.status_code == 200
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    assert _rows(throttle.ACCOUNT, "viewer") == 4  # committed, although the view never commits
    response = _sign_in(client, "Viewer ", "sai")  # the same account, typed differently
    assert response.status_code == 429  # the boundary rolls a 4xx back; the failure record was already committed
    assert HELD_ACCOUNT in response.get_data(as_text=True)
    assert _rows(throttle.HELD, "viewer") == 1 and _rows(throttle.ACCOUNT, "viewer") == 0
    assert _rows(throttle.CLIENT, "10.1.0.1") == 5


def test_an_unknown_username_is_answered_like_a_real_one(client, world, clock):
    answers = {}
    for name in ("steering", "khong-co-tai-khoan-nay"):
        for _ in range(5):
            response = _sign_in(client, name, "sai", addr=f"10.2.0.{len(answers) + 1}")
        answers[name] = (response.status_code, response.get_data(as_text=True).replace(name, "NAME"))
    assert answers["steering"] == answers["khong-co-tai-khoan-nay"]
    assert answers["steering"][0] == 429 and HELD_ACCOUNT in answers["steering"][1]


def test_a_client_is_limited_across_accounts_and_another_client_is_not(client, world, clock):
    for n in range(20):  # twenty names once each: no account reaches its own limit; the 20th reaches the client's
        clock[0] = START + timedelta(seconds=n)
        assert _sign_in(client, f"doan-ten-{n}", "sai").status_code == (429 if n == 19 else 200)
    clock[0] = START + timedelta(minutes=1)
    refused = _sign_in(client, "steering", TEST_PASSWORD)
    assert refused.status_code == 429
    assert "Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này. Vui lòng thử lại sau 14 phút." in \
        refused.get_data(as_text=True)
    assert _sign_in(client, "steering", TEST_PASSWORD, addr="10.9.9.9").status_code == 302
    assert _rows(throttle.ACCOUNT, "steering") == 0


def test_a_successful_sign_in_clears_the_account_failures(client, world, clock):
    for _ in range(4):
        _sign_in(client, "coord_edu", "sai")
    assert _sign_in(client, "coord_edu", TEST_PASSWORD).status_code == 302
    post_form(client, "/logout", {}, token_page="/")
    for _ in range(4):
        assert _sign_in(client, "coord_edu", "sai").status_code == 200
    assert _sign_in(client, "coord_edu", TEST_PASSWORD).status_code == 302


def test_a_sign_in_commits_exactly_once_whatever_its_answer(client, world, monkeypatch):
    commits = []
    real = db.session.commit
    monkeypatch.setattr(db.session, "commit", lambda: (commits.append(1), real())[1])
    assert _sign_in(client, "steering", "sai").status_code == 200  # the failure record, committed at once
    assert len(commits) == 1
    commits.clear()
    assert _sign_in(client, "steering", TEST_PASSWORD).status_code == 302  # the boundary's one commit
    assert len(commits) == 1 and _rows(throttle.ACCOUNT, "steering") == 0
