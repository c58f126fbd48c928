"""Suggested trainer assignments: who should open classes where, by min-cost max flow.

Rules:

- Supply: each :class:`TrainerSlot` can take ``capacity`` more classes (by default 3 allowed minus the classes
  running, see :func:`slots_from_trainers`; only ``active`` trainers). A trainer serves a need only if
  ``max_level >= need.min_level``.
- Demand: each :class:`Need` asks for ``need`` classes in an area (a commune) or for a unit.
- As many classes as possible are assigned (maximum flow); among those, the cheapest total cost.
- Cost of a trainer for a need, "closer is cheaper" (:class:`CostModel`): the cheapest that applies of
  ``same_unit`` (a unit's need, trainer of that unit), ``same_commune``, ``same_district``,
  ``neighbour_district`` (``neighbours`` is read symmetrically), ``elsewhere``. The geographic costs must not
  decrease with distance. Its tier is the suggestion's ``reason_code``.
- Ties are broken deterministically (trainers by id).

To stay small at province scale the network does not link every trainer to every need. Trainers are grouped by
(commune, district, unit when that unit has a need, level) into supply nodes; capacity flows from them into
pools per commune, district, unit and level, then to everyone (``elsewhere``); a need is fed by its commune's,
its district's, its neighbours', its unit's and the global pool at its minimum level, and each pool passes
capacity down to the lower levels. The flow is then split back into trainer-need pairs.

>>> slots = [TrainerSlot(1, commune_id=10, district_id=1, capacity=2, max_level=3),
...          TrainerSlot(2, commune_id=20, district_id=2, capacity=2, max_level=3)]
>>> needs = [Need("area", 10, commune_id=10, district_id=1, need=3)]
>>> [(s.trainer_id, s.amount, s.reason_code) for s in suggest_assignments(slots, needs)]
[(1, 2, 'same_commune'), (2, 1, 'elsewhere')]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx

from .errors import InvalidInputError
from .records import field

__all__ = [
    "TrainerSlot", "Need", "CostModel", "Suggestion", "suggest_assignments", "pair_cost", "slots_from_trainers",
    "unmet_needs",
]


@dataclass(frozen=True, slots=True)
class TrainerSlot:
    """A trainer able to take ``capacity`` more classes."""

    id: int
    commune_id: int | None = None
    district_id: int | None = None
    unit_id: int | None = None
    capacity: int = 3
    max_level: int = 1


@dataclass(frozen=True, slots=True)
class Need:
    """``need`` classes wanted for a commune (``target_kind='area'``) or a unit, located at commune/district."""

    target_kind: Literal["area", "unit"]
    target_id: int
    commune_id: int | None = None
    district_id: int | None = None
    unit_id: int | None = None
    need: int = 1
    min_level: int = 1

    @property
    def target(self) -> tuple[str, int]:
        return (self.target_kind, self.target_id)


@dataclass(frozen=True, slots=True)
class CostModel:
    """Cost of one class by tier (non-negative integers; geographic tiers non-decreasing)."""

    same_unit: int = 1
    same_commune: int = 2
    same_district: int = 4
    neighbour_district: int = 7
    elsewhere: int = 12

    def __post_init__(self) -> None:
        geo = (self.same_commune, self.same_district, self.neighbour_district, self.elsewhere)
        if min((self.same_unit, *geo)) < 0 or list(geo) != sorted(geo):
            raise InvalidInputError(field="cost_model", value=(self.same_unit, *geo))


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Assign ``amount`` classes of ``target`` to a trainer; ``cost`` is per class, ``reason_code`` its tier."""

    trainer_id: int
    target: tuple[str, int]
    amount: int
    cost: int
    reason_code: str


def _near(neighbours: Mapping[int, Iterable[int]]) -> dict[int, set[int]]:
    sym: dict[int, set[int]] = defaultdict(set)
    for d, others in neighbours.items():
        for o in others:
            if o != d:
                sym[d].add(o)
                sym[o].add(d)
    return sym


def pair_cost(slot: TrainerSlot, need: Need, near: Mapping[int, set[int]], costs: CostModel) -> tuple[int, str]:
    """Per-class cost and reason code of ``slot`` serving ``need`` (the cheapest tier that applies)."""
    tiers = [("elsewhere", costs.elsewhere)]
    if need.target_kind == "unit" and slot.unit_id is not None and slot.unit_id == need.unit_id:
        tiers.append(("same_unit", costs.same_unit))
    if slot.commune_id is not None and slot.commune_id == need.commune_id:
        tiers.append(("same_commune", costs.same_commune))
    if slot.district_id is not None and slot.district_id == need.district_id:
        tiers.append(("same_district", costs.same_district))
    elif slot.district_id is not None and need.district_id in near.get(slot.district_id, ()):
        tiers.append(("neighbour_district", costs.neighbour_district))
    order = ("same_unit", "same_commune", "same_district", "neighbour_district", "elsewhere")
    reason, cost = min(tiers, key=lambda t: (t[1], order.index(t[0])))
    return cost, reason


