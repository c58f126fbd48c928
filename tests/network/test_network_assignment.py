"""Assignment suggestions on literal maps with known optimal answers, and against a direct formulation."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from network import (
    CostModel,
    InvalidInputError,
    Need,
    Suggestion,
    Trainer,
    TrainerSlot,
    pair_cost,
    slots_from_trainers,
    suggest_assignments,
    unmet_needs,
)

# districts 1 - 2 are neighbours, 3 is far; communes 11, 12 in 1; 21 in 2; 31 in 3
NEIGHBOURS = {1: {2}}
COMMUNE_DISTRICT = {11: 1, 12: 1, 21: 2, 31: 3}


def slot(tid: int, commune: int, capacity: int = 3, level: int = 1, unit: int | None = None) -> TrainerSlot:
    return TrainerSlot(tid, commune, COMMUNE_DISTRICT[commune], unit, capacity, level)


def area(commune: int, need: int, min_level: int = 1) -> Need:
    return Need("area", commune, commune, COMMUNE_DISTRICT[commune], None, need, min_level)


def plan(slots: list[TrainerSlot], needs: list[Need], **kw: object) -> list[tuple[int, tuple[str, int], int, str]]:
    return [(s.trainer_id, s.target, s.amount, s.reason_code)
            for s in suggest_assignments(slots, needs, neighbours=NEIGHBOURS, **kw)]  # type: ignore[arg-type]


def test_tiers_are_used_from_the_closest_out() -> None:
    slots = [slot(1, 31), slot(2, 21), slot(3, 12), slot(4, 11)]
    assert plan(slots, [area(11, 12)]) == [
        (1, ("area", 11), 3, "elsewhere"), (2, ("area", 11), 3, "neighbour_district"),
        (3, ("area", 11), 3, "same_district"), (4, ("area", 11), 3, "same_commune")]
    assert plan(slots, [area(11, 4)]) == [(3, ("area", 11), 1, "same_district"), (4, ("area", 11), 3, "same_commune")]


def test_global_optimum_beats_a_greedy_choice() -> None:
    # trainer 1 could serve either commune; the cheapest total gives 11 to trainer 1 and 12 to trainer 2
    slots = [slot(1, 11, capacity=1), slot(2, 12, capacity=1)]
    needs = [area(12, 1), area(11, 1)]
    result = suggest_assignments(slots, needs, neighbours=NEIGHBOURS)
    assert result == [Suggestion(1, ("area", 11), 1, 2, "same_commune"),
                      Suggestion(2, ("area", 12), 1, 2, "same_commune")]
    slots = [slot(1, 11, capacity=1), slot(2, 21, capacity=1)]
    # 1 -> 11 (same commune, 2) + 2 -> 12 (neighbour, 7) = 9 beats 1 -> 12 (same district, 4) + 2 -> 11 (7) = 11
    result = suggest_assignments(slots, [area(12, 1), area(11, 1)], neighbours=NEIGHBOURS)
    assert {(s.trainer_id, s.target[1], s.reason_code) for s in result} == {
        (1, 11, "same_commune"), (2, 12, "neighbour_district")}


def test_levels_restrict_who_can_teach() -> None:
    slots = [slot(1, 11, level=2), slot(2, 31, level=4)]
    assert plan(slots, [area(11, 2, min_level=3)]) == [(2, ("area", 11), 2, "elsewhere")]
    assert plan(slots, [area(11, 2, min_level=5)]) == []
    needs = [area(11, 5, min_level=2)]
    result = suggest_assignments(slots, needs, neighbours=NEIGHBOURS)
    assert sum(s.amount for s in result) == 5
    assert unmet_needs(needs, result) == {}
    assert unmet_needs([area(11, 9, min_level=3)], suggest_assignments(slots, [area(11, 9, min_level=3)])) == {
        ("area", 11): 6}


def test_unit_need_prefers_its_own_unit() -> None:
    slots = [slot(1, 31, unit=5), slot(2, 11, unit=6)]
    need = Need("unit", 5, 11, 1, unit_id=5, need=4)
    assert plan(slots, [need]) == [(1, ("unit", 5), 3, "same_unit"), (2, ("unit", 5), 1, "same_commune")]
    # an area need does not care about units
    assert plan(slots, [area(11, 1)]) == [(2, ("area", 11), 1, "same_commune")]


def test_shared_capacity_between_unit_and_area_needs() -> None:
    slots = [slot(1, 11, capacity=2, unit=5)]
    needs = [Need("unit", 5, 31, 3, unit_id=5, need=1), area(11, 2)]
    assert plan(slots, needs) == [(1, ("area", 11), 1, "same_commune"), (1, ("unit", 5), 1, "same_unit")]


def test_group_share_is_split_over_trainers_by_id() -> None:
    slots = [slot(3, 11, capacity=2), slot(1, 11, capacity=2), slot(2, 11, capacity=2)]
    assert plan(slots, [area(11, 5)]) == [
        (1, ("area", 11), 2, "same_commune"), (2, ("area", 11), 2, "same_commune"),
        (3, ("area", 11), 1, "same_commune")]


def test_map_without_districts_and_trainers_without_place() -> None:
    slots = [TrainerSlot(1, 40, None, None, 1, 1), TrainerSlot(2, None, None, None, 1, 1)]
    needs = [Need("area", 41, 41, None, need=2)]
    assert [(s.trainer_id, s.reason_code) for s in suggest_assignments(slots, needs)] == [
        (1, "elsewhere"), (2, "elsewhere")]


def test_nothing_to_do() -> None:
    assert suggest_assignments([], [area(11, 2)]) == []
    assert suggest_assignments([slot(1, 11)], [area(11, 0)]) == []


def test_cost_model_must_be_non_negative_and_closer_cheaper() -> None:
    with pytest.raises(InvalidInputError):
        CostModel(same_commune=5, same_district=4)
    with pytest.raises(InvalidInputError):
        CostModel(same_unit=-1)
    cheap = CostModel(same_unit=0, same_commune=1, same_district=1, neighbour_district=2, elsewhere=3)
    assert pair_cost(slot(1, 12), area(11, 1), {}, cheap) == (1, "same_district")
    with pytest.raises(InvalidInputError):
        suggest_assignments([TrainerSlot(1, 11, 1, None, 1, 9)], [area(11, 1)])
    with pytest.raises(InvalidInputError):
        suggest_assignments([TrainerSlot(1, 11, 1, None, -1, 1)], [area(11, 1)])
    for bad in (area(11, -1), area(11, 1, min_level=0), Need("school", 1, need=1)):  # type: ignore[arg-type]
        with pytest.raises(InvalidInputError):
            suggest_assignments([slot(1, 11)], [bad])


def test_slots_from_trainers() -> None:
    trainers = [Trainer(1, area_id=11, max_level=2), Trainer(2, status="paused", area_id=11),
                Trainer(3, area_id=12, unit_id=4), {"id": 4, "status": "active", "area_id": None}]
    slots = slots_from_trainers(trainers, {1: 1, 3: 3}, COMMUNE_DISTRICT)
    assert slots == [TrainerSlot(1, 11, 1, None, 2, 2), TrainerSlot(4, None, None, None, 3, 1)]


def _direct_optimum(slots: list[TrainerSlot], needs: list[Need]) -> tuple[int, int]:
    """Total classes and cost of a min-cost max flow over every trainer-need pair (no pooling)."""
    g = nx.DiGraph()
    near = {1: {2}, 2: {1}}
    for s in slots:
        g.add_edge("s", ("T", s.id), capacity=s.capacity, weight=0)
        for j, n in enumerate(needs):
            if s.max_level >= n.min_level:
                g.add_edge(("T", s.id), ("N", j), weight=pair_cost(s, n, near, CostModel())[0])
    for j, n in enumerate(needs):
        g.add_edge(("N", j), "t", capacity=n.need, weight=0)
    if "s" not in g or "t" not in g:
        return 0, 0
    flow = nx.max_flow_min_cost(g, "s", "t")
    return sum(flow["s"].values()), nx.cost_of_flow(g, flow)


communes = st.sampled_from(sorted(COMMUNE_DISTRICT))
slot_st = st.builds(lambda c, cap, lvl, u: (c, cap, lvl, u), communes, st.integers(0, 3), st.integers(1, 5),
                    st.sampled_from([None, 5, 6]))
need_st = st.builds(lambda kind, c, n, lvl, u: (kind, c, n, lvl, u), st.sampled_from(["area", "unit"]), communes,
                    st.integers(0, 6), st.integers(1, 5), st.sampled_from([5, 6]))


@settings(max_examples=60, deadline=None)
@given(st.lists(slot_st, max_size=10), st.lists(need_st, max_size=5))
def test_pooled_network_is_as_good_as_all_pairs(raw_slots: list[tuple], raw_needs: list[tuple]) -> None:
    slots = [TrainerSlot(i + 1, c, COMMUNE_DISTRICT[c], u, cap, lvl) for i, (c, cap, lvl, u) in enumerate(raw_slots)]
    needs = [Need(kind, j, c, COMMUNE_DISTRICT[c], u if kind == "unit" else None, n, lvl)
             for j, (kind, c, n, lvl, u) in enumerate(raw_needs)]
    result = suggest_assignments(slots, needs, neighbours=NEIGHBOURS)
    by_id = {s.id: s for s in slots}
    for s in result:  # every suggestion is allowed and priced by its tier
        need = next(n for n in needs if n.target == s.target)
        assert by_id[s.trainer_id].max_level >= need.min_level
        assert (s.cost, s.reason_code) == pair_cost(by_id[s.trainer_id], need, {1: {2}, 2: {1}}, CostModel())
    for s in slots:
        assert sum(x.amount for x in result if x.trainer_id == s.id) <= s.capacity
    total, cost = _direct_optimum([s for s in slots if s.capacity], [n for n in needs if n.need])
    assert (sum(s.amount for s in result), sum(s.amount * s.cost for s in result)) == (total, cost)
