"""Sign-in: Flask-Login wiring. Sessions are cookie-based, HttpOnly, SameSite=Lax (see config)."""

from flask import Flask
from sqlalchemy import select

from app.auth.sessions import session_is_current
from app.extensions import db, login_manager
from app.models import User


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        user = db.session.scalar(select(User).where(User.id == int(user_id), User.active.is_(True)))
        if user is None or not session_is_current(user):
            return None
        return user
