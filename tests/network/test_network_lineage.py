"""Stored lineage: path helpers, moves, the in-memory indexes, and incremental changes = full recompute."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from network import (
    CycleError,
    IntervalIndex,
    InvalidPathError,
    Lineage,
    PathIndex,
    SelfMentorError,
    build_forest,
    generation_of,
    in_subtree,
    insert,
    move_subtree,
    parse_path,
    path_for,
    reparent,
    root_of,
    subtree_pattern,
)


def test_path_helpers() -> None:
    assert path_for(None, 7) == "/7/"
    assert path_for("/7/", 12) == "/7/12/"
    assert parse_path("/7/12/") == [7, 12]
    assert (generation_of("/7/"), generation_of("/7/12/301/")) == (0, 2)
    assert root_of("/7/12/") == 7
    assert subtree_pattern("/7/12/") == "/7/12/%"
    assert in_subtree("/7/12/5/", "/7/12/") and in_subtree("/7/12/", "/7/12/")
    assert not in_subtree("/7/120/", "/7/12/")
    assert insert("/7/", 9) == Lineage("/7/9/", 1, 7)


@pytest.mark.parametrize("bad", ["", "/", "//", "7/", "/7", "/a/", "/7//8/"])
def test_malformed_paths_are_refused(bad: str) -> None:
    with pytest.raises(InvalidPathError):
        parse_path(bad)


def test_reparent_requires_the_old_prefix() -> None:
    assert reparent({5: "/1/5/"}, "/1/", "/2/1/") == {5: Lineage("/2/1/5/", 2, 2)}
    with pytest.raises(InvalidPathError):
        reparent({5: "/3/5/"}, "/1/", "/2/")


def test_move_to_root_and_refusals() -> None:
    sub = {5: "/1/5/", 6: "/1/5/6/"}
    assert move_subtree(sub, 5, None) == {5: Lineage("/5/", 0, 5), 6: Lineage("/5/6/", 1, 5)}
    with pytest.raises(SelfMentorError):
        move_subtree(sub, 5, "/1/5/")
    with pytest.raises(CycleError) as err:
        move_subtree(sub, 5, "/1/5/6/")
    assert err.value.cycle == (5, 6)


def test_indexes_answer_subtree_and_lineage() -> None:
    f = build_forest([1, 2, 3, 4, 12], [None, 1, 2, 1, 1])
    paths = f.paths()
    by_path = PathIndex(f.ids.tolist(), paths)
    assert by_path.subtree("/1/").tolist() == [1, 12, 2, 3, 4]  # text order: 12 sorts before 2
    assert by_path.subtree("/1/2/").tolist() == [2, 3]
    assert by_path.subtree("/1/1/").tolist() == []
    by_interval = IntervalIndex(f.ids, f.lft, f.rgt)
    i = int(f.index_of([2])[0])
    assert by_interval.subtree(int(f.lft[i]), int(f.rgt[i])).tolist() == [2, 3]
    j = int(f.index_of([3])[0])
    assert by_interval.lineage(int(f.lft[j])).tolist() == [1, 2, 3]


operations = st.lists(
    st.tuples(st.sampled_from(["insert", "move"]), st.integers(0, 10**6), st.integers(-1, 10**6)),
    min_size=1, max_size=40,
)


@settings(max_examples=120, deadline=None)
@given(operations)
def test_incremental_inserts_and_moves_equal_a_full_recompute(ops: list[tuple[str, int, int]]) -> None:
    mentor: dict[int, int | None] = {}
    stored: dict[int, Lineage] = {}
    next_id = 1
    for kind, a, b in ops:
        ids = sorted(stored)
        target = None if b < 0 or not ids else ids[b % len(ids)]
        if kind == "insert" or not ids:
            stored[next_id] = insert(stored[target].path if target is not None else None, next_id)
            mentor[next_id] = target
            next_id += 1
            continue
        moved = ids[a % len(ids)]
        prefix = stored[moved].path
        subtree = {t: s.path for t, s in stored.items() if in_subtree(s.path, prefix)}
        new_mentor_path = stored[target].path if target is not None else None
        if target is not None and target in subtree:
            with pytest.raises((CycleError, SelfMentorError)):
                move_subtree(subtree, moved, new_mentor_path)
            continue
        stored.update(move_subtree(subtree, moved, new_mentor_path))
        mentor[moved] = target
    ids = list(stored)
    f = build_forest(ids, [mentor[t] for t in ids])
    assert not f.unreachable.any()
    assert f.paths() == [stored[t].path for t in ids]
    assert f.generation.tolist() == [stored[t].generation for t in ids]
    assert f.root.tolist() == [stored[t].root_id for t in ids]
