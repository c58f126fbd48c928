"""Hypothesis strategies shared by the network tests: random forests, optionally with loops and orphans."""

from __future__ import annotations

from hypothesis import strategies as st


@st.composite
def forests(draw: st.DrawFn, max_size: int = 40, loops: bool = False, orphans: bool = False
            ) -> tuple[list[int], list[int | None]]:
    """Parallel (ids, mentor ids) lists in a shuffled row order.

    Ids are dense small numbers or sparse huge ones (both lookup strategies of the forest pass). Without
    ``loops`` every mentor precedes its trainee in creation order, so the result is a forest.
    """
    n = draw(st.integers(0, max_size))
    top = draw(st.sampled_from([2 * max_size, 10**12]))
    ids = draw(st.lists(st.integers(0, top), min_size=n, max_size=n, unique=True))
    mentor_pos: list[int | None] = []
    for k in range(n):
        choice = draw(st.integers(-1, k - 1)) if k else -1
        mentor_pos.append(None if choice < 0 else choice)
    if loops and n:
        for _ in range(draw(st.integers(1, 3))):
            k = draw(st.integers(0, n - 1))
            mentor_pos[k] = draw(st.integers(0, n - 1))  # anywhere, itself included: may close a loop
    mentors: list[int | None] = [None if p is None else ids[p] for p in mentor_pos]
    if orphans and n:
        for _ in range(draw(st.integers(1, 2))):
            k = draw(st.integers(0, n - 1))
            mentors[k] = top + 1 + draw(st.integers(0, 5))  # an id nobody has
    order = draw(st.permutations(range(n)))
    return [ids[i] for i in order], [mentors[i] for i in order]
