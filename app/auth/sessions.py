"""Sessions that end: the user's `session_version` is copied into the Flask session at sign-in and
must match when Flask-Login loads the user on each request.

Rules: logout bumps the version, so a copied cookie of the ended session no longer signs anyone in;
a password change bumps it too and re-stamps the current session, ending every other session.
Operations flush, never commit (app/web/boundary.py commits).
"""

from __future__ import annotations

from flask import session

from app.extensions import db
from app.models import User

SESSION_KEY = "_session_version"


def stamp_session(user: User) -> None:
    """Record the user's current version in this session (call at sign-in)."""
    session[SESSION_KEY] = user.session_version


def session_is_current(user: User) -> bool:
    return session.get(SESSION_KEY) == user.session_version


def end_all_sessions(user: User) -> None:
    """Bump the version: every session stamped with the old one is refused from now on."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()
