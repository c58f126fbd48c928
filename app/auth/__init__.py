"""Sign-in: Flask-Login wiring. Sessions are cookie-based, HttpOnly, SameSite=Lax (see config)."""

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.auth.sessions import parse_session_id
from app.extensions import db, login_manager
from app.models import User


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        parsed = parse_session_id(user_id)
        if parsed is None:  # includes a plain "<id>" from before sessions carried their version
            return None
        uid, version = parsed
        from app.auth.operations import sign_in_allowed

        return db.session.scalar(select(User).options(joinedload(User.person)).where(
            User.id == uid, User.session_version == version, sign_in_allowed()))
