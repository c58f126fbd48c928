"""Authentication rules: who may sign in, and where a `next` link may lead."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import User
from app.timeutil import utcnow


@cache
def _dummy_hash() -> str:
    """A hash to check against when the user does not exist, so timing does not reveal usernames."""
    return generate_password_hash("lantoa-no-such-user")


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    return user


def safe_next(target: str | None) -> str | None:
    """Accept only a local absolute path ('/x'), never another host or scheme."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
