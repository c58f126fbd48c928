"""Sessions that end: the user's `session_version` is part of the id Flask-Login keeps in the session cookie
and in the remember-me cookie (Flask-Login's "alternative token": `User.get_id()` is "<id>:<version>").

Rules: the user loader refuses an id whose version is not the user's current one; logout bumps the version,
so a copied cookie of the ended session (or its remember-me cookie) no longer signs anyone in.
Operations flush, never commit (app/web/boundary.py commits).
"""

from __future__ import annotations

from app.extensions import db
from app.models import User


def parse_session_id(value: str) -> tuple[int, int] | None:
    """(user id, session version) from a session id; None for anything else.

    >>> parse_session_id("12:3"), parse_session_id("12"), parse_session_id("x:1")
    ((12, 3), None, None)
    """
    user_id, sep, version = value.partition(":")
    if not sep or not user_id.isdigit() or not version.isdigit():
        return None
    return int(user_id), int(version)


def end_all_sessions(user: User) -> None:
    """Bump the version: every session and remember-me cookie issued under the old one is refused from now on."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()
