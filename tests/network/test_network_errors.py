"""Error codes are stable and params structured; errors survive pickling (e.g. from a worker process)."""

from __future__ import annotations

import pickle

import pytest

from network import ERROR_CODES, CycleError, NetworkError, SecondMentorError


def test_codes_are_unique_and_complete() -> None:
    assert set(ERROR_CODES) == {
        "network", "self_mentor", "cycle", "unknown_mentor", "inactive_mentor", "mentor_level", "second_mentor",
        "duplicate_trainer", "invalid_path", "invalid_input"}
    assert all(issubclass(cls, NetworkError) and cls.code == code for code, cls in ERROR_CODES.items())


def test_params_are_attributes_and_survive_pickling() -> None:
    err = SecondMentorError(trainer_id=3, mentor_id=1, current_mentor_id=2)
    assert err.current_mentor_id == 2
    with pytest.raises(AttributeError):
        _ = err.nothing
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is SecondMentorError and copy.params == err.params and str(copy) == str(err)


def test_message_is_for_logs_not_users() -> None:
    assert str(CycleError(trainer_id=1, mentor_id=2, cycle=(1, 2))) == "cycle: trainer_id=1, mentor_id=2, cycle=(1, 2)"
