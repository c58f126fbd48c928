"""Invitations, self-activation, password reset and phone sign-in, through the pages with real forms and CSRF."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.invitations import operations
from app.models import Area, AuditEvent, Invitation, OutboxMessage, Person, Trainer, User
from app.timeutil import utcnow
from app.training.settings import set_setting
from tests.conftest import TEST_PASSWORD, post_form
from tests.factories import make_trainer

LINK = re.compile(r"/invite/([A-Za-z0-9_\-]{20,})")
NEW_PASSWORD = "mat-khau-moi-cua-toi"


def _trainer(world, name: str) -> Trainer:
    return world.trainers[name]


def _person(trainer: Trainer) -> Person:
    return db.session.get(Person, trainer.person_id)


def _commune(district: Area) -> Area:
    return db.session.scalars(select(Area).where(Area.parent_id == district.id).order_by(Area.code)).first()


def _invite(client, trainer: Trainer, channel: str = "link"):
    return post_form(client, f"/invitations/trainers/{trainer.id}/invite", {"channel": channel},
                     token_page=f"/trainers/{trainer.id}")


def _token(response) -> str:
    html = response.get_data(as_text=True)
    found = LINK.findall(html)
    assert found, html[:800]
    return found[0]


def _counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def _accept(client, token: str, password: str = NEW_PASSWORD, repeat: str | None = None):
    return post_form(client, f"/invite/{token}", {"password": password,
                                                   "repeat_password": password if repeat is None else repeat})


class _RequestG:
    """Flask-WTF keeps the CSRF token of a request in `g`; in these tests one app context spans every request (the
    test's transaction), so a second browser would get the first one's token. In production each request has its
    own `g`: so here, one per request."""

    def _ns(self) -> dict:
        from flask import request

        return request.environ.setdefault("lantoa.test_g", {})

    def __contains__(self, key) -> bool:
        return key in self._ns()

    def get(self, key, default=None):
        return self._ns().get(key, default)

    def __setattr__(self, key, value) -> None:
        self._ns()[key] = value


class _Browser(FlaskClient):
    """A browser whose every request loads its own signed-in user (Flask-Login caches it in the shared `g`)."""

    def open(self, *args, **kwargs):
        from flask import g

        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture(autouse=True)
def _browsers_of_their_own(app, monkeypatch):
    import flask_wtf.csrf

    monkeypatch.setattr(flask_wtf.csrf, "g", _RequestG())
    monkeypatch.setattr(app, "test_client_class", _Browser)


@pytest.fixture
def tu(world):
    return _trainer(world, "Trần Thị Từ")  # Đại Từ, no account


# ---- creating ------------------------------------------------------------------------------------------------

def test_a_coordinator_invites_one_trainer_and_the_link_is_shown_once(client, login_as, world, tu):
    login_as("coord_daitu")
    page = client.get(f"/trainers/{tu.id}").get_data(as_text=True)
    assert "Mời kích hoạt tài khoản" in page and "Chưa mời" in page
    response = _invite(client, tu)
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    token = _token(response)
    invitation = db.session.scalar(select(Invitation).where(Invitation.person_id == tu.person_id))
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert invitation.kind == "invite" and invitation.channel == "link"
    assert invitation.created_by_id == world.users["coord_daitu"].id
    assert (invitation.expires_at - invitation.created_at).days == 14
    account = db.session.get(User, invitation.user_id)
    assert account.role == "trainer" and account.person_id == tu.person_id and account.username == _person(tu).phone
    assert not account.has_password and not account.check_password("")
    # the token is stored nowhere: not in the links, the audit log, nor anywhere else the page can show it
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "invitation.create")).all()
    assert events and token not in repr([(e.before, e.after) for e in events])
    again = client.get(f"/trainers/{tu.id}").get_data(as_text=True)
    assert token not in again and "Đã mời" in again and "Thu hồi lời mời" in again
    listing = client.get("/invitations/?invitation=invited").get_data(as_text=True)
    assert "Trần Thị Từ" in listing and token not in listing
    assert "Trần Thị Từ" not in client.get("/invitations/?invitation=none").get_data(as_text=True)


def test_the_link_page_shows_who_and_a_masked_phone_and_signs_in(app, client, login_as, world, tu):
    login_as("coord_daitu")
    token = _token(_invite(client, tu))
    trainer_client = app.test_client()
    page = trainer_client.get(f"/invite/{token}")
    html = page.get_data(as_text=True)
    phone = _person(tu).phone
    assert page.status_code == 200 and "Trần Thị Từ" in html
    assert "0" + phone[3:6] in html and "•••" in html and phone[3:] not in html
    response = _accept(trainer_client, token)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    home = trainer_client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Trần Thị Từ" in home and "Đăng xuất" in home
    account = db.session.scalar(select(User).where(User.person_id == tu.person_id))
    assert account.check_password(NEW_PASSWORD)
    assert db.session.scalar(select(Invitation.used_at).where(Invitation.person_id == tu.person_id)) is not None
    login_as("coord_daitu")
    assert "Trần Thị Từ" in client.get("/invitations/?invitation=active").get_data(as_text=True)


def test_a_selection_from_the_list_is_invited_on_a_printable_sheet(client, login_as, world, tu):
    login_as("coord_daitu")
    extra = make_trainer(_commune(world.dai_tu), mentor=_trainer(world, "Nguyễn Văn Đại"), name="Lò Thị Chọn")
    listing = client.get("/invitations/").get_data(as_text=True)
    assert 'name="trainer_ids"' in listing and f'value="{extra.id}"' in listing
    response = post_form(client, "/invitations/invite", {"trainer_ids": [tu.id, extra.id], "channel": "sheet"},
                         token_page="/invitations/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('class="invitation-card"') == 2 and "Lò Thị Chọn" in html
    svgs = re.findall(r"<svg[^>]*>", html)
    assert len(svgs) == 2 and all("viewBox" in s and "width=" not in s for s in svgs)
    assert db.session.scalar(select(func.count(Invitation.id)).where(
        Invitation.person_id.in_([tu.person_id, extra.person_id]), Invitation.channel == "sheet")) == 2


def test_every_trainer_without_an_account_of_a_commune(client, login_as, world):
    commune = _commune(world.dai_tu)
    root = _trainer(world, "Nguyễn Văn Đại")
    for n in range(3):
        make_trainer(commune, mentor=root, name=f"Hà Văn Xã {n}")
    login_as("coord_daitu")
    response = post_form(client, "/invitations/invite-all", {"area_id": commune.id, "unit_id": 0, "channel": "link"},
                         token_page="/invitations/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    names = {t.person.full_name for t in db.session.scalars(
        select(Trainer).where(Trainer.area_id == commune.id).options(joinedload(Trainer.person)))}
    # Nguyễn Văn Đại has an account with a password (trainer_daitu): not invited again
    assert html.count('class="invitation-card"') == len(names) - 1 and "Nguyễn Văn Đại" not in html
    assert len(set(LINK.findall(html))) == len(names) - 1


def test_invite_all_needs_a_commune_or_unit(client, login_as):
    login_as("coord_daitu")
    before = _counts()
    response = post_form(client, "/invitations/invite-all", {"area_id": 0, "unit_id": 0, "channel": "sheet"},
                         token_page="/invitations/")
    assert response.status_code == 200 and "Hãy chọn một xã (địa bàn) hoặc một đơn vị." in response.get_data(True)
    assert _counts() == before


def test_e_mail_goes_through_the_outbox_where_the_person_has_an_address(client, login_as, tu):
    _person(tu).email = "tu@example.vn"
    db.session.flush()
    login_as("coord_daitu")
    response = _invite(client, tu, "email")
    assert response.status_code == 200 and "Đã xếp 1 e-mail" in response.get_data(as_text=True)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "invitation"))
    assert message.to_address == "tu@example.vn" and LINK.search(message.body)
    token = LINK.search(message.body).group(1)
    assert token not in response.get_data(as_text=True)  # e-mail only: the page does not show the link


# ---- bad links: nothing changes -----------------------------------------------------------------------------

def test_a_forged_link_gets_a_clear_page(client):
    response = client.get("/invite/khong-phai-lien-ket-that-0123456789")
    assert response.status_code == 404 and "Liên kết không đúng" in response.get_data(as_text=True)
    assert client.get("/invite/x%27%3B--").status_code == 404


def test_an_expired_link_changes_nothing(app, client, login_as, tu):
    login_as("coord_daitu")
    token = _token(_invite(client, tu))
    invitation = db.session.scalar(select(Invitation).where(Invitation.person_id == tu.person_id))
    invitation.created_at = utcnow() - timedelta(days=20)
    invitation.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()  # (the test's savepoint) so that a refused request's rollback keeps it
    other = app.test_client()
    page = other.get(f"/invite/{token}")
    assert page.status_code == 410 and "Liên kết đã hết hạn" in page.get_data(as_text=True)
    before = _counts()
    response = post_form(other, f"/invite/{token}", {"password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD},
                         token_page="/forgot")
    assert response.status_code == 410 and _counts() == before
    assert not db.session.get(User, invitation.user_id).has_password
    assert "Trần Thị Từ" in client.get("/invitations/?invitation=expired").get_data(as_text=True)


def test_a_used_link_works_once(app, client, login_as, tu):
    login_as("coord_daitu")
    token = _token(_invite(client, tu))
    first = app.test_client()
    assert _accept(first, token).status_code == 302
    second = app.test_client()
    page = second.get(f"/invite/{token}")
    assert page.status_code == 410 and "Liên kết này đã được dùng" in page.get_data(as_text=True)
    account = db.session.scalar(select(User).where(User.person_id == tu.person_id))
    assert account.check_password(NEW_PASSWORD)


def test_revoke_and_resend(app, client, login_as, tu):
    login_as("coord_daitu")
    old = _token(_invite(client, tu))
    response = post_form(client, f"/invitations/trainers/{tu.id}/revoke", {}, token_page=f"/trainers/{tu.id}",
                         follow_redirects=True)
    assert "Đã thu hồi lời mời" in response.get_data(as_text=True)
    page = app.test_client().get(f"/invite/{old}")
    assert page.status_code == 410 and "thu hồi" in page.get_data(as_text=True)
    assert "Trần Thị Từ" in client.get("/invitations/?invitation=none").get_data(as_text=True)
    # resend: the open link is revoked, the new one works
    first = _token(_invite(client, tu))
    second = _token(_invite(client, tu))
    assert first != second
    assert app.test_client().get(f"/invite/{first}").status_code == 410
    assert _accept(app.test_client(), second).status_code == 302
    assert db.session.scalar(select(func.count(User.id)).where(User.person_id == tu.person_id)) == 1


@pytest.mark.parametrize(("password", "repeat", "message"), [
    ("ngan", None, "Mật khẩu cần ít nhất 10 ký tự."),
    ("phone", None, "Mật khẩu không được là số điện thoại của bạn."),
    ("phone+84", None, "Mật khẩu không được là số điện thoại của bạn."),
    (NEW_PASSWORD, "mat-khau-khac-han", "Mật khẩu nhập lại không khớp."),
])
def test_password_rules_on_the_link_page(app, client, login_as, tu, password, repeat, message):
    login_as("coord_daitu")
    token = _token(_invite(client, tu))
    phone = _person(tu).phone
    if password == "phone":
        password = "0" + phone[3:6] + " " + phone[6:]
    elif password == "phone+84":
        password = phone
    other = app.test_client()
    before = _counts()
    response = _accept(other, token, password, repeat)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert _counts() == before
    invitation = db.session.scalar(select(Invitation).where(Invitation.person_id == tu.person_id))
    db.session.refresh(invitation)
    assert invitation.used_at is None and not db.session.get(User, invitation.user_id).has_password


# ---- signing in ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["local", "spaced", "plus", "plus_spaced", "84"])
def test_sign_in_with_the_phone_number(app, client, login_as, tu, spelling):
    login_as("coord_daitu")
    token = _token(_invite(client, tu))
    assert _accept(app.test_client(), token).status_code == 302
    rest = _person(tu).phone[3:]
    typed = {"local": "0" + rest, "spaced": f"0{rest[:3]} {rest[3:6]} {rest[6:]}", "plus": "+84" + rest,
             "plus_spaced": f"+84 {rest[:3]} {rest[3:]}", "84": "84" + rest}[spelling]
    trainer_client = app.test_client()
    response = post_form(trainer_client, "/login", {"username": typed, "password": NEW_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def test_an_account_made_by_the_admin_signs_in_with_its_persons_phone(client, world):
    phone = _person(_trainer(world, "Nguyễn Văn Đại")).phone  # trainer_daitu's person
    response = post_form(client, "/login", {"username": "0" + phone[3:], "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_phone_spellings_share_one_throttle_account(ctx, world):
    from app.auth.throttle import account_key

    assert account_key("0912 345 678") == account_key("+84912345678") == account_key("84912345678")
    assert account_key(" Admin ") == "admin"
    phone = _person(_trainer(world, "Nguyễn Văn Đại")).phone  # trainer_daitu's: username and phone, one count
    assert account_key("0" + phone[3:]) == account_key("TRAINER_daitu") == "trainer_daitu"


def test_an_invited_account_without_a_password_cannot_sign_in(client, login_as, tu):
    login_as("coord_daitu")
    _invite(client, tu)
    post_form(client, "/logout", {}, token_page="/")
    phone = _person(tu).phone
    for password in ("", "!invited", NEW_PASSWORD):
        response = post_form(client, "/login", {"username": phone, "password": password or "x"})
        assert response.status_code == 200


def test_a_paused_trainer_cannot_sign_in_and_is_signed_out(app, client, login_as, world):
    from app.network.operations import set_status

    dai = _trainer(world, "Nguyễn Văn Đại")
    login_as("trainer_daitu")
    assert client.get("/account").status_code == 200
    set_status(None, dai, "paused")
    db.session.commit()
    assert client.get("/account").status_code == 302  # the open session ends
    response = post_form(app.test_client(), "/login", {"username": "trainer_daitu", "password": TEST_PASSWORD})
    assert response.status_code == 200 and "không đúng" in response.get_data(as_text=True)
    set_status(None, dai, "active")
    db.session.commit()
    assert post_form(app.test_client(), "/login", {"username": "trainer_daitu",
                                                   "password": TEST_PASSWORD}).status_code == 302


def test_a_paused_trainer_cannot_use_a_link_nor_be_invited(app, client, login_as, tu):
    from app.network.operations import set_status

    login_as("coord_daitu")
    token = _token(_invite(client, tu))
    set_status(None, tu, "paused")
    db.session.commit()
    page = app.test_client().get(f"/invite/{token}")
    assert page.status_code == 410 and "tạm dừng" in page.get_data(as_text=True)
    response = _invite(client, tu)
    assert response.status_code == 302


# ---- reset: same links, every other session ends ------------------------------------------------------------

def test_a_reset_link_ends_every_other_session(app, client, login_as, world):
    dai = _trainer(world, "Nguyễn Văn Đại")
    trainer_session = app.test_client()
    post_form(trainer_session, "/login", {"username": "trainer_daitu", "password": TEST_PASSWORD})
    assert trainer_session.get("/account").status_code == 200
    login_as("coord_daitu")
    response = _invite(client, dai)
    assert "Đặt lại mật khẩu" in response.get_data(as_text=True)
    token = _token(response)
    assert db.session.scalar(select(Invitation.kind).where(Invitation.person_id == dai.person_id)) == "reset"
    phone_client = app.test_client()
    assert _accept(phone_client, token).status_code == 302
    assert trainer_session.get("/account").status_code == 302  # the other session ended
    assert phone_client.get("/account").status_code == 200  # the browser that reset stays signed in
    assert post_form(app.test_client(), "/login", {"username": "trainer_daitu",
                                                   "password": NEW_PASSWORD}).status_code == 302


def test_forgot_password_explains_or_mails_a_reset_link(client, world):
    page = client.get("/forgot").get_data(as_text=True)
    assert "Quên mật khẩu" in page and "điều phối viên" in page
    dai = _trainer(world, "Nguyễn Văn Đại")
    phone = _person(dai).phone
    before = _counts()
    answer = post_form(client, "/forgot", {"username": "0" + phone[3:]})
    assert answer.status_code == 200 and "điều phối viên" in answer.get_data(as_text=True)
    assert _counts() == before  # no address: nothing sent, nothing written
    _person(dai).email = "dai@example.vn"
    db.session.flush()
    again = post_form(client, "/forgot", {"username": "0" + phone[3:]})
    assert again.status_code == 200 and "điều phối viên" in again.get_data(as_text=True)  # the same answer
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "dai@example.vn"))
    assert message is not None and "đặt lại mật khẩu" in message.body and LINK.search(message.body)
    assert db.session.scalar(select(Invitation.kind).where(Invitation.person_id == dai.person_id)) == "reset"
    post_form(client, "/forgot", {"username": "0" + phone[3:]})  # again at once: no second mail
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.to_address == "dai@example.vn")) == 1
    assert post_form(client, "/forgot", {"username": "khong-co-ai"}).status_code == 200


# ---- scope and permissions ----------------------------------------------------------------------------------

def test_a_coordinator_cannot_invite_outside_scope(client, login_as, world):
    binh = _trainer(world, "Phạm Văn Bình")
    login_as("coord_daitu")
    before = _counts()
    token = client.get("/invitations/").get_data(as_text=True)
    from tests.conftest import csrf_from

    for path in ("invite", "revoke"):
        response = client.post(f"/invitations/trainers/{binh.id}/{path}",
                                data={"csrf_token": csrf_from(token), "channel": "link"})
        assert response.status_code == 404
    response = post_form(client, "/invitations/invite", {"trainer_ids": [binh.id], "channel": "sheet"},
                         token_page="/invitations/")
    assert response.status_code == 200 and "ngoài phạm vi" in response.get_data(as_text=True)
    assert _counts() == before
    assert "Phạm Văn Bình" not in client.get("/invitations/").get_data(as_text=True)


@pytest.mark.parametrize("username", ["trainer_daitu", "viewer", "steering"])
def test_only_coordinators_and_admins_have_the_page(client, login_as, username):
    login_as(username)
    assert client.get("/invitations/").status_code == 404


def test_admin_sees_every_trainer(client, login_as):
    login_as("admin")
    html = client.get("/invitations/").get_data(as_text=True)
    assert "Phạm Văn Bình" in html and "Trần Thị Từ" in html


# ---- automatic invitations ----------------------------------------------------------------------------------

def _completed_enrollment(world):
    from app.models import Enrollment

    return db.session.scalar(select(Enrollment).join(Person, Person.id == Enrollment.person_id)
                             .where(Person.full_name == "Lê Văn Học"))


@pytest.mark.parametrize("setting", [0, 1])
def test_promotion_invites_when_the_setting_says_so(ctx, world, setting):
    from app.network.operations import promote

    set_setting("auto_invite", setting)
    enrollment = _completed_enrollment(world)
    trainer = promote(world.users["coord_daitu"], enrollment.id, certified_on=utcnow().date())
    found = db.session.scalar(select(Invitation).where(Invitation.person_id == trainer.person_id))
    assert (found is not None) == bool(setting)
    if setting:
        assert found.channel == "auto" and found.kind == "invite"


@pytest.mark.parametrize("setting", [0, 1])
def test_trainer_import_invites_when_the_setting_says_so(ctx, world, setting):
    from app.network.imports import Outcome, import_steps

    set_setting("auto_invite", setting)
    root = _trainer(world, "Nguyễn Văn Đại")
    commune = db.session.get(Area, root.area_id)
    csv = ("Họ và tên,Số điện thoại,Cấp,Bậc được dạy,Mã địa bàn,SĐT người hướng dẫn\n"
           f"Đào Văn Nhập,0977111222,local,1,{commune.code},{_person(root).phone}\n").encode()
    outcome = Outcome()
    list(import_steps(world.users["admin"], "giang-vien.csv", csv, outcome, write=True))
    assert outcome.written, outcome.problems
    person = db.session.scalar(select(Person).where(Person.phone == "+84977111222"))
    count = db.session.scalar(select(func.count(Invitation.id)).where(Invitation.person_id == person.id))
    assert count == setting


# ---- bulk, logs, account page -------------------------------------------------------------------------------

def test_bulk_invitation_skips_with_reasons(ctx, world):
    root = _trainer(world, "Nguyễn Văn Đại")
    commune = _commune(world.dai_tu)
    paused = make_trainer(commune, mentor=root, name="Vi Thị Nghỉ", status="paused")
    no_phone = make_trainer(commune, mentor=root, name="Ma Văn Không")
    _person(no_phone).phone = None
    db.session.flush()
    outcome = operations.invite_many(world.users["coord_daitu"], [paused.id, no_phone.id, root.id], "sheet")
    assert dict(outcome.skipped) == {"Vi Thị Nghỉ": "Giảng viên đang tạm dừng hoặc đã nghỉ.",
                                     "Ma Văn Không": "Giảng viên chưa có số điện thoại."}
    assert [i.kind for i in outcome.issued] == ["reset"]


def test_tokens_are_kept_out_of_the_request_logs(app):
    from app.invitations.redact import RedactTokens

    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - [%s] "%s" %s %s',
                               ("127.0.0.1", "now", "GET /invite/SECRETtoken_123 HTTP/1.1", "200", "-"), None)
    assert RedactTokens().filter(record)
    assert "SECRETtoken_123" not in record.getMessage() and "/invite/…" in record.getMessage()
    assert any(isinstance(f, RedactTokens) for f in logging.getLogger("werkzeug").filters)


def test_my_account_shows_phone_role_and_scope(client, login_as, world):
    login_as("trainer_daitu")
    html = client.get("/account").get_data(as_text=True)
    phone = _person(_trainer(world, "Nguyễn Văn Đại")).phone
    assert "Tài khoản của tôi" in html and f"0{phone[3:6]} {phone[6:9]} {phone[9:]}" in html
    assert "Giảng viên" in html and "Đổi mật khẩu" in html and "Hồ sơ giảng viên" in html
    post_form(client, "/logout", {}, token_page="/")
    login_as("coord_daitu")
    html = client.get("/account").get_data(as_text=True)
    assert "coord_daitu" in html and "Huyện Đại Từ" in html


def test_pausing_on_the_trainer_page_ends_sign_in(app, client, login_as, world):
    dai = _trainer(world, "Nguyễn Văn Đại")
    login_as("coord_daitu")
    response = post_form(client, f"/trainers/{dai.id}/status", {"status": "paused"}, token_page=f"/trainers/{dai.id}",
                         follow_redirects=True)
    assert "Đã đổi trạng thái: Tạm dừng." in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "trainer.status")) is not None
    assert post_form(app.test_client(), "/login", {"username": "trainer_daitu",
                                                   "password": TEST_PASSWORD}).status_code == 200
    binh = _trainer(world, "Phạm Văn Bình")
    from tests.conftest import csrf_from

    token = csrf_from(client.get(f"/trainers/{dai.id}").get_data(as_text=True))
    assert client.post(f"/trainers/{binh.id}/status", data={"csrf_token": token, "status": "paused"}).status_code == 404


def test_the_trainer_list_has_checkboxes_for_who_may_invite(client, login_as, tu):
    login_as("coord_daitu")
    html = client.get("/trainers/").get_data(as_text=True)
    assert f'name="trainer_ids" value="{tu.id}" form="invite-selection"' in html
    response = post_form(client, "/invitations/invite", {"trainer_ids": [tu.id], "channel": "sheet"},
                         token_page="/trainers/")
    assert response.status_code == 200 and response.get_data(as_text=True).count('class="invitation-card"') == 1
    post_form(client, "/logout", {}, token_page="/")
    login_as("steering")
    assert 'name="trainer_ids"' not in client.get("/trainers/").get_data(as_text=True)


def test_a_merged_person_keeps_one_trainer_account(ctx, world):
    from app.models.user import NO_PASSWORD
    from app.people.operations import merge_persons
    from tests.factories import make_person, make_user

    commune = _commune(world.dai_tu)
    survivor, duplicate = make_person("Lý Thị Gộp", commune), make_person("Lý Thị Gộp", commune)
    invited = make_user("invited-account", "trainer", person=survivor)
    invited.password_hash = NO_PASSWORD
    used = make_user("used-account", "trainer", person=duplicate)
    used.last_login_at = utcnow()
    db.session.flush()
    merge_persons(survivor, duplicate)
    accounts = db.session.scalars(select(User).where(User.person_id == survivor.id).order_by(User.id)).all()
    assert [(a.username, a.active) for a in accounts] == [("invited-account", False), ("used-account", True)]


def test_no_link_for_an_account_of_another_role(ctx, world):
    """A coordinator never resets a coordinator's or an admin's password, even when that person is a trainer."""
    tu = _trainer(world, "Trần Thị Từ")
    admin = world.users["admin"]
    admin.person_id = tu.person_id
    db.session.flush()
    outcome = operations.invite_many(world.users["coord_daitu"], [tu.id], "link")
    assert not outcome.issued and "vai trò khác" in outcome.skipped[0][1]
