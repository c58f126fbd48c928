"""Per-trainer measures of the whole network, from arrays (batch jobs, benchmarks) or records (the app).

Rules:

- *Own* measures count the classes a trainer opened: ``classes``, ``learners`` (enrolments) and ``completed``.
- *Subtree* measures add up the own measures over the trainer and every descendant (the reach of a branch).
- ``direct_trainees`` = trainees naming the trainer as mentor (new trainers grown directly);
  ``descendants`` = subtree size - 1 (new trainers grown by the whole branch).
- ``conversion_rate`` = direct trainees / completed enrolments in the trainer's own classes (learners turned
  trainers); undefined (NaN in arrays, ``None`` in records) when nothing was completed.
- Classes of an unknown trainer are ignored; classes opened after ``as_of`` (when given) are ignored.
- Unreachable trainers (loops and below) get subtree measures of 0, see :mod:`network.forest`.

>>> from datetime import date
>>> from network.records import ClassRecord, Trainer
>>> trainers = [Trainer(1), Trainer(2, mentor_id=1), Trainer(3, mentor_id=1)]
>>> classes = [ClassRecord(10, 1, date(2025, 2, 1), learners=30, completed=20),
...            ClassRecord(11, 2, date(2025, 3, 1), learners=25, completed=5)]
>>> m = trainer_metrics(trainers, classes)
>>> m[1].subtree_learners, m[1].direct_trainees, m[1].conversion_rate, m[3].conversion_rate
(55, 2, 0.1, None)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .forest import Forest, build_forest
from .records import field

__all__ = [
    "NetworkAnalysis",
    "TrainerMetrics",
    "analyse",
    "analyse_records",
    "trainer_metrics",
    "date_ordinals",
    "NO_DATE",
]

IntArray = NDArray[np.int64]
NO_DATE = -1
"""Ordinal standing for a missing date (real ordinals start at 1)."""


def date_ordinals(dates: Iterable[date | None]) -> IntArray:
    """``date.toordinal()`` of each date, :data:`NO_DATE` for ``None``."""
    return np.array([NO_DATE if d is None else d.toordinal() for d in dates], dtype=np.int64)


@dataclass(frozen=True, eq=False)
class NetworkAnalysis:
    """The forest plus own and subtree measures, arrays aligned with ``forest.ids``."""

    forest: Forest
    classes: IntArray
    learners: IntArray
    completed: IntArray
    subtree_classes: IntArray
    subtree_learners: IntArray
    subtree_completed: IntArray

    @property
    def direct_trainees(self) -> IntArray:
        return self.forest.children

    @property
    def descendants(self) -> IntArray:
        return np.maximum(self.forest.size - 1, 0)

    @property
    def conversion_rate(self) -> NDArray[np.float64]:
        """Direct trainees per completed enrolment of the trainer's own classes (NaN when none completed)."""
        done = self.completed.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(done > 0, self.forest.children / np.where(done > 0, done, 1.0), np.nan)


def analyse(
    ids: ArrayLike,
    mentor_ids: ArrayLike,
    class_trainer_ids: ArrayLike,
    class_learners: ArrayLike,
    class_completed: ArrayLike,
) -> NetworkAnalysis:
    """The whole-network pass over plain arrays (one row per trainer, one row per class)."""
    forest = build_forest(ids, mentor_ids)
    at = forest.index_of(np.asarray(class_trainer_ids, dtype=np.int64))
    known = at >= 0
    at = at[known]
    n = len(forest)

    def per_trainer(values: ArrayLike) -> IntArray:
        weights = np.asarray(values, dtype=np.int64)[known]
        return np.bincount(at, weights=weights, minlength=n).astype(np.int64)

    classes = np.bincount(at, minlength=n).astype(np.int64)
    learners, completed = per_trainer(class_learners), per_trainer(class_completed)
    return NetworkAnalysis(
        forest=forest,
        classes=classes,
        learners=learners,
        completed=completed,
        subtree_classes=forest.subtree_sum(classes),
        subtree_learners=forest.subtree_sum(learners),
        subtree_completed=forest.subtree_sum(completed),
    )


def analyse_records(trainers: Iterable[Any], classes: Iterable[Any], *, as_of: date | None = None) -> NetworkAnalysis:
    """:func:`analyse` over trainer and class records (dataclasses, dicts or ORM-like objects)."""
    trainers = list(trainers)
    rows = [c for c in classes if as_of is None or field(c, "opened_on") <= as_of]
    return analyse(
        [field(t, "id") for t in trainers],
        [field(t, "mentor_id") for t in trainers],
        np.array([field(c, "trainer_id") for c in rows], dtype=np.int64),
        np.array([field(c, "learners", 0) for c in rows], dtype=np.int64),
        np.array([field(c, "completed", 0) for c in rows], dtype=np.int64),
    )


@dataclass(frozen=True, slots=True)
class TrainerMetrics:
    """The measures of one trainer (see the module docstring for the rules)."""

    trainer_id: int
    generation: int  #: -1 when unreachable
    root_id: int | None
    direct_trainees: int
    descendants: int
    subtree_size: int
    classes: int
    learners: int
    completed: int
    subtree_classes: int
    subtree_learners: int
    subtree_completed: int
    conversion_rate: float | None
    orphan: bool
    in_cycle: bool
    unreachable: bool


def trainer_metrics(
    trainers: Iterable[Any], classes: Iterable[Any], *, as_of: date | None = None
) -> dict[int, TrainerMetrics]:
    """:class:`TrainerMetrics` for every trainer, keyed by trainer id."""
    a = analyse_records(trainers, classes, as_of=as_of)
    f = a.forest
    rate = a.conversion_rate
    cols = zip(
        f.ids.tolist(), f.generation.tolist(), f.root.tolist(), f.children.tolist(), a.descendants.tolist(),
        f.size.tolist(), a.classes.tolist(), a.learners.tolist(), a.completed.tolist(),
        a.subtree_classes.tolist(), a.subtree_learners.tolist(), a.subtree_completed.tolist(), rate.tolist(),
        f.orphan.tolist(), f.in_cycle.tolist(), f.unreachable.tolist(), strict=True,
    )
    out: dict[int, TrainerMetrics] = {}
    for tid, gen, root, kids, desc, size, cls, lrn, done, s_cls, s_lrn, s_done, r, orph, cyc, unr in cols:
        out[tid] = TrainerMetrics(
            trainer_id=tid, generation=gen, root_id=None if root < 0 else root, direct_trainees=kids,
            descendants=desc, subtree_size=size, classes=cls, learners=lrn, completed=done,
            subtree_classes=s_cls, subtree_learners=s_lrn, subtree_completed=s_done,
            conversion_rate=None if r != r else r, orphan=orph, in_cycle=cyc, unreachable=unr,
        )
    return out
