"""Sessions that end: a copied session cookie stops working after logout or a password change."""

from app.auth.sessions import end_all_sessions
from app.extensions import db
from tests.conftest import post_form


def _copy_session(source, target):
    cookie = source.get_cookie("session")
    assert cookie is not None
    target.set_cookie("session", cookie.value, domain=cookie.domain)


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_copied_cookie_works_until_logout(app, client, login_as, world):
    login_as("steering")
    thief = app.test_client()
    _copy_session(client, thief)
    assert _signed_in(thief)
    post_form(client, "/logout", {}, token_page="/")
    assert not _signed_in(client)
    assert not _signed_in(thief)


def test_version_bump_ends_other_sessions_but_restamped_one_stays(app, client, login_as, world):
    login_as("steering")
    thief = app.test_client()
    _copy_session(client, thief)
    user = world.users["steering"]
    before = user.session_version
    end_all_sessions(user)
    assert user.session_version == before + 1
    assert not _signed_in(thief)
    assert not _signed_in(client)
    login_as("steering")
    assert _signed_in(client)
    db.session.refresh(user)
    assert user.session_version == before + 1
