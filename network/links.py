"""Checking mentor links, one at a time (a form) or as a batch (an import).

The current forest is a mapping ``trainer id -> trainer row`` (a :class:`~network.records.Trainer`, a dict or
any object with ``mentor_id``, ``status`` and ``max_level``). A new link ``trainee -> mentor`` is valid when:

1. the mentor is not the trainee (``self_mentor``);
2. the mentor exists (``unknown_mentor``);
3. the trainee has no other mentor already, unless the caller is moving the trainee (``second_mentor``);
4. the mentor is ``active`` (``inactive_mentor``);
5. ``mentor.max_level >= trainee.max_level`` (``mentor_level``);
6. the mentor is not the trainee's descendant, i.e. the link closes no loop (``cycle``).

Re-stating a link that already exists is not a new link and is not checked again (a trainee may legitimately
out-level their mentor later). A mentor of ``None`` means "root / no mentor given" and is always accepted.

>>> forest = {1: {"mentor_id": None, "status": "active", "max_level": 3},
...           2: {"mentor_id": 1, "status": "active", "max_level": 3}}
>>> check_link(forest, 3, 2, trainee_level=2)
>>> check_link(forest, 1, 2)
Traceback (most recent call last):
...
network.errors.CycleError: cycle: trainer_id=1, mentor_id=2, cycle=(1, 2)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from .errors import (
    CycleError,
    InactiveMentorError,
    MentorLevelError,
    NetworkError,
    SecondMentorError,
    SelfMentorError,
    UnknownMentorError,
)
from .records import field

__all__ = ["check_link", "link_problems", "validate_links", "LinkProblem", "find_loop"]


class LinkProblem(NamedTuple):
    """One problem of an import: the row index (as numbered by ``start``), the error code and its params."""

    row: int
    code: str
    params: dict[str, Any]


def find_loop(mentor_of: Mapping[int, int | None], trainer_id: int, mentor_id: int) -> tuple[int, ...] | None:
    """The loop that linking ``trainer_id -> mentor_id`` would close, or ``None``.

    Walks up from the mentor (depth steps, no recursion). The loop is listed following mentor links from the
    trainee: ``(trainee, mentor, mentor's mentor, ...)``.

    >>> find_loop({1: None, 2: 1, 3: 2}, 1, 3)
    (1, 3, 2)
    >>> find_loop({1: None, 2: 1}, 3, 2) is None
    True
    """
    chain = [trainer_id]
    seen = {trainer_id}
    node: int | None = mentor_id
    while node is not None:
        if node == trainer_id:
            return tuple(chain)
        if node in seen:  # an old loop above, not closed by this link
            return None
        seen.add(node)
        chain.append(node)
        node = mentor_of.get(node)
    return None


class _MentorView(Mapping[int, "int | None"]):
    """``trainer id -> mentor id`` read lazily from the rows of a forest."""

    def __init__(self, trainers: Mapping[int, Any]) -> None:
        self._trainers = trainers

    def __getitem__(self, key: int) -> int | None:
        return field(self._trainers[key], "mentor_id")

    def __iter__(self) -> Iterator[int]:
        return iter(self._trainers)

    def __len__(self) -> int:
        return len(self._trainers)


def link_problems(
    trainers: Mapping[int, Any],
    trainer_id: int,
    mentor_id: int | None,
    *,
    trainee_level: int | None = None,
    replace: bool = False,
) -> list[NetworkError]:
    """Every rule the link ``trainer_id -> mentor_id`` breaks, in the order of the module docstring.

    ``trainee_level`` defaults to the trainee's recorded ``max_level`` (a new trainee without a level skips
    rule 5). ``replace=True`` allows moving a trainee who has a mentor (rule 3 off).
    """
    if mentor_id is None:
        return []
    ids = {"trainer_id": trainer_id, "mentor_id": mentor_id}
    if mentor_id == trainer_id:
        return [SelfMentorError(**ids)]
    mentor = trainers.get(mentor_id)
    if mentor is None:
        return [UnknownMentorError(**ids)]
    trainee = trainers.get(trainer_id)
    current = field(trainee, "mentor_id") if trainee is not None else None
    if current == mentor_id:
        return []
    problems: list[NetworkError] = []
    if current is not None and not replace:
        problems.append(SecondMentorError(**ids, current_mentor_id=current))
    status = field(mentor, "status", "active")
    if status != "active":
        problems.append(InactiveMentorError(**ids, status=status))
    if trainee_level is None and trainee is not None:
        trainee_level = field(trainee, "max_level")
    mentor_level = field(mentor, "max_level")
    if trainee_level is not None and mentor_level is not None and mentor_level < trainee_level:
        problems.append(MentorLevelError(**ids, mentor_level=mentor_level, trainee_level=trainee_level))
    loop = find_loop(_MentorView(trainers), trainer_id, mentor_id)
    if loop is not None:
        problems.append(CycleError(**ids, cycle=loop))
    return problems


def check_link(
    trainers: Mapping[int, Any],
    trainer_id: int,
    mentor_id: int | None,
    *,
    trainee_level: int | None = None,
    replace: bool = False,
) -> None:
    """Raise the first :class:`~network.errors.NetworkError` the link breaks; return ``None`` when valid."""
    problems = link_problems(trainers, trainer_id, mentor_id, trainee_level=trainee_level, replace=replace)
    if problems:
        raise problems[0]


def validate_links(trainers: Mapping[int, Any], rows: Sequence[Any], *, start: int = 0) -> list[LinkProblem]:
    """Check an import batch against the forest and against itself; report every problem, never stop early.

    Each row is a trainer (``id``, ``mentor_id``, optional ``status`` and ``max_level``) to create or update.
    A row's mentor may be an existing trainer or another row of the batch. Besides the single-link rules:

    - two rows giving one trainer different mentors: the later rows get ``second_mentor`` with ``first_row``;
    - loops formed by the batch links (alone or with the forest): every row whose link lies on the loop gets
      ``cycle`` with the loop's ids.

    Rows are numbered ``start, start + 1, ...``; the result is sorted by row.
    """
    problems: list[LinkProblem] = []
    first: dict[int, Any] = {}  # trainer id -> its first row (status and level come from it)
    link: dict[int, tuple[int, int]] = {}  # trainer id -> (row number, mentor id) of its first row naming one
    for number, row in enumerate(rows, start):
        tid, mid = field(row, "id"), field(row, "mentor_id")
        first.setdefault(tid, row)
        if mid is None:
            continue
        if tid not in link:
            link[tid] = (number, mid)
        elif link[tid][1] != mid:
            problems.append(LinkProblem(number, SecondMentorError.code, {
                "trainer_id": tid, "mentor_id": mid, "current_mentor_id": link[tid][1], "first_row": link[tid][0]}))

    combined = _CombinedView(trainers, first)
    new_links: dict[tuple[int, int], int] = {}  # batch link that adds an edge -> its row number
    for tid, (number, mid) in link.items():
        existing = trainers.get(tid)
        current = field(existing, "mentor_id") if existing is not None else None
        if mid == current:
            continue
        probs = link_problems(combined, tid, mid, trainee_level=field(first[tid], "max_level"))
        # loops are found below, over the whole batch at once
        problems.extend(LinkProblem(number, p.code, p.params) for p in probs if not isinstance(p, CycleError))
        if current is None and mid != tid and mid in combined:
            new_links[(tid, mid)] = number

    def mentor(tid: int) -> int | None:
        if tid in link and (tid, link[tid][1]) in new_links:
            return link[tid][1]
        row = trainers.get(tid)
        return field(row, "mentor_id") if row is not None else None

    for loop in _loops(mentor, [tid for tid, _ in new_links]):
        for i, tid in enumerate(loop):
            mid = loop[(i + 1) % len(loop)]
            if (tid, mid) in new_links:
                problems.append(LinkProblem(new_links[(tid, mid)], CycleError.code,
                                            {"trainer_id": tid, "mentor_id": mid, "cycle": loop}))
    problems.sort(key=lambda p: p.row)
    return problems


class _CombinedView(Mapping[int, Any]):
    """The forest overlaid with the batch rows (a batch row wins for status and level)."""

    def __init__(self, trainers: Mapping[int, Any], batch: Mapping[int, Any]) -> None:
        self._trainers, self._batch = trainers, batch

    def __getitem__(self, key: int) -> Any:
        if key in self._batch:
            row, old = self._batch[key], self._trainers.get(key)
            return {
                "mentor_id": field(old, "mentor_id") if old is not None else None,
                "status": field(row, "status") or field(old, "status", "active"),
                "max_level": field(row, "max_level") or field(old, "max_level"),
            }
        return self._trainers[key]

    def __iter__(self) -> Iterator[int]:
        return iter(set(self._trainers) | set(self._batch))

    def __len__(self) -> int:
        return len(set(self._trainers) | set(self._batch))


def _loops(mentor: Any, starts: Sequence[int]) -> Iterator[tuple[int, ...]]:
    """Each loop reachable upwards from ``starts`` once, listed from its smallest id, following mentor links."""
    done: set[int] = set()
    for start in starts:
        path: list[int] = []
        index: dict[int, int] = {}
        node: int | None = start
        while node is not None and node not in done and node not in index:
            index[node] = len(path)
            path.append(node)
            node = mentor(node)
        if node is not None and node in index:
            loop = path[index[node]:]
            k = loop.index(min(loop))
            yield tuple(loop[k:] + loop[:k])
        done.update(path)
