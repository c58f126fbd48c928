"""Stored lineage: materialized paths kept exact on every change, intervals refreshed by the full pass.

Storage design (the app stores per trainer ``path``, ``generation``, ``root_id``, ``lft``, ``rgt``):

- The **materialized path** is the source of truth for lineage and subtree queries. It lists the ids from the
  root down to the trainer, each followed by ``/``, starting with ``/``: ``'/12/57/301/'``. The lineage is the
  path itself; the subtree is an indexed prefix scan (``path LIKE '/12/57/%'``; ids are digits, so no LIKE
  escaping is needed, and the trailing ``/`` stops ``/12/5`` from matching ``/12/57``).
  ``generation`` = number of ids - 1 and ``root_id`` = the first id, both derived from the path.
- An **insert** (a new trainee) only needs its mentor's path: :func:`insert`. Nobody else changes.
- A **move** of a subtree under a new mentor rewrites the prefix of every path in the subtree:
  :func:`move_subtree` computes the new path, generation and root of each (the app applies them in one
  transaction). Moving under one's own descendant is refused (:class:`~network.errors.CycleError`), by prefix.
- **Nested intervals** (``lft``/``rgt``, see :mod:`network.forest`) would need renumbering of a large part of the
  forest on every insert, so they are *not* maintained incrementally: the full pass recomputes them (nightly or
  after an import). They serve bulk analytics; between passes they may be stale for changed branches, so
  queries that must be exact use the path.

:class:`PathIndex` and :class:`IntervalIndex` are the in-memory equivalents of the two database indexes.

>>> p = path_for(path_for(None, 12), 57)
>>> p, generation_of(p), root_of(p), subtree_pattern(p)
('/12/57/', 1, 12, '/12/57/%')
>>> move_subtree({57: '/12/57/', 301: '/12/57/301/'}, 57, '/9/')[301]
Lineage(path='/9/57/301/', generation=2, root_id=9)
>>> move_subtree({57: '/12/57/', 301: '/12/57/301/'}, 57, '/12/57/301/')
Traceback (most recent call last):
...
network.errors.CycleError: cycle: trainer_id=57, mentor_id=301, cycle=(57, 301)
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import CycleError, InvalidPathError, SelfMentorError

__all__ = [
    "Lineage",
    "parse_path",
    "path_for",
    "generation_of",
    "root_of",
    "subtree_pattern",
    "in_subtree",
    "insert",
    "reparent",
    "move_subtree",
    "PathIndex",
    "IntervalIndex",
]


@dataclass(frozen=True, slots=True)
class Lineage:
    """The stored lineage columns of one trainer."""

    path: str
    generation: int
    root_id: int


def parse_path(path: str) -> list[int]:
    """Ids from the root down (raises :class:`~network.errors.InvalidPathError` if malformed).

    >>> parse_path('/1/5/9/')
    [1, 5, 9]
    """
    if len(path) < 3 or path[0] != "/" or path[-1] != "/":
        raise InvalidPathError(path=path)
    parts = path[1:-1].split("/")
    if not all(p.isdigit() for p in parts):
        raise InvalidPathError(path=path)
    return [int(p) for p in parts]


def path_for(mentor_path: str | None, trainer_id: int) -> str:
    """The path of a trainer under a mentor with ``mentor_path`` (``None``: a root)."""
    return f"{mentor_path or '/'}{int(trainer_id)}/"


def generation_of(path: str) -> int:
    """Generation (0 for a root) = number of ids on the path - 1."""
    return path.count("/") - 2


def root_of(path: str) -> int:
    """Id of the root, the first id on the path."""
    return int(path[1 : path.index("/", 1)])


def subtree_pattern(path: str) -> str:
    """SQL ``LIKE`` pattern matching the trainer and every descendant."""
    return path + "%"


def in_subtree(path: str, ancestor_path: str) -> bool:
    """Whether the trainer at ``path`` is in the subtree of the one at ``ancestor_path`` (itself included)."""
    return path.startswith(ancestor_path)


def insert(mentor_path: str | None, trainer_id: int) -> Lineage:
    """Stored lineage of a new trainer under a mentor with ``mentor_path`` (``None``: a new root)."""
    path = path_for(mentor_path, trainer_id)
    return Lineage(path, generation_of(path), root_of(path))


def reparent(paths_of_subtree: Mapping[int, str], old_prefix: str, new_prefix: str) -> dict[int, Lineage]:
    """Replace ``old_prefix`` by ``new_prefix`` in each path; every path must start with ``old_prefix``."""
    out: dict[int, Lineage] = {}
    for tid, path in paths_of_subtree.items():
        if not path.startswith(old_prefix):
            raise InvalidPathError(path=path)
        new = new_prefix + path[len(old_prefix):]
        out[tid] = Lineage(new, generation_of(new), root_of(new))
    return out


def move_subtree(paths_of_subtree: Mapping[int, str], trainer_id: int, new_mentor_path: str | None) -> dict[int, Lineage]:
    """New stored lineage of every trainer in ``trainer_id``'s subtree after moving it under a new mentor.

    ``paths_of_subtree`` holds the current paths of the subtree (the trainer included), as the prefix query
    returns them; ``new_mentor_path=None`` makes the trainer a root. Raises
    :class:`~network.errors.CycleError` when the new mentor is inside the subtree
    (:class:`~network.errors.SelfMentorError` when it is the trainer).
    """
    old_prefix = paths_of_subtree[trainer_id]
    if new_mentor_path is not None and new_mentor_path.startswith(old_prefix):
        below = parse_path(new_mentor_path)
        below = below[below.index(trainer_id):]  # trainer ... new mentor
        if len(below) == 1:
            raise SelfMentorError(trainer_id=trainer_id, mentor_id=trainer_id)
        raise CycleError(trainer_id=trainer_id, mentor_id=below[-1], cycle=(trainer_id, *below[:0:-1]))
    return reparent(paths_of_subtree, old_prefix, path_for(new_mentor_path, trainer_id))


class PathIndex:
    """Sorted paths, as a B-tree index on ``path`` would hold them: prefix scans in O(log n + k)."""

    def __init__(self, ids: Iterable[int], paths: Iterable[str | None]) -> None:
        pairs = sorted((p, i) for i, p in zip(ids, paths, strict=True) if p is not None)
        self.paths = [p for p, _ in pairs]
        self.ids = np.array([i for _, i in pairs], dtype=np.int64)

    def subtree(self, path: str) -> NDArray[np.int64]:
        """Ids whose path starts with ``path`` (the trainer first, then descendants in pre-order)."""
        lo = bisect.bisect_left(self.paths, path)
        hi = bisect.bisect_left(self.paths, path[:-1] + "0", lo)  # '0' sorts right after '/'
        return self.ids[lo:hi]


class IntervalIndex:
    """Trainers sorted by ``lft``: a subtree is one slice, the lineage one vectorised scan."""

    def __init__(self, ids: ArrayLike, lft: ArrayLike, rgt: ArrayLike) -> None:
        ids_a, lft_a, rgt_a = (np.asarray(a, dtype=np.int64) for a in (ids, lft, rgt))
        keep = lft_a >= 0
        order = np.argsort(lft_a[keep], kind="stable")
        self.ids, self.lft, self.rgt = ids_a[keep][order], lft_a[keep][order], rgt_a[keep][order]

    def subtree(self, lft: int, rgt: int) -> NDArray[np.int64]:
        """Ids with ``lft <= x.lft <= rgt``, in pre-order."""
        lo, hi = np.searchsorted(self.lft, lft, "left"), np.searchsorted(self.lft, rgt, "right")
        return self.ids[lo:hi]

    def lineage(self, lft: int) -> NDArray[np.int64]:
        """Ids of the ancestors of the trainer numbered ``lft`` (itself included), root first."""
        head = slice(0, int(np.searchsorted(self.lft, lft, "right")))
        return self.ids[head][self.rgt[head] >= lft]
