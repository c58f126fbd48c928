"""The NumPy forest pass against hand-made cases and against the plain networkx reference."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from network_strategies import forests

from network import DuplicateTrainerError, InvalidInputError, build_forest, graph_from_arrays, mentor_array
from network.graph import reference_pass, reference_subtree_sum


def test_empty_forest() -> None:
    f = build_forest([], [])
    assert len(f) == 0 and f.depth == -1 and f.paths() == []
    assert f.subtree_sum(np.zeros(0)).shape == (0,)
    assert f.index_of([3]).tolist() == [-1]


def test_chain_and_siblings_in_id_order() -> None:
    f = build_forest([30, 10, 20, 40], [10, None, 10, 20])
    assert f.generation.tolist() == [1, 0, 1, 2]
    assert f.root.tolist() == [10, 10, 10, 10]
    # pre-order: 10, 20, 40, 30 (siblings by id)
    assert f.lft.tolist() == [3, 0, 1, 2]
    assert f.rgt.tolist() == [3, 3, 2, 2]
    assert f.size.tolist() == [1, 4, 2, 1]
    assert f.children.tolist() == [0, 2, 1, 0]
    assert f.subtree(20).tolist() == [20, 40]
    assert f.lineage(40) == [10, 20, 40]
    assert f.paths() == ["/10/30/", "/10/", "/10/20/", "/10/20/40/"]


def test_orphan_is_flagged_and_roots_its_branch() -> None:
    f = build_forest([1, 2, 3], [99, 1, None])
    assert f.orphan.tolist() == [True, False, False]
    assert f.generation.tolist() == [0, 1, 0]
    assert f.root.tolist() == [1, 1, 3]
    assert not f.unreachable.any()


def test_loop_members_and_their_descendants_are_unreachable() -> None:
    # 1 <-> 2 loop, 3 below the loop, 4 self-mentor, 5 a proper root with child 6
    f = build_forest([1, 2, 3, 4, 5, 6], [2, 1, 2, 4, None, 5])
    assert f.in_cycle.tolist() == [True, True, False, True, False, False]
    assert f.unreachable.tolist() == [True, True, True, True, False, False]
    assert f.generation.tolist() == [-1, -1, -1, -1, 0, 1]
    assert f.size.tolist() == [0, 0, 0, 0, 2, 1]
    assert f.subtree(1).size == 0 and f.lineage(3) == []
    assert f.paths()[:4] == [None] * 4


def test_long_tail_into_a_loop() -> None:
    ids = list(range(1, 41))
    mentors: list[int | None] = [i - 1 for i in ids]  # 1 <- 2 <- ... <- 40, and 1's mentor is 3: loop 1,2,3
    mentors[0] = 3
    f = build_forest(ids, mentors)
    assert np.flatnonzero(f.in_cycle).tolist() == [0, 1, 2]
    assert f.unreachable.all()


def test_duplicate_ids_are_refused_in_both_lookup_modes() -> None:
    with pytest.raises(DuplicateTrainerError) as dense:
        build_forest([1, 2, 2], [None, 1, 1])
    assert dense.value.trainer_id == 2
    with pytest.raises(DuplicateTrainerError) as sparse:
        build_forest([10**12, 5, 10**12], [None, None, None])
    assert sparse.value.code == "duplicate_trainer" and sparse.value.trainer_id == 10**12


def test_bad_input_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        build_forest([1, 2], [None])
    with pytest.raises(InvalidInputError):
        build_forest([-1], [None])
    with pytest.raises(InvalidInputError):
        build_forest([1], [None]).subtree_sum([1, 2])


def test_mentor_array_accepts_none_nan_and_negatives() -> None:
    assert mentor_array(np.array([np.nan, 4.0])).tolist() == [-1, 4]
    assert mentor_array(np.array([-7, 3])).tolist() == [-1, 3]
    assert mentor_array([None, 2]).tolist() == [-1, 2]


def test_tally_ignores_unknown_owners_and_keeps_float_weights() -> None:
    f = build_forest([5, 6], [None, 5])
    assert f.tally([5, 5, 6, 99]).tolist() == [2, 1]
    assert f.tally([5, 6, 99], [1.5, 2.0, 7.0]).tolist() == [1.5, 2.0]


def _assert_same_as_reference(ids: list[int], mentors: list[int | None], values: list[int]) -> None:
    f = build_forest(ids, mentors)
    g = graph_from_arrays(ids, mentors)
    ref = reference_pass(g)
    for k, tid in enumerate(ids):
        if tid in ref.unreachable:
            assert f.unreachable[k] and f.generation[k] == -1 and f.root[k] == -1 and f.lft[k] == -1
        else:
            assert not f.unreachable[k]
            assert (f.generation[k], f.root[k], f.lft[k], f.rgt[k]) == (
                ref.generation[tid], ref.root[tid], ref.lft[tid], ref.rgt[tid])
        assert f.size[k] == ref.size[tid]
        assert f.in_cycle[k] == (tid in ref.in_cycle)
        assert f.orphan[k] == (tid in ref.orphan)
        assert f.children[k] == g.out_degree(tid)
    assert f.paths() == [ref.path.get(t) for t in ids]
    sums = reference_subtree_sum(g, ref, dict(zip(ids, values, strict=True)))
    assert f.subtree_sum(values).tolist() == [sums[t] for t in ids]
    for tid in ids:  # the interval slice and the lineage walk agree with the paths
        if ref.path.get(tid):
            assert f.lineage(tid) == [int(x) for x in ref.path[tid].strip("/").split("/")]
            assert sorted(f.subtree(tid).tolist()) == sorted(
                t for t, p in ref.path.items() if p.startswith(ref.path[tid]))


@settings(max_examples=150, deadline=None)
@given(forests())
def test_forest_matches_networkx_reference(data: tuple[list[int], list[int | None]]) -> None:
    ids, mentors = data
    values = [(i * 7919) % 13 for i in range(len(ids))]
    _assert_same_as_reference(ids, mentors, values)


@settings(max_examples=150, deadline=None)
@given(forests(loops=True, orphans=True))
def test_forest_with_loops_and_orphans_matches_reference(data: tuple[list[int], list[int | None]]) -> None:
    ids, mentors = data
    _assert_same_as_reference(ids, mentors, [1 + i % 5 for i in range(len(ids))])


@settings(max_examples=40, deadline=None)
@given(forests(max_size=25, loops=True))
def test_result_does_not_depend_on_row_order(data: tuple[list[int], list[int | None]]) -> None:
    ids, mentors = data
    a = build_forest(ids, mentors)
    b = build_forest(ids[::-1], mentors[::-1])
    for name in ("generation", "root", "lft", "rgt", "size", "in_cycle", "unreachable", "orphan", "children"):
        assert getattr(a, name).tolist() == getattr(b, name).tolist()[::-1], name


def test_forest_pickles_in_both_lookup_modes() -> None:
    for ids in ([3, 1, 2], [10**12, 1, 2]):
        f = pickle.loads(pickle.dumps(build_forest(ids, [None, ids[0], ids[0]])))
        assert f.index_of([ids[2], 77]).tolist() == [2, -1] and f.size.tolist() == [3, 1, 1]
