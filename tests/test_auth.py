from sqlalchemy import select

from app.auth.operations import safe_next
from app.extensions import db
from app.models import User
from tests.conftest import csrf_from, post_form


def test_login_with_csrf_token_lands_on_home(client, world):
    response = post_form(client, "/login", {"username": "steering", "password": "mat-khau-thu-nghiem"})
    assert response.status_code == 302
    home = client.get("/", follow_redirects=True)
    assert "Tổng quan chương trình" in home.get_data(as_text=True)
    assert db.session.scalar(select(User.last_login_at).where(User.username == "steering")) is not None


def test_login_without_csrf_token_is_refused(client, world):
    response = client.post("/login", data={"username": "steering", "password": "mat-khau-thu-nghiem"})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)


def test_wrong_password_says_so_in_vietnamese(client, world):
    response = post_form(client, "/login", {"username": "steering", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_inactive_user_cannot_log_in(client, world):
    world.users["viewer"].active = False
    db.session.flush()
    response = post_form(client, "/login", {"username": "viewer", "password": "mat-khau-thu-nghiem"})
    assert response.status_code == 200


def test_next_is_followed_only_when_local(client, world):
    page = client.get("/login?next=/units/").get_data(as_text=True)
    response = client.post("/login", data={"username": "steering", "password": "mat-khau-thu-nghiem",
                                           "next": "/units/", "csrf_token": csrf_from(page)})
    assert response.headers["Location"].endswith("/units/")


def test_safe_next_rejects_other_hosts():
    assert safe_next("/trainers/?q=a") == "/trainers/?q=a"
    for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)", "evil", "/\\evil.example"):
        assert safe_next(bad) is None


def test_logout_is_a_post_with_csrf(client, login_as):
    login_as("steering")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    response = post_form(client, "/logout", {}, token_page="/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_session_cookie_is_hardened(app, client, world):
    response = post_form(client, "/login", {"username": "steering", "password": "mat-khau-thu-nghiem"})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_passwords_are_hashed(world):
    stored = db.session.scalar(select(User.password_hash).where(User.username == "admin"))
    assert "mat-khau" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
