"""Merges and splits of units as a crosswalk: plain data, a fixed change date."""

from __future__ import annotations

import datetime as dt

import pytest

from rollout.unit_changes import (
    MERGE,
    SPLIT,
    Link,
    Unit,
    UnitChangeError,
    closing_date,
    follow,
    plan_merge,
    plan_split,
    roll_up,
)

DAY = dt.date(2025, 3, 1)
OLD = dt.date(2024, 12, 1)


@pytest.fixture
def units():
    return {
        1: Unit(1, "Sở Thông tin và Truyền thông", OLD),
        2: Unit(2, "Sở Khoa học và Công nghệ", OLD),
        3: Unit(3, "Sở Lao động - Thương binh và Xã hội", OLD),
        4: Unit(4, "Sở Nội vụ", OLD),
        5: Unit(5, "Đã đóng", OLD, dt.date(2025, 1, 31)),
        6: Unit(6, "Mới lập", DAY),
    }


def test_merge_into_existing(units):
    links = plan_merge(units, [1], 2, DAY, " 12/QĐ-UBND ")
    assert links == [Link(1, 2, MERGE, DAY, "12/QĐ-UBND")]
    assert links[0].follows
    assert closing_date(DAY) == dt.date(2025, 2, 28)


def test_merge_into_new_unit_needs_two_sources(units):
    assert [link.to_unit_id for link in plan_merge(units, [1, 3], None, DAY, "QĐ")] == [None, None]
    with pytest.raises(UnitChangeError, match="ít nhất hai"):
        plan_merge(units, [1], None, DAY, "QĐ")


@pytest.mark.parametrize("sources, successor, decision, message", [
    ([1, 1], 2, "QĐ", "hai lần"),
    ([1, 2], 2, "QĐ", "đồng thời"),
    ([5], 2, "QĐ", "Đã đóng không còn hiệu lực"),
    ([1], 5, "QĐ", "Đơn vị tiếp nhận: đơn vị Đã đóng"),
    ([9], 2, "QĐ", "mã số 9"),
    ([6], 2, "QĐ", "Mới lập mới có hiệu lực"),
    ([1], 2, "  ", "số quyết định"),
])
def test_merge_refusals_name_the_unit(units, sources, successor, decision, message):
    with pytest.raises(UnitChangeError, match=message):
        plan_merge(units, sources, successor, DAY, decision)


def test_split_rows_do_not_follow(units):
    links = plan_split(units, 3, [4, None], DAY, "QĐ")
    assert [(link.from_unit_id, link.to_unit_id, link.kind) for link in links] == [(3, 4, SPLIT), (3, None, SPLIT)]
    assert not any(link.follows for link in links)
    assert follow(3, links) == 3  # records stay on the source until a person places them


@pytest.mark.parametrize("source, successors, message", [
    (3, [4], "ít nhất hai"),
    (3, [4, 4], "hai lần"),
    (3, [3, 4], "không thể là"),
    (5, [1, 2], "không còn hiệu lực"),
    (3, [5, 2], "Đã đóng"),
])
def test_split_refusals(units, source, successors, message):
    with pytest.raises(UnitChangeError, match=message):
        plan_split(units, source, successors, DAY, "QĐ")


def test_follow_chains_and_refuses_loops():
    links = [Link(1, 2, MERGE, DAY, "a"), Link(2, 4, MERGE, dt.date(2025, 7, 1), "b")]
    assert follow(1, links) == 4
    assert follow(7, links) == 7
    with pytest.raises(UnitChangeError, match="vòng lặp"):
        follow(1, [Link(1, 2, MERGE, DAY, "a"), Link(2, 1, MERGE, DAY, "b")])


def test_roll_up_keeps_totals():
    counts = {1: 5, 2: 7, 3: 11, 4: 2, 8: 3}
    links = [Link(1, 2, MERGE, DAY, "a"), Link(3, 4, MERGE, DAY, "b"), Link(8, 9, SPLIT, DAY, "c")]
    after = roll_up(counts, links)
    assert after == {2: 12, 4: 13, 8: 3}
    assert sum(after.values()) == sum(counts.values())
