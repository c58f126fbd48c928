"""The account page: who one is, and a password change that ends every other session but this one."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.admin.operations import save_user
from app.errors import OperationError
from app.extensions import db
from app.models import AuditEvent, User
from tests.conftest import TEST_PASSWORD, csrf_from, post_form
from tests.test_sessions import DOMAIN, _copy_cookies, _signed_in

NEW_PASSWORD = "mat-khau-moi-dai-hon"


def _change(client, current, new, repeat=None):
    return post_form(client, "/account", {"current_password": current, "new_password": new,
                                          "repeat_password": new if repeat is None else repeat})


def _field_error(html: str, field: str) -> str:
    """The error shown inside the field's own block, or ''."""
    for block in re.findall(r'<div class="field has-error">(.*?)</div>', html, re.S):
        if f'name="{field}"' in block:
            return " ".join(re.findall(r'<small class="error" role="alert">(.*?)</small>', block))
    return ""


def _state(username):
    return db.session.execute(select(User.password_hash, User.session_version)
                              .where(User.username == username)).one()


def _audits():
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "user.password_change"))


def test_the_account_page_shows_who_one_is_and_is_linked_from_the_header(client, login_as, world):
    login_as("coord_daitu")
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/account"' in home
    response = client.get("/account")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Tài khoản" in html and "Đổi mật khẩu" in html
    user = world.users["coord_daitu"]
    assert user.username in html and "Điều phối viên" in html
    assert (user.full_name or user.username) in html


def test_the_account_page_needs_a_signed_in_user(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_password_change_ends_every_other_session_and_keeps_this_one(app, client, login_as, world):
    login_as("steering")
    thief = app.test_client()
    _copy_cookies(client, thief)
    assert _signed_in(thief)
    before = _audits()
    response = _change(client, TEST_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    assert "Đã đổi mật khẩu." in client.get("/account").get_data(as_text=True)
    assert not _signed_in(thief)
    assert _signed_in(client)
    assert _audits() == before + 1
    user = db.session.scalar(select(User).where(User.username == "steering"))
    assert user.check_password(NEW_PASSWORD) and not user.check_password(TEST_PASSWORD)


def test_a_password_change_ends_a_copied_remember_me_cookie_and_renews_this_browsers(app, client, world):
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "steering", "password": TEST_PASSWORD, "remember": "y",
                                "csrf_token": csrf_from(page)})
    old_cookie = client.get_cookie("remember_token", domain=DOMAIN).value
    assert _change(client, TEST_PASSWORD, NEW_PASSWORD).status_code == 302
    stolen = app.test_client()
    stolen.set_cookie("remember_token", old_cookie, domain=DOMAIN)
    assert not _signed_in(stolen)
    renewed = client.get_cookie("remember_token", domain=DOMAIN).value
    assert renewed != old_cookie
    later = app.test_client()  # this browser, after it was closed: only its remember-me cookie is left
    later.set_cookie("remember_token", renewed, domain=DOMAIN)
    assert _signed_in(later)


@pytest.mark.parametrize(("current", "new", "repeat", "field", "message"), [
    ("sai-mat-khau-hien-tai", NEW_PASSWORD, None, "current_password", "Mật khẩu hiện tại không đúng."),
    (TEST_PASSWORD, "ngan", None, "new_password", "Mật khẩu mới cần ít nhất 10 ký tự."),
    (TEST_PASSWORD, NEW_PASSWORD, "mat-khau-khac-han", "repeat_password",
     "Mật khẩu nhập lại không khớp với mật khẩu mới."),
    (TEST_PASSWORD, TEST_PASSWORD, None, "new_password", "Mật khẩu mới phải khác mật khẩu hiện tại."),
])
def test_a_refused_change_names_the_field_and_changes_nothing(app, client, login_as, world,
                                                             current, new, repeat, field, message):
    login_as("steering")
    thief = app.test_client()
    _copy_cookies(client, thief)
    before, audits = _state("steering"), _audits()
    response = _change(client, current, new, repeat)
    assert response.status_code == 200
    assert _field_error(response.get_data(as_text=True), field) == message
    assert _state("steering") == before and _audits() == audits
    assert _signed_in(thief) and _signed_in(client)


def test_the_admin_form_and_the_cli_keep_the_same_rule(ctx, world):
    with pytest.raises(OperationError) as refused:
        save_user(None, {"username": "mat-khau-ngan", "role": "viewer", "password": "ngan"})
    assert refused.value.field == "password" and refused.value.message == "Mật khẩu cần ít nhất 10 ký tự."


def test_a_coordinator_chooses_how_often_the_digest_comes(client, login_as, world):
    from app.models import AuditEvent, User

    login_as("coord_daitu")
    page = client.get("/account").get_data(as_text=True)
    assert "Bản tin qua e-mail" in page and 'value="weekly"' in page
    assert re.search(r'<input checked[^>]*value="daily"', page)
    response = post_form(client, "/account/digest", {"digest_frequency": "weekly"}, token_page="/account",
                         follow_redirects=True)
    assert "Đã lưu" in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.username == "coord_daitu"))
    assert user.digest_frequency == "weekly"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.digest_frequency"))
    assert event.before == {"digest_frequency": "daily"} and event.after == {"digest_frequency": "weekly"}
    post_form(client, "/account/digest", {"digest_frequency": "hourly"}, token_page="/account")
    assert user.digest_frequency == "weekly"  # not a choice: nothing changes
    assert client.post("/account/digest", data={"digest_frequency": "none"}).status_code == 400  # no CSRF token


def test_trainers_get_no_digest_choice(client, login_as):
    login_as("trainer_daitu")
    assert "Bản tin qua e-mail" not in client.get("/account").get_data(as_text=True)
