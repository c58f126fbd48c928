"""The one commit point of a web request (Indico's ``RH.process``).

Views and operations only flush. When the view returns a response below 400 and the
request changed something (pending objects or a flush), the session is committed here;
a 4xx/5xx answer or an exception rolls it back, so a change is never half-kept and a
forgotten ``commit()`` cannot lose one. A read-only request commits nothing.
A view that must throw its flushed changes away while still answering 200 (a form
shown again with an error) calls :func:`discard_changes`. Records that must survive a refusal
(the sign-in throttle's failures, answered 200 or 429) are committed at once by :func:`commit_now`.

Rules:
- what a request does outside the database (a file written to the upload folder) is undone with it: the code
  that does it registers the undo with :func:`on_rollback`; every rollback of the request (an answer ≥ 400,
  an exception, :func:`discard_changes`, a failed commit) runs the registered callbacks, newest first, once;
  a commit forgets them (the file stays with the row that names it); a request that ends without committing
  runs them at its teardown (a side effect is kept only with a commit);
- what a request records about itself (an API token's use, a rate-limit hit) is kept whatever its answer: the
  code registers it with :func:`keep_record`; the callback (given the response) runs after the outcome is
  settled, just before the commit of a kept request, or right after the rollback of a refused one, whose
  record is then committed on its own (a refused or failed call still counts and is still audited);
- a streamed response's body runs after the response has left this boundary: it ends its own transaction
  with :func:`end_streamed` (commit when it says so, roll back otherwise);
- the error page of a failed request is drawn without trusting the database (:func:`release_after_error`):
  when the failure is the database itself (a dropped connection), the session is unusable until it is let go,
  and the signed-in user may not have been read yet.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db, login_manager

T = TypeVar("T")
_UNDO = "lantoa_on_rollback"
_KEPT = "lantoa_keep_record"


def on_rollback(callback: Callable[[], None]) -> None:
    """Run `callback` if this request's changes are rolled back; forget it when they are committed."""
    if not has_request_context():
        raise RuntimeError("on_rollback() needs a request: outside one there is no boundary to run it")
    g.setdefault(_UNDO, []).append(callback)


def keep_record(callback: Callable[[object], None]) -> None:
    """Run `callback(response)` at the end of this request and commit what it adds, even if the request's own
    changes are rolled back."""
    g.setdefault(_KEPT, []).append(callback)


def _write_kept(response) -> bool:
    kept = g.pop(_KEPT, [])
    for callback in kept:
        callback(response)
    return bool(kept)


def _keep_apart(response) -> None:
    """Write and commit the kept records in a transaction of their own, begun for writing."""
    if not g.get(_KEPT):
        return
    g.lantoa_write_only = True
    try:
        _write_kept(response)
        _commit()
    finally:
        g.lantoa_write_only = False


def discard_changes() -> None:
    """Roll back what this request flushed and keep it from being committed."""
    _rollback()
    g.lantoa_discard = True


def end_streamed(keep: bool) -> None:
    """The commit point of a streamed response's body (which runs after `after_request`): commit what the
    body wrote when `keep`, else roll it back."""
    if keep:
        _commit()
    else:
        _rollback()


def _rollback() -> None:
    db.session.rollback()
    for callback in reversed(g.pop(_UNDO, [])):
        callback()


def _commit() -> None:
    try:
        db.session.commit()
    except BaseException:
        _rollback()
        raise
    g.pop(_UNDO, None)


def commit_now() -> None:
    """Commit what this request has flushed so far, whatever its answer will be; the boundary adds no commit.

    Only for records that must outlive a refused request, written when the request has changed nothing else.
    """
    _commit()
    if has_request_context():
        g.pop("lantoa_flushed", None)


def write_now(write: Callable[[], T]) -> T:
    """Run `write` in a transaction of its own, begun for writing, and commit it at once (whatever the request's
    answer will be): what it reads and writes waits for other writers instead of failing (SQLite: BEGIN
    IMMEDIATE once the request's read transaction is ended). Only at the start of a request that has changed
    nothing yet (a lookup counting itself): ending its transaction commits nothing."""
    commit_now()
    g.lantoa_write_only = True
    try:
        result = write()
        commit_now()
    finally:
        g.lantoa_write_only = False
    return result


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
        changed = _changed()
        if response.status_code >= 400 or discard:
            _rollback()
            _keep_apart(response)
        elif request.method in ("GET", "HEAD") and not changed and g.get(_KEPT):
            # a read that only keeps records (an API read): end the read transaction first (committing, as before,
            # whatever it wrote), then write them in a transaction of their own that takes the write lock at once
            # (SQLite: BEGIN IMMEDIATE), so concurrent reads that keep records wait for one another, never fail
            _commit()
            _keep_apart(response)
        elif _write_kept(response) | changed:
            _commit()
        return response

    @app.teardown_request
    def rollback_on_error(error):
        if error is not None:
            _rollback()
        else:  # nothing was committed that needs them (a request that wrote no row): undo them too
            for callback in reversed(g.pop(_UNDO, [])):
                callback()
