"""Mentor-link rules, one link at a time and for a whole import batch."""

from __future__ import annotations

from typing import Any

import pytest

from network import (
    CycleError,
    InactiveMentorError,
    LinkProblem,
    MentorLevelError,
    SecondMentorError,
    SelfMentorError,
    Trainer,
    UnknownMentorError,
    check_link,
    find_loop,
    link_problems,
    validate_links,
)


@pytest.fixture
def forest() -> dict[int, Any]:
    """1 (level 5) -> 2 (level 3) -> 3 (level 2); 4 paused (level 5); 5 active root of level 1."""
    return {
        1: Trainer(1, None, "active", 5),
        2: Trainer(2, 1, "active", 3),
        3: Trainer(3, 2, "active", 2),
        4: Trainer(4, None, "paused", 5),
        5: {"mentor_id": None, "status": "active", "max_level": 1},  # plain dicts work too
    }


def test_valid_new_trainee(forest: dict[int, Any]) -> None:
    assert check_link(forest, 10, 3, trainee_level=2) is None
    assert link_problems(forest, 10, None) == []  # no mentor: a root


def test_restating_an_existing_link_is_not_checked_again(forest: dict[int, Any]) -> None:
    forest[3] = Trainer(3, 2, "active", 5)  # out-levelled their mentor since
    assert link_problems(forest, 3, 2) == []


def test_self_mentor(forest: dict[int, Any]) -> None:
    with pytest.raises(SelfMentorError) as err:
        check_link(forest, 3, 3)
    assert err.value.code == "self_mentor" and err.value.params == {"trainer_id": 3, "mentor_id": 3}


def test_unknown_mentor(forest: dict[int, Any]) -> None:
    with pytest.raises(UnknownMentorError) as err:
        check_link(forest, 10, 99)
    assert err.value.mentor_id == 99


def test_inactive_mentor(forest: dict[int, Any]) -> None:
    with pytest.raises(InactiveMentorError) as err:
        check_link(forest, 10, 4)
    assert err.value.params["status"] == "paused"


def test_mentor_level_too_low(forest: dict[int, Any]) -> None:
    with pytest.raises(MentorLevelError) as err:
        check_link(forest, 10, 5, trainee_level=2)
    assert (err.value.mentor_level, err.value.trainee_level) == (1, 2)
    check_link(forest, 10, 5, trainee_level=1)
    check_link(forest, 10, 5)  # a new trainee of unknown level skips the rule


def test_second_mentor_unless_replacing(forest: dict[int, Any]) -> None:
    with pytest.raises(SecondMentorError) as err:
        check_link(forest, 3, 1)
    assert err.value.current_mentor_id == 2
    check_link(forest, 3, 1, replace=True)


def test_cycle_through_descendants(forest: dict[int, Any]) -> None:
    with pytest.raises(CycleError) as err:
        check_link(forest, 1, 3, trainee_level=2)
    assert err.value.cycle == (1, 3, 2)


def test_all_problems_are_listed_in_rule_order(forest: dict[int, Any]) -> None:
    forest[6] = Trainer(6, 4, "active", 5)
    codes = [p.code for p in link_problems(forest, 4, 6)]
    assert codes == ["cycle"]
    forest[7] = Trainer(7, 1, "active", 5)
    forest[4] = Trainer(4, 7, "paused", 5)
    codes = [p.code for p in link_problems(forest, 1, 4)]  # 4 is below 1, paused; 1 has no mentor
    assert codes == ["inactive_mentor", "cycle"]


def test_find_loop_ignores_an_old_loop_above() -> None:
    assert find_loop({1: 2, 2: 1}, 5, 1) is None


def test_batch_reports_every_problem_with_row_numbers(forest: dict[int, Any]) -> None:
    rows = [
        {"id": 10, "mentor_id": 3, "max_level": 2},  # fine
        {"id": 11, "mentor_id": 99, "max_level": 1},  # unknown mentor
        {"id": 12, "mentor_id": 4, "max_level": 1},  # paused mentor
        {"id": 13, "mentor_id": 5, "max_level": 3},  # level
        {"id": 14, "mentor_id": 14, "max_level": 1},  # self
        {"id": 3, "mentor_id": 1, "max_level": 2},  # already has mentor 2
        {"id": 10, "mentor_id": 2, "max_level": 2},  # second mentor inside the batch
    ]
    problems = validate_links(forest, rows, start=2)
    assert [(p.row, p.code) for p in problems] == [
        (3, "unknown_mentor"), (4, "inactive_mentor"), (5, "mentor_level"), (6, "self_mentor"),
        (7, "second_mentor"), (8, "second_mentor")]
    assert problems[-1].params == {"trainer_id": 10, "mentor_id": 2, "current_mentor_id": 3, "first_row": 2}
    assert problems[4].params["current_mentor_id"] == 2
    assert all(isinstance(p, LinkProblem) for p in problems)


def test_batch_mentor_may_be_created_by_the_same_batch(forest: dict[int, Any]) -> None:
    rows = [Trainer(21, 20, max_level=1), Trainer(20, 1, max_level=2), {"id": 22, "mentor_id": 20}]
    assert validate_links(forest, rows) == []


def test_batch_uses_the_status_and_level_given_in_the_batch(forest: dict[int, Any]) -> None:
    rows = [Trainer(20, 1, status="paused", max_level=1), Trainer(21, 20, max_level=2)]
    assert [(p.row, p.code) for p in validate_links(forest, rows)] == [(1, "inactive_mentor"), (1, "mentor_level")]


def test_batch_loop_inside_the_batch(forest: dict[int, Any]) -> None:
    rows = [Trainer(30, 31), Trainer(31, 32), Trainer(32, 30), Trainer(33, 30)]
    problems = validate_links(forest, rows)
    assert [(p.row, p.code) for p in problems] == [(0, "cycle"), (1, "cycle"), (2, "cycle")]
    assert {p.params["cycle"] for p in problems} == {(30, 31, 32)}


def test_batch_loop_through_the_existing_forest(forest: dict[int, Any]) -> None:
    # 1 is a root; the batch makes 1's mentor a new trainer 40, who is a trainee of 3 (below 1)
    rows = [{"id": 40, "mentor_id": 3, "max_level": 1}, {"id": 1, "mentor_id": 40, "max_level": 1}]
    problems = validate_links(forest, rows)
    assert [(p.row, p.code) for p in problems] == [(0, "cycle"), (1, "cycle")]
    assert problems[0].params["cycle"] == (1, 40, 3, 2)


def test_batch_same_row_twice_is_fine(forest: dict[int, Any]) -> None:
    rows = [Trainer(50, 1, max_level=1), Trainer(50, 1, max_level=1), Trainer(50, None)]
    assert validate_links(forest, rows) == []
