"""The one commit point of a web request (Indico's ``RH.process``).

Views and operations only flush. When the view returns a response below 400 and the
request changed something (pending objects or a flush), the session is committed here;
a 4xx/5xx answer or an exception rolls it back, so a change is never half-kept and a
forgotten ``commit()`` cannot lose one. A read-only request commits nothing.
A view that must throw its flushed changes away while still answering 200 (a form
shown again with an error) calls :func:`discard_changes`.
The error page of a failed request is drawn without trusting the database (:func:`release_after_error`):
when the failure is the database itself (a dropped connection), the session is unusable until it is let go,
and the signed-in user may not have been read yet.
"""

from __future__ import annotations

import contextlib

from flask import Flask, g, has_request_context
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db, login_manager


def discard_changes() -> None:
    """Roll back what this request flushed and keep it from being committed."""
    db.session.rollback()
    g.lantoa_discard = True


@event.listens_for(Session, "after_flush")
def _mark_flushed(session, flush_context) -> None:
    if has_request_context():
        g.lantoa_flushed = True


def _changed() -> bool:
    session = db.session
    return bool(g.pop("lantoa_flushed", False) or session.new or session.dirty or session.deleted)


def release_after_error() -> None:
    """Let the failed request's session go, so the error page can be drawn.

    The session is closed, not rolled back: its connection goes back to the pool (a dead one is thrown out), and
    the objects already read, the user among them, keep their values instead of being expired and read again.
    A user not read yet is read now on a fresh connection; if the database cannot answer, the page is drawn
    for an anonymous visitor."""
    with contextlib.suppress(Exception):
        db.session.close()
    if "_login_user" in g:
        return
    try:
        current_user._get_current_object()
    except Exception:
        with contextlib.suppress(Exception):
            db.session.close()
        g._login_user = login_manager.anonymous_user()


def init_app(app: Flask) -> None:
    @app.after_request
    def commit_request(response):
        discard = g.pop("lantoa_discard", False)
        if response.status_code >= 400 or discard:
            db.session.rollback()
        elif _changed():
            db.session.commit()
        return response

    @app.teardown_request
    def rollback_on_error(error):
        if error is not None:
            db.session.rollback()
