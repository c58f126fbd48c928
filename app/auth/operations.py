"""Authentication rules: who may sign in, where a `next` link may lead, and changing one's own password."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit import record
from app.auth.passwords import password_problem
from app.auth.sessions import end_all_sessions
from app.errors import OperationError
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


def change_password(user: User, current: str, new: str, repeat: str) -> None:
    """Change `user`'s own password and end every session issued before (flushes, never commits).

    Refused, with the field named: a wrong current password, a new password breaking the rule, a repeat that
    differs, a new password equal to the current one. The caller signs the current browser in again under the
    new session version.
    """
    if not user.check_password(current or ""):
        raise OperationError("Mật khẩu hiện tại không đúng.", field="current_password")
    if problem := password_problem(new or "", "Mật khẩu mới"):
        raise OperationError(problem, field="new_password")
    if new != repeat:
        raise OperationError("Mật khẩu nhập lại không khớp với mật khẩu mới.", field="repeat_password")
    if current == new:
        raise OperationError("Mật khẩu mới phải khác mật khẩu hiện tại.", field="new_password")
    user.set_password(new)
    end_all_sessions(user)
    record("user.password_change", user, after={"session_version": user.session_version})


def set_digest_frequency(user: User, frequency: str) -> None:
    """How often `user` gets the e-mail digest (daily, weekly, none); audited; flushes."""
    from app.models.vocab import DIGEST_FREQUENCIES

    if frequency not in DIGEST_FREQUENCIES:
        raise OperationError("Chọn hằng ngày, hằng tuần hoặc không nhận.", field="digest_frequency")
    if frequency == user.digest_frequency:
        return
    before = {"digest_frequency": user.digest_frequency}
    user.digest_frequency = frequency
    db.session.flush()
    record("user.digest_frequency", user, before=before, after={"digest_frequency": frequency})


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
