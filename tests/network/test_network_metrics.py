"""Per-trainer measures, roll-ups and network-wide measures on a small literal network with fixed dates."""

from __future__ import annotations

import math
from datetime import date

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from network_strategies import forests

from network import (
    ClassRecord,
    DormantBranch,
    Trainer,
    analyse,
    analyse_records,
    branching_by_generation,
    build_forest,
    build_graph,
    date_ordinals,
    dormant_branches,
    dormant_trainers,
    graph_from_arrays,
    longest_chains,
    reproduction_number,
    rollup,
    trainer_metrics,
)

D = date
TRAINERS = [
    Trainer(1, None, "active", 5, D(2024, 12, 1), area_id=100, unit_id=7, tier="province"),
    Trainer(2, 1, "active", 3, D(2025, 1, 20), area_id=100, unit_id=7),
    Trainer(3, 1, "paused", 3, D(2025, 2, 10), area_id=200),
    Trainer(4, 2, "active", 2, D(2025, 3, 15), area_id=200),
    Trainer(5, 2, "active", 2, D(2025, 6, 20), area_id=100),
    Trainer(6, None, "active", 5, D(2024, 12, 1), area_id=300, tier="province"),
    Trainer(7, 6, "left", 2, D(2025, 1, 5), area_id=300),
]
CLASSES = [
    ClassRecord(1, 1, D(2024, 12, 15), 1, 30, 25),
    ClassRecord(2, 1, D(2025, 1, 10), 1, 20, 10),
    ClassRecord(3, 2, D(2025, 2, 1), 1, 25, 20),
    ClassRecord(4, 4, D(2025, 4, 1), 1, 15, 12),
    ClassRecord(5, 3, D(2025, 7, 5), 2, 10, 10),
]
TODAY = D(2025, 6, 30)


def test_trainer_metrics() -> None:
    m = trainer_metrics(TRAINERS, CLASSES)
    assert (m[1].subtree_learners, m[1].subtree_classes, m[1].direct_trainees, m[1].descendants) == (100, 5, 2, 4)
    assert m[1].conversion_rate == pytest.approx(2 / 35)
    assert m[3].conversion_rate == 0.0
    assert m[6].conversion_rate is None and m[6].subtree_size == 2
    assert (m[4].generation, m[4].root_id, m[4].subtree_completed) == (2, 1, 12)
    assert trainer_metrics(TRAINERS, CLASSES, as_of=TODAY)[1].subtree_learners == 90


def test_analyse_arrays_ignore_classes_of_unknown_trainers() -> None:
    a = analyse([1, 2], [None, 1], [1, 2, 2, 9], [10, 5, 5, 100], [4, 0, 1, 50])
    assert a.classes.tolist() == [1, 2] and a.subtree_learners.tolist() == [20, 10]
    assert a.conversion_rate[0] == 0.25 and a.conversion_rate[1] == 0.0
    b = analyse([1], [None], [], [], [])
    assert math.isnan(b.conversion_rate[0]) and b.descendants.tolist() == [0]


def test_date_ordinals() -> None:
    assert date_ordinals([D(2025, 1, 1), None]).tolist() == [D(2025, 1, 1).toordinal(), -1]


def test_reproduction_number() -> None:
    assert reproduction_number(TRAINERS, CLASSES, as_of=TODAY, min_age_days=90) == pytest.approx(4 / 3)
    # earlier: trainer 4 is too new to count and trainee 5 is not certified yet
    assert reproduction_number(TRAINERS, CLASSES, as_of=D(2025, 6, 10), min_age_days=90) == 1.5
    assert reproduction_number(TRAINERS, CLASSES, as_of=TODAY, min_age_days=1000) is None


def test_dormant_trainers() -> None:
    assert dormant_trainers(TRAINERS, CLASSES, today=TODAY, min_days=60) == [6]
    assert dormant_trainers(TRAINERS, CLASSES, today=TODAY, min_days=5) == [5, 6]
    assert dormant_trainers(TRAINERS, CLASSES, today=D(2025, 3, 1), min_days=30) == [6]


def test_dormant_branches() -> None:
    since = D(2025, 5, 1)
    assert dormant_branches(TRAINERS, CLASSES, since=since) == [DormantBranch(6, 2, 0), DormantBranch(4, 1, 2)]
    assert dormant_branches(TRAINERS, CLASSES, since=since, min_size=2) == [DormantBranch(6, 2, 0)]
    # looking on 2025-06-01: trainer 5 is not certified yet and class 5 not opened: 1's whole tree is quiet
    quiet = dormant_branches(TRAINERS, CLASSES, since=since, as_of=D(2025, 6, 1))
    assert [b.trainer_id for b in quiet] == [1, 6]
    a = analyse_records(TRAINERS, [])
    assert dormant_branches(TRAINERS, CLASSES, since=since, analysis=a)[0].trainer_id == 6


def test_dormant_branches_skip_loops() -> None:
    looped = [Trainer(1, 2), Trainer(2, 1), Trainer(3)]
    assert dormant_branches(looped, [], since=TODAY) == [DormantBranch(3, 1, 0)]


def test_rollup_by_area_and_unit() -> None:
    by_area = rollup(TRAINERS, CLASSES, today=TODAY)
    a100, a200, a300 = by_area[100], by_area[200], by_area[300]
    assert (a100.trainers, a100.by_generation, a100.active, a100.classes, a100.learners, a100.completed,
            a100.trainees_grown) == (3, {0: 1, 1: 1, 2: 1}, 3, 3, 75, 55, 4)
    assert (a200.active, a200.paused, a200.classes, a200.learners) == (1, 1, 1, 15)  # class 5 is after today
    assert (a300.left, a300.dormant, a300.trainees_grown) == (1, 1, 1)
    by_unit = rollup(TRAINERS, CLASSES, today=TODAY, by="unit_id")
    assert set(by_unit) == {7, None} and by_unit[7].trainers == 2 and by_unit[None].dormant == 1


def test_branching_and_chains() -> None:
    f = analyse_records(TRAINERS, CLASSES).forest
    assert branching_by_generation(f) == {0: 1.5, 1: pytest.approx(2 / 3), 2: 0.0}
    assert longest_chains(f, k=2) == [[1, 2, 4], [1, 2, 5]]
    assert longest_chains(f, k=10)[-1] == [6, 7]
    assert longest_chains(build_forest([], []), k=3) == []


@settings(max_examples=60, deadline=None)
@given(forests(max_size=30, loops=True, orphans=True))
def test_branching_matches_networkx(data: tuple[list[int], list[int | None]]) -> None:
    ids, mentors = data
    f = build_forest(ids, mentors)
    g = graph_from_arrays(ids, mentors)
    roots = [n for n in g if g.in_degree(n) == 0]
    expected = {}
    if roots:
        for gen, layer in enumerate(nx.bfs_layers(g, roots)):
            expected[gen] = float(np.mean([g.out_degree(n) for n in layer]))
    assert branching_by_generation(f) == pytest.approx(expected)
    chains = longest_chains(f, k=3)
    if chains:
        assert len(chains[0]) - 1 == max(expected)
        assert all(g.out_degree(c[-1]) == 0 for c in chains)


def test_build_graph_carries_attributes() -> None:
    g = build_graph(TRAINERS)
    assert g.nodes[3]["status"] == "paused" and g.nodes[1]["unit_id"] == 7
    assert sorted(g.successors(2)) == [4, 5]
