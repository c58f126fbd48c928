"""Authentication rules: who may sign in, where a `next` link may lead, and changing one's own password."""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import urlsplit

from sqlalchemy import and_, exists, func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit import record
from app.auth.passwords import password_problem
from app.auth.sessions import end_all_sessions
from app.errors import OperationError
from app.extensions import db
from app.models import Person, Trainer, User
from app.text import PhoneError, normalize_phone
from app.timeutil import utcnow


@cache
def _dummy_hash() -> str:
    """A hash to check against when the user does not exist, so timing does not reveal usernames."""
    return generate_password_hash("lantoa-no-such-user")


def sign_in_allowed():
    """The SQL rule of who may be signed in (at sign-in and on every request, `app.auth.load_user`): an active
    account whose person, if the account is a trainer's, is not a paused (or departed) trainer."""
    return and_(User.active.is_(True), or_(User.role != "trainer", ~exists().where(
        Trainer.person_id == User.person_id, Trainer.status != "active")))


def find_account(username: str) -> User | None:
    """The account a typed username names: the username itself (any case); else, when it reads as a phone number
    (`0912 345 678`, `+84912345678`, `84912…`), the account whose username is that number (+84…), or the one
    account of the person with that phone."""
    typed = (username or "").strip()
    user = db.session.scalar(select(User).where(func.lower(User.username) == typed.lower()))
    if user is not None:
        return user
    phone = phone_key(typed)
    if phone is None:
        return None
    user = db.session.scalar(select(User).where(User.username == phone))
    if user is not None:
        return user
    found = db.session.scalars(select(User).join(Person, Person.id == User.person_id)
                               .where(Person.phone == phone).limit(2)).all()
    return found[0] if len(found) == 1 else None


def phone_key(typed: str) -> str | None:
    """A typed username read as a phone number (+84…), or None when it is not one.

    >>> phone_key("0912 345 678"), phone_key("+84 912345678"), phone_key("admin")
    ('+84912345678', '+84912345678', None)
    """
    if not typed or not re.fullmatch(r"[\d\s.+\-()]+", typed):
        return None
    try:
        return normalize_phone(typed)
    except PhoneError:
        return None


def authenticate(username: str, password: str) -> User | None:
    user = find_account(username)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password):
        return None
    if db.session.scalar(select(User.id).where(User.id == user.id, sign_in_allowed())) is None:
        return None  # a locked account, a paused trainer: the same answer as a wrong password
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
