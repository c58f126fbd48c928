"""The one commit point of a web request (Indico's ``RH.process``).

Views and operations only flush. When the view returns a response below 400 and the
request changed something (pending objects or a flush), the session is committed here;
a 4xx/5xx answer or an exception rolls it back, so a change is never half-kept and a
forgotten ``commit()`` cannot lose one. A read-only request commits nothing.
A view that must throw its flushed changes away while still answering 200 (a form
shown again with an error) calls :func:`discard_changes`. Records that must survive a refusal
(the sign-in throttle's failures, answered 200 or 429) are committed at once by :func:`commit_now`.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db


def discard_changes() -> None:
    """Roll back what this request flushed and keep it from being committed."""
    db.session.rollback()
    g.lantoa_discard = True


def commit_now() -> None:
    """Commit what this request has flushed so far, whatever its answer will be; the boundary adds no commit.

    Only for records that must outlive a refused request, written when the request has changed nothing else.
    """
    db.session.commit()
    if has_request_context():
        g.pop("lantoa_flushed", None)


@event.listens_for(Session, "after_flush")
def _mark_flushed(session, flush_context) -> None:
    if has_request_context():
        g.lantoa_flushed = True


def _changed() -> bool:
    session = db.session
    return bool(g.pop("lantoa_flushed", False) or session.new or session.dirty or session.deleted)


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
