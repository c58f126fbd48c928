"""Trainer ids to array positions, and mentor columns to plain int arrays.

Rules: ids are unique non-negative integers (a repeated id raises
:class:`~network.errors.DuplicateTrainerError`); "no mentor" is ``None``, NaN or any negative number and
becomes -1. Database ids are dense, so positions come from a direct table (``max id + 1`` entries) when it is
at most about eight times the number of trainers, otherwise from binary search over the sorted ids.

>>> order, find = id_index(np.array([30, 10, 20]))
>>> order.tolist(), find(np.array([20, 99, -1])).tolist()
([1, 2, 0], [2, -1, -1])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .errors import DuplicateTrainerError

__all__ = ["IdLookup", "id_index", "mentor_array"]

IntArray = NDArray[np.int64]


def mentor_array(mentor_ids: ArrayLike | Sequence[int | None]) -> IntArray:
    """Mentor ids as int64 with -1 for "no mentor" (``None``, NaN or any negative value).

    >>> mentor_array([None, 3, -5]).tolist()
    [-1, 3, -1]
    """
    arr = np.asarray(mentor_ids)
    if arr.dtype == object:
        arr = np.array([-1 if m is None else m for m in arr.tolist()], dtype=np.int64)
    elif arr.dtype.kind == "f":
        arr = np.where(np.isnan(arr), -1, arr).astype(np.int64)
    out = arr.astype(np.int64, copy=True).reshape(-1)
    out[out < 0] = -1
    return out


class IdLookup:
    """Maps ids to array positions (-1 when absent); a plain object, so a forest can be pickled."""

    def __init__(self, sorted_ids: IntArray, sorted_index: IntArray, table: IntArray | None) -> None:
        self.sorted_ids, self.sorted_index, self.table = sorted_ids, sorted_index, table

    def __call__(self, want: ArrayLike) -> IntArray:
        want = np.asarray(want, dtype=np.int64)
        if self.sorted_ids.shape[0] == 0:
            return np.full(want.shape, -1, dtype=np.int64)
        if self.table is not None:
            inside = (want >= 0) & (want < self.table.shape[0])
            return np.where(inside, self.table[np.where(inside, want, 0)], -1)
        pos = np.minimum(np.searchsorted(self.sorted_ids, want), self.sorted_ids.shape[0] - 1)
        return np.where(self.sorted_ids[pos] == want, self.sorted_index[pos], -1)


def id_index(ids: IntArray) -> tuple[IntArray, IdLookup]:
    """``argsort(ids)`` and the :class:`IdLookup` of ``ids`` (a table for dense ids, else binary search).

    Raises :class:`~network.errors.DuplicateTrainerError` for a repeated id.
    """
    n = ids.shape[0]
    top = int(ids.max()) if n else -1
    if n and top <= 8 * n + 1024:
        table = np.full(top + 1, -1, dtype=np.int64)
        table[ids] = np.arange(n)
        wrong = np.flatnonzero(table[ids] != np.arange(n))
        if wrong.size:
            raise DuplicateTrainerError(trainer_id=int(ids[wrong[0]]))
        sorted_index = table[table >= 0]
        return sorted_index, IdLookup(ids[sorted_index], sorted_index, table)
    sorted_index = np.argsort(ids, kind="stable")
    sorted_ids = ids[sorted_index]
    dup = np.flatnonzero(sorted_ids[1:] == sorted_ids[:-1])
    if dup.size:
        raise DuplicateTrainerError(trainer_id=int(sorted_ids[dup[0]]))
    return sorted_index, IdLookup(sorted_ids, sorted_index, None)
