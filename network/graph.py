"""The trainer network as a networkx graph, and a plain-networkx reference of the whole-network pass.

Edges point from mentor to trainee. A mentor id that names no trainer adds no node and no edge (the trainee is an
orphan, hence a root); a self-mentor is a self-loop. :func:`reference_pass` follows the same rules as
:func:`network.forest.build_forest` (see there) with ordinary networkx traversals; tests use it as the oracle
and the benchmark as the "plain networkx" comparison.

>>> g = build_graph([{"id": 1, "mentor_id": None}, {"id": 2, "mentor_id": 1}, {"id": 3, "mentor_id": 7}])
>>> sorted(g.edges()), g.nodes[3]["orphan"]
([(1, 2)], True)
>>> ref = reference_pass(g)
>>> ref.generation, ref.path[2]
({1: 0, 2: 1, 3: 0}, '/1/2/')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from .records import field as read

__all__ = ["build_graph", "graph_from_arrays", "reference_pass", "reference_subtree_sum", "ReferenceForest"]


def build_graph(trainers: Iterable[Any]) -> nx.DiGraph:
    """DiGraph of trainer rows; node attributes are the row's ``mentor_id``, ``status``, ``max_level``,
    ``area_id``, ``unit_id`` plus ``orphan`` (the mentor id names no trainer)."""
    rows = list(trainers)
    g = nx.DiGraph()
    for t in rows:
        g.add_node(
            read(t, "id"), mentor_id=read(t, "mentor_id"), status=read(t, "status", "active"),
            max_level=read(t, "max_level"), area_id=read(t, "area_id"), unit_id=read(t, "unit_id"),
        )
    for node, data in g.nodes(data=True):
        mentor = data["mentor_id"]
        data["orphan"] = mentor is not None and mentor not in g
        if mentor is not None and mentor in g:
            g.add_edge(mentor, node)
    return g


def graph_from_arrays(ids: Iterable[int], mentor_ids: Iterable[int | None]) -> nx.DiGraph:
    """DiGraph from parallel id / mentor id sequences (``None`` or negative: no mentor)."""
    return build_graph(
        {"id": int(i), "mentor_id": None if m is None or m < 0 else int(m)}
        for i, m in zip(ids, mentor_ids, strict=True)
    )


@dataclass
class ReferenceForest:
    """Dicts keyed by trainer id; unreachable trainers are absent from every dict but ``size`` (0)."""

    generation: dict[int, int] = field(default_factory=dict)
    root: dict[int, int] = field(default_factory=dict)
    lft: dict[int, int] = field(default_factory=dict)
    rgt: dict[int, int] = field(default_factory=dict)
    size: dict[int, int] = field(default_factory=dict)
    path: dict[int, str] = field(default_factory=dict)
    postorder: list[int] = field(default_factory=list)
    in_cycle: set[int] = field(default_factory=set)
    unreachable: set[int] = field(default_factory=set)
    orphan: set[int] = field(default_factory=set)


def reference_pass(g: nx.DiGraph) -> ReferenceForest:
    """Generation, root, pre-order intervals, size, path and loop/orphan flags with networkx traversals."""
    ref = ReferenceForest()
    ref.orphan = {n for n, o in g.nodes(data="orphan") if o}
    roots = sorted(n for n in g if g.in_degree(n) == 0)
    counter = 0
    for root in roots:
        for node in nx.dfs_preorder_nodes(g, root, sort_neighbors=sorted):
            ref.lft[node] = counter
            counter += 1
            ref.root[node] = root
            preds = list(g.predecessors(node))
            if preds:
                ref.generation[node] = ref.generation[preds[0]] + 1
                ref.path[node] = f"{ref.path[preds[0]]}{node}/"
            else:
                ref.generation[node] = 0
                ref.path[node] = f"/{node}/"
        for node in nx.dfs_postorder_nodes(g, root):
            ref.size[node] = 1 + sum(ref.size[c] for c in g.successors(node))
            ref.rgt[node] = ref.lft[node] + ref.size[node] - 1
            ref.postorder.append(node)
    ref.unreachable = set(g) - set(ref.lft)
    for node in ref.unreachable:
        ref.size[node] = 0
    for comp in nx.strongly_connected_components(g):
        if len(comp) > 1:
            ref.in_cycle |= comp
    ref.in_cycle |= set(nx.nodes_with_selfloops(g))
    return ref


def reference_subtree_sum(g: nx.DiGraph, ref: ReferenceForest, values: Mapping[int, float]) -> dict[int, float]:
    """Sum of ``values`` over each reachable trainer's subtree (children before parents, post-order);
    unreachable trainers get 0."""
    out: dict[int, float] = dict.fromkeys(ref.unreachable, 0)
    for node in ref.postorder:
        out[node] = values.get(node, 0) + sum(out[c] for c in g.successors(node))
    return out
