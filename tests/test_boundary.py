"""The request boundary: one commit for a request that changed something, a rollback otherwise."""

from __future__ import annotations

import pytest
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


def _undo_log(app, status: int, discard: bool = False) -> list[str]:
    from app.web.boundary import discard_changes, on_rollback

    log: list[str] = []
    with app.test_request_context("/", method="POST"):
        _flush_setting(f"boundary.undo.{status}.{discard}")
        on_rollback(lambda: log.append("first"))
        on_rollback(lambda: log.append("second"))
        if discard:
            discard_changes()
        app.process_response(Response(status=status))
        app.do_teardown_request()
    return log


def test_rollback_callbacks_run_newest_first_once_when_the_request_rolls_back(app):
    assert _undo_log(app, 400) == ["second", "first"]
    assert _undo_log(app, 500) == ["second", "first"]
    assert _undo_log(app, 200, discard=True) == ["second", "first"]


def test_rollback_callbacks_are_forgotten_when_the_request_commits(app):
    assert _undo_log(app, 302) == []
    assert _undo_log(app, 200) == []


def test_an_exception_runs_the_rollback_callbacks(app):
    from app.web.boundary import on_rollback

    log: list[str] = []
    with app.test_request_context("/", method="POST"):
        _flush_setting("boundary.undo.error")
        on_rollback(lambda: log.append("undone"))
        app.do_teardown_request(RuntimeError("view failed"))
        assert not _kept("boundary.undo.error")
    assert log == ["undone"]


def test_a_request_that_commits_nothing_undoes_its_side_effects(app):
    from app.web.boundary import on_rollback

    log: list[str] = []
    with app.test_request_context("/", method="POST"):
        on_rollback(lambda: log.append("undone"))
        app.process_response(Response(status=200))
        app.do_teardown_request()
    assert log == ["undone"]


def test_a_failed_commit_rolls_back_and_runs_the_callbacks(app, monkeypatch):
    from app.web.boundary import on_rollback

    log: list[str] = []

    def failing_commit():
        raise RuntimeError("database went away")

    with app.test_request_context("/", method="POST"):
        _flush_setting("boundary.commit.fails")
        on_rollback(lambda: log.append("undone"))
        monkeypatch.setattr(db.session, "commit", failing_commit)
        with pytest.raises(RuntimeError):
            app.process_response(Response(status=302))
        monkeypatch.undo()
        assert log == ["undone"] and not _kept("boundary.commit.fails")