def suggest_assignments(
    slots: Iterable[TrainerSlot],
    needs: Iterable[Need],
    *,
    neighbours: Mapping[int, Iterable[int]] | None = None,
    costs: CostModel | None = None,
) -> list[Suggestion]:
    """Min-cost maximum assignment of trainer capacity to needs, as suggestions sorted by target, trainer."""
    costs = costs or CostModel()
    near = _near(neighbours or {})
    slots, needs = list(slots), list(needs)
    for s in slots:
        if s.capacity < 0 or not 1 <= s.max_level <= 5:
            raise InvalidInputError(field="slot", value=s.id)
    for n in needs:
        if n.need < 0 or not 1 <= n.min_level <= 5 or n.target_kind not in ("area", "unit"):
            raise InvalidInputError(field="need", value=n.target)
    slots = [s for s in slots if s.capacity > 0]
    needs = [n for n in needs if n.need > 0]
    if not slots or not needs:
        return []
    top = max(s.max_level for s in slots)
    unit_needs = {n.unit_id for n in needs if n.target_kind == "unit" and n.unit_id is not None}
    g = nx.DiGraph()

    groups: dict[tuple[Any, ...], list[TrainerSlot]] = defaultdict(list)
    for s in sorted(slots, key=lambda s: s.id):
        groups[(s.commune_id, s.district_id, s.unit_id if s.unit_id in unit_needs else None, s.max_level)].append(s)
    for key, members in groups.items():
        commune, district, unit, level = key
        g.add_edge("s", ("G", key), capacity=sum(m.capacity for m in members), weight=0)
        if commune is not None:
            g.add_edge(("G", key), ("C", commune, level), weight=0)
            g.add_edge(("C", commune, level), ("D", district, level) if district is not None else ("E", level),
                       weight=0)
        else:
            g.add_edge(("G", key), ("D", district, level) if district is not None else ("E", level), weight=0)
        if district is not None:
            g.add_edge(("D", district, level), ("E", level), weight=0)
        if unit is not None:
            g.add_edge(("G", key), ("U", unit, level), weight=0)
    for node in list(g):  # each pool passes capacity down to the lower levels
        if isinstance(node, tuple) and node[0] in "CDEU":
            for lvl in range(node[-1] - 1, 0, -1):
                lower, higher = (*node[:-1], lvl), (*node[:-1], lvl + 1)
                if g.has_edge(higher, lower):
                    break
                g.add_edge(higher, lower, weight=0)

    for j, n in enumerate(needs):
        if n.min_level > top:
            continue
        m = n.min_level
        feeds = [(("E", m), costs.elsewhere)]
        if n.commune_id is not None:
            feeds.append((("C", n.commune_id, m), costs.same_commune))
        if n.district_id is not None:
            feeds.append((("D", n.district_id, m), costs.same_district))
            feeds += [(("D", d, m), costs.neighbour_district) for d in sorted(near.get(n.district_id, ()))]
        if n.target_kind == "unit" and n.unit_id is not None:
            feeds.append((("U", n.unit_id, m), costs.same_unit))
        for pool, cost in feeds:
            if pool in g:
                g.add_edge(pool, ("N", j), weight=cost)
        if ("N", j) in g:
            g.add_edge(("N", j), "t", capacity=n.need, weight=0)
    if "t" not in g:
        return []
    flow = nx.max_flow_min_cost(g, "s", "t")
    return _split(flow, groups, needs, near, costs)


def _split(flow: dict[Any, dict[Any, int]], groups: Mapping[tuple[Any, ...], list[TrainerSlot]],
           needs: list[Need], near: Mapping[int, set[int]], costs: CostModel) -> list[Suggestion]:
    """Decompose the pool flow into (group, need) amounts, then hand each group's share to its trainers by id."""
    out_edges = {u: [[v, f] for v, f in vs.items() if f > 0] for u, vs in flow.items()}
    per_group: dict[tuple[Any, ...], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for key in groups:
        start = ("G", key)
        while out_edges.get(start):
            path, node = [], start
            while not (isinstance(node, tuple) and node[0] == "N"):
                edges = out_edges[node]
                while edges[-1][1] == 0:
                    edges.pop()
                path.append(edges[-1])
                node = edges[-1][0]
            amount = min(e[1] for e in path)
            for e in path:
                e[1] -= amount
            while out_edges[start] and out_edges[start][-1][1] == 0:
                out_edges[start].pop()
            per_group[key][node[1]] += amount
    result: dict[tuple[tuple[str, int], int, int, str], int] = defaultdict(int)
    for key, by_need in per_group.items():
        members = iter(groups[key])
        member = next(members)
        left = member.capacity
        priced = sorted((pair_cost(member, needs[j], near, costs), needs[j].target, j) for j in by_need)
        for (cost, reason), target, j in priced:
            amount = by_need[j]
            while amount:
                if left == 0:
                    member = next(members)
                    left = member.capacity
                take = min(amount, left)
                result[(target, member.id, cost, reason)] += take
                amount -= take
                left -= take
    return [Suggestion(tid, target, amount, cost, reason)
            for (target, tid, cost, reason), amount in sorted(result.items())]


def slots_from_trainers(trainers: Iterable[Any], running: Mapping[int, int], district_of: Mapping[int, int],
                        *, allowed: int = 3) -> list[TrainerSlot]:
    """Slots of the active trainers with room left: capacity = ``allowed`` - classes running (at least 0).

    Trainer rows give ``id``, ``status``, ``area_id`` (commune), ``unit_id``, ``max_level``; ``district_of``
    maps a commune to its district (absent on a map without districts).
    """
    out = []
    for t in trainers:
        capacity = allowed - running.get(field(t, "id"), 0)
        if field(t, "status", "active") != "active" or capacity <= 0:
            continue
        commune = field(t, "area_id")
        out.append(TrainerSlot(field(t, "id"), commune, district_of.get(commune) if commune is not None else None,
                               field(t, "unit_id"), capacity, field(t, "max_level", 1)))
    return out


def unmet_needs(needs: Iterable[Need], suggestions: Iterable[Suggestion]) -> dict[tuple[str, int], int]:
    """What is still missing per target after the suggestions (only targets with something missing)."""
    missing: dict[tuple[str, int], int] = defaultdict(int)
    for n in needs:
        missing[n.target] += n.need
    for s in suggestions:
        missing[s.target] -= s.amount
    return {t: m for t, m in missing.items() if m > 0}
