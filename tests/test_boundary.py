"""The request boundary: one commit for a request that changed something, a rollback otherwise."""

from __future__ import annotations

from flask import Response

from app.errors import OperationError
from app.extensions import db
from app.models import Setting
from app.web.boundary import commit_now


class _Form:
    form_errors: list

    def __init__(self):
        self.form_errors = []


def _flush_setting(key: str) -> None:
    db.session.add(Setting(key=key, value="1"))
    db.session.flush()


def _kept(key: str) -> bool:
    db.session.rollback()  # throws away anything not committed at the boundary
    return db.session.get(Setting, key) is not None


def test_a_successful_request_commits_what_it_flushed(app):
    with app.test_request_context("/", method="POST"):
        _flush_setting("boundary.ok")
        app.process_response(Response(status=302))
        assert _kept("boundary.ok")


def test_an_error_status_rolls_back(app):
    with app.test_request_context("/", method="POST"):
        _flush_setting("boundary.bad")
        app.process_response(Response(status=400))
        assert not _kept("boundary.bad")


def test_a_refused_operation_shown_on_a_form_discards_the_flushed_change(app):
    with app.test_request_context("/", method="POST"):
        _flush_setting("boundary.refused")
        OperationError("Không hợp lệ.").apply_to(_Form())
        app.process_response(Response(status=200))
        assert not _kept("boundary.refused")


def test_commit_now_keeps_a_record_through_a_refused_answer(app):
    with app.test_request_context("/", method="POST"):
        _flush_setting("boundary.kept")
        commit_now()
        app.process_response(Response(status=429))
        assert _kept("boundary.kept")


def test_a_read_only_request_does_not_commit(app, monkeypatch):
    calls = []
    with app.test_request_context("/"):
        monkeypatch.setattr(db.session, "commit", lambda: calls.append(1))
        app.process_response(Response(status=200))
    assert calls == []
