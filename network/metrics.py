"""Network-wide measures and roll-ups by area or unit. Every date is a parameter; nothing reads the clock.

Rules:

- **Branching** of generation ``g`` = mean number of direct trainees per (reachable) trainer of generation ``g``.
- **Effective reproduction number** ``R(as_of, min_age_days)`` = mean number of direct trainees per trainer
  whose first class opened at least ``min_age_days`` before ``as_of`` (trainers old enough to have grown
  trainees). Only classes opened and trainees certified on or before ``as_of`` count (a trainee without a
  certification date counts). ``R < 1`` means the cascade is dying out.
- **Dormant trainer**: ``active``, certified at least ``min_days`` before ``today``, no class opened by ``today``.
- **Dormant branch**: a whole subtree where nobody opened a class and nobody was certified on or after ``since``;
  only the top of each such subtree is reported (its mentor's branch is not dormant).
- **Longest chains**: root-to-leaf lineages of the deepest leaves, deepest first, ties by leaf id.

>>> from datetime import date
>>> from network.records import ClassRecord, Trainer
>>> ts = [Trainer(1, certified_on=date(2024, 12, 1)), Trainer(2, 1, certified_on=date(2025, 2, 1)),
...       Trainer(3, 1, certified_on=date(2025, 2, 1)), Trainer(4, 2, certified_on=date(2025, 5, 1))]
>>> cs = [ClassRecord(1, 1, date(2025, 1, 5)), ClassRecord(2, 2, date(2025, 3, 1))]
>>> reproduction_number(ts, cs, as_of=date(2025, 6, 1), min_age_days=90)
1.5
>>> dormant_trainers(ts, cs, today=date(2025, 6, 1), min_days=60)
[3]
>>> [b.trainer_id for b in dormant_branches(ts, cs, since=date(2025, 4, 1))]
[3]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from .analysis import NetworkAnalysis, analyse_records
from .forest import Forest
from .records import field as read

__all__ = [
    "Rollup",
    "DormantBranch",
    "rollup",
    "branching_by_generation",
    "reproduction_number",
    "longest_chains",
    "dormant_trainers",
    "dormant_branches",
]


@dataclass
class Rollup:
    """Counts for the trainers of one area or unit (their own classes, not their branches')."""

    key: int | None
    trainers: int = 0
    by_generation: dict[int, int] = field(default_factory=dict)  #: generation -> trainers (-1: in a loop)
    active: int = 0
    paused: int = 0
    left: int = 0
    dormant: int = 0
    classes: int = 0
    learners: int = 0
    completed: int = 0
    trainees_grown: int = 0


def rollup(
    trainers: Iterable[Any],
    classes: Iterable[Any],
    *,
    today: date,
    by: str = "area_id",
    dormant_after_days: int = 60,
    analysis: NetworkAnalysis | None = None,
) -> dict[int | None, Rollup]:
    """One :class:`Rollup` per value of ``by`` (``"area_id"`` or ``"unit_id"``; ``None`` groups the unset).

    Classes opened after ``today`` are ignored. Pass ``analysis`` to reuse a pass made with ``as_of=today``
    over the same trainers in the same order.
    """
    trainers, classes = list(trainers), list(classes)
    if analysis is None:
        analysis = analyse_records(trainers, classes, as_of=today)
    f = analysis.forest
    dormant = set(dormant_trainers(trainers, classes, today=today, min_days=dormant_after_days))
    cols = zip(f.generation.tolist(), analysis.classes.tolist(), analysis.learners.tolist(),
               analysis.completed.tolist(), f.children.tolist(), strict=True)
    out: dict[int | None, Rollup] = {}
    for t, (gen, n_classes, n_learners, n_done, kids) in zip(trainers, cols, strict=True):
        key = read(t, by)
        r = out.get(key)
        if r is None:
            r = out[key] = Rollup(key)
        r.trainers += 1
        r.by_generation[gen] = r.by_generation.get(gen, 0) + 1
        status = read(t, "status", "active")
        if status in ("active", "paused", "left"):
            setattr(r, status, getattr(r, status) + 1)
        r.dormant += read(t, "id") in dormant
        r.classes += n_classes
        r.learners += n_learners
        r.completed += n_done
        r.trainees_grown += kids
    return out


def branching_by_generation(forest: Forest) -> dict[int, float]:
    """Generation -> mean direct trainees per trainer of that generation (reachable trainers only).

    >>> from network.forest import build_forest
    >>> branching_by_generation(build_forest([1, 2, 3, 4], [None, 1, 1, 2]))
    {0: 2.0, 1: 0.5, 2: 0.0}
    """
    return {g: float(forest.children[level].mean()) for g, level in enumerate(forest.levels)}


def reproduction_number(
    trainers: Iterable[Any], classes: Iterable[Any], *, as_of: date, min_age_days: int = 90
) -> float | None:
    """Effective reproduction number of the cascade (see the module docstring); ``None`` when nobody is old
    enough to count."""
    cutoff = as_of - timedelta(days=min_age_days)
    first: dict[int, date] = {}
    for c in classes:
        opened, tid = read(c, "opened_on"), read(c, "trainer_id")
        if opened <= as_of and (tid not in first or opened < first[tid]):
            first[tid] = opened
    trainers = list(trainers)
    eligible = {read(t, "id") for t in trainers if read(t, "id") in first and first[read(t, "id")] <= cutoff}
    if not eligible:
        return None
    grown: Counter[int] = Counter()
    for t in trainers:
        mentor, certified = read(t, "mentor_id"), read(t, "certified_on")
        if mentor in eligible and (certified is None or certified <= as_of):
            grown[mentor] += 1
    return sum(grown.values()) / len(eligible)


def longest_chains(forest: Forest, k: int = 5) -> list[list[int]]:
    """The ``k`` longest root-to-leaf lineages (lists of ids, root first).

    >>> from network.forest import build_forest
    >>> longest_chains(build_forest([1, 2, 3, 4, 5], [None, 1, 2, None, 4]), k=2)
    [[1, 2, 3], [4, 5]]
    """
    leaves = np.flatnonzero((forest.children == 0) & ~forest.unreachable)
    order = np.lexsort((forest.ids[leaves], -forest.generation[leaves]))[:k]
    return [forest.lineage(int(forest.ids[i])) for i in leaves[order]]


def dormant_trainers(trainers: Iterable[Any], classes: Iterable[Any], *, today: date, min_days: int = 60) -> list[int]:
    """Ids (ascending) of active trainers certified at least ``min_days`` before ``today`` with no class yet."""
    cutoff = today - timedelta(days=min_days)
    teaching = {read(c, "trainer_id") for c in classes if read(c, "opened_on") <= today}
    return sorted(
        read(t, "id") for t in trainers
        if read(t, "status", "active") == "active" and read(t, "certified_on") is not None
        and read(t, "certified_on") <= cutoff and read(t, "id") not in teaching
    )


@dataclass(frozen=True, slots=True)
class DormantBranch:
    """The top trainer of a dormant subtree, with the subtree size and the trainer's generation."""

    trainer_id: int
    size: int
    generation: int


def dormant_branches(
    trainers: Iterable[Any],
    classes: Iterable[Any],
    *,
    since: date,
    as_of: date | None = None,
    min_size: int = 1,
    analysis: NetworkAnalysis | None = None,
) -> list[DormantBranch]:
    """Tops of maximal subtrees with no class opened and no trainer certified on or after ``since``.

    With ``as_of``, classes and certifications after it are ignored (as if looking on that day).
    Subtrees smaller than ``min_size`` are left out; unreachable trainers are never reported. Sorted by size
    (largest first), then id. A given ``analysis`` must come from the same trainers in the same order.
    """
    trainers, classes = list(trainers), list(classes)
    if analysis is None:
        analysis = analyse_records(trainers, [])
    f = analysis.forest
    last = as_of or date.max
    recent = [read(c, "trainer_id") for c in classes if since <= read(c, "opened_on") <= last]
    activity = f.tally(np.array(recent, dtype=np.int64))
    activity += np.array([since <= (read(t, "certified_on") or date.min) <= last for t in trainers], dtype=np.int64)
    quiet = (f.subtree_sum(activity) == 0) & ~f.unreachable
    parent_quiet = np.where(f.parent >= 0, quiet[np.maximum(f.parent, 0)], False)
    tops = np.flatnonzero(quiet & ~parent_quiet & (f.size >= min_size))
    tops = tops[np.lexsort((f.ids[tops], -f.size[tops]))]
    return [DormantBranch(int(f.ids[i]), int(f.size[i]), int(f.generation[i])) for i in tops]
