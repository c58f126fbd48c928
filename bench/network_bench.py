"""Benchmark of the network package on synthetic cascades (DESIGN.md section 5).

Run from the repository root::

    python -m bench.network_bench                      # province and nation scale
    python -m bench.network_bench --size province --with-networkx

What is measured (medians of ``--repeat`` runs, ``time.perf_counter``, garbage collector paused in a run):

- the whole-network pass with NumPy (generation, root, intervals, subtree size, orphan and loop flags, own and
  subtree classes / learners / completions, roll-ups of trainers by area x generation and reach by area);
- materialized path strings for every trainer (what the app writes back);
- the plain networkx reference of the same pass (province scale; nation only with ``--with-networkx``);
- one trainer's subtree and lineage from the in-memory equivalents of the stored indexes (sorted ``lft``
  intervals, sorted paths), median over random trainers;
- the assignment solve, 5,000 trainers x 172 communes (plus 50 unit needs);
- peak memory: ``tracemalloc`` peak of one extra pass (NumPy allocations are traced) and the process ``ru_maxrss``.

The forest: 300 roots, geometric offspring per trainer with a mean chosen so that about 8 generations reach
the target size; ids are a random permutation of ``1..n`` and rows are shuffled (no help from creation order).
Classes go to random trainers; learners per class ~ Poisson(10), completions ~ Binomial(learners, 0.7).
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from network import (
    IntervalIndex,
    Need,
    PathIndex,
    TrainerSlot,
    analyse,
    graph_from_arrays,
    reference_pass,
    reference_subtree_sum,
    suggest_assignments,
)

__all__ = ["Synthetic", "SIZES", "generate", "numpy_pass", "networkx_pass", "assignment_case", "main"]

SIZES = {"province": (30_000, 100_000), "nation": (1_500_000, 5_000_000)}  # trainers, classes
COMMUNES, DISTRICTS = 172, 9


@dataclass
class Synthetic:
    """Parallel arrays of a synthetic network."""

    ids: np.ndarray
    mentor_ids: np.ndarray
    area_ids: np.ndarray
    class_trainer: np.ndarray
    class_learners: np.ndarray
    class_completed: np.ndarray


def generate(trainers: int, classes: int, *, roots: int = 300, generations: int = 8, seed: int = 2025) -> Synthetic:
    """A seeded synthetic cascade of exactly ``trainers`` trainers and ``classes`` classes."""
    rng = np.random.default_rng(seed)
    mean = (trainers / roots) ** (1 / generations)
    parents, frontier, made = [np.full(roots, -1)], np.arange(roots), roots
    while made < trainers and frontier.size:
        kids = rng.geometric(1 / (1 + mean), size=frontier.size) - 1
        mentor_pos = np.repeat(frontier, kids)[: trainers - made]
        parents.append(mentor_pos)
        frontier = np.arange(made, made + mentor_pos.size)
        made += mentor_pos.size
    mentor_pos = np.concatenate(parents)
    n = mentor_pos.size
    label = rng.permutation(n) + 1
    ids = label
    mentors = np.where(mentor_pos >= 0, label[np.maximum(mentor_pos, 0)], -1)
    rows = rng.permutation(n)
    learners = rng.poisson(10, size=classes)
    return Synthetic(
        ids=ids[rows], mentor_ids=mentors[rows], area_ids=rng.integers(0, COMMUNES, size=n),
        class_trainer=ids[rng.integers(0, n, size=classes)], class_learners=learners,
        class_completed=rng.binomial(learners, 0.7),
    )


def numpy_pass(data: Synthetic) -> dict[str, Any]:
    """The whole-network pass plus the roll-ups by area (the dashboard numbers)."""
    a = analyse(data.ids, data.mentor_ids, data.class_trainer, data.class_learners, data.class_completed)
    f = a.forest
    gens = max(f.depth + 2, 1)
    by_area_gen = np.bincount(data.area_ids * gens + (f.generation + 1), minlength=COMMUNES * gens)
    return {
        "analysis": a,
        "by_area_generation": by_area_gen.reshape(COMMUNES, gens),
        "learners_by_area": np.bincount(data.area_ids, weights=a.learners, minlength=COMMUNES),
        "orphans": int(f.orphan.sum()),
        "in_loops": int(f.in_cycle.sum()),
    }


def networkx_pass(data: Synthetic) -> dict[str, Any]:
    """The same pass in plain networkx: graph, traversals, subtree sums by post-order."""
    g = graph_from_arrays(data.ids.tolist(), data.mentor_ids.tolist())
    ref = reference_pass(g)
    learners: dict[int, int] = {}
    classes: dict[int, int] = {}
    for t, n in zip(data.class_trainer.tolist(), data.class_learners.tolist(), strict=True):
        learners[t] = learners.get(t, 0) + n
        classes[t] = classes.get(t, 0) + 1
    return {"ref": ref, "learners": reference_subtree_sum(g, ref, learners),
            "classes": reference_subtree_sum(g, ref, classes)}


def assignment_case(trainers: int = 5_000, seed: int = 7) -> tuple[list[TrainerSlot], list[Need], dict[int, set[int]]]:
    """5,000 trainer slots over 172 communes in 9 districts (ring neighbours), area and unit needs."""
    rnd = random.Random(seed)
    district = {c: c % DISTRICTS for c in range(COMMUNES)}
    slots = [TrainerSlot(i + 1, c, district[c], rnd.randrange(200), rnd.randint(1, 3), rnd.choice([1, 1, 2, 2, 3, 4, 5]))
             for i, c in enumerate(rnd.randrange(COMMUNES) for _ in range(trainers))]
    needs = [Need("area", c, c, district[c], None, rnd.randint(0, 60), rnd.choice([1, 1, 2, 3])) for c in range(COMMUNES)]
    for u in range(50):
        c = rnd.randrange(COMMUNES)
        needs.append(Need("unit", u, c, district[c], u, rnd.randint(1, 10), 1))
    neighbours = {d: {(d + 1) % DISTRICTS, (d - 1) % DISTRICTS} for d in range(DISTRICTS)}
    return slots, needs, neighbours


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds of ``repeat`` runs and the last result; the collector is paused during a run, as a batch
    job does."""
    times, result = [], None
    for _ in range(repeat):
        result = None
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return statistics.median(times), result


def traced_peak_mb(fn: Callable[[], Any]) -> float:
    """Peak memory allocated during one run, by tracemalloc (Python objects and NumPy buffers)."""
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def report(label: str, seconds: float, extra: str = "") -> None:
    print(f"  {label:<46} {seconds * 1000:>10.3f} ms  {extra}", flush=True)


def run_size(size: str, repeat: int, with_networkx: bool) -> None:
    trainers, classes = SIZES[size]
    start = time.perf_counter()
    data = generate(trainers, classes)
    print(f"\n[{size}] {trainers:,} trainers, {classes:,} classes, {int(data.class_learners.sum()):,} enrolments "
          f"(generated in {time.perf_counter() - start:.1f} s)", flush=True)
    t_np, out = timed(lambda: numpy_pass(data), repeat)
    f = out["analysis"].forest
    print(f"  depth {f.depth}, roots {int((f.generation == 0).sum())}, max subtree {int(f.size.max()):,}")
    report("numpy whole-network pass (median)", t_np, f"peak {traced_peak_mb(lambda: numpy_pass(data)):.0f} MB traced")
    t_paths, paths = timed(f.paths, max(1, repeat // 2))
    report("materialized paths for all trainers", t_paths)
    if size == "province" or with_networkx:
        nx_repeat = repeat if size == "province" else 1
        t_nx, ref = timed(lambda: networkx_pass(data), nx_repeat)
        same = ref["learners"] == dict(zip(f.ids.tolist(), out["analysis"].subtree_learners.tolist(), strict=True))
        peak = f"peak {traced_peak_mb(lambda: networkx_pass(data)):.0f} MB traced" if size == "province" else "untraced"
        report("networkx reference pass (median)", t_nx, f"{peak}; ratio {t_nx / t_np:.1f}x; same reach: {same}")
    queries(f, paths, repeat=200)
    print(f"  process peak RSS so far: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def queries(f: Any, paths: list[str | None], repeat: int) -> None:
    """One trainer's subtree and lineage from the sorted in-memory indexes, median over random trainers."""
    start = time.perf_counter()
    intervals = IntervalIndex(f.ids, f.lft, f.rgt)
    by_path = PathIndex(f.ids.tolist(), paths)
    report("build interval + path indexes (once)", time.perf_counter() - start)
    rnd = random.Random(11)
    picks = [rnd.randrange(len(f)) for _ in range(repeat)]
    big = int(np.argmax(f.size))
    cases: list[tuple[str, Callable[[int], Any]]] = [
        ("subtree by interval slice", lambda i: intervals.subtree(int(f.lft[i]), int(f.rgt[i]))),
        ("subtree by path prefix", lambda i: by_path.subtree(paths[i])),  # type: ignore[arg-type]
        ("lineage by interval scan", lambda i: intervals.lineage(int(f.lft[i]))),
        ("lineage from the path string", lambda i: [int(x) for x in paths[i].strip("/").split("/")]),  # type: ignore[union-attr]
    ]
    for label, fn in cases:
        times = []
        for i in picks:
            t0 = time.perf_counter()
            fn(i)
            times.append(time.perf_counter() - t0)
        report(f"{label} (n={len(f):,})", statistics.median(times), f"max {max(times) * 1000:.2f} ms")
    t0 = time.perf_counter()
    n_big = len(intervals.subtree(int(f.lft[big]), int(f.rgt[big])))
    report(f"largest subtree by interval ({n_big:,} ids)", time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["province", "nation", "all"], default="all")
    parser.add_argument("--with-networkx", action="store_true", help="also run networkx at nation scale (~30 s+)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    sizes = ["province", "nation"] if args.size == "all" else [args.size]
    for size in sizes:
        run_size(size, args.repeat if size == "province" else max(1, min(args.repeat, 3)), args.with_networkx)
    slots, needs, neighbours = assignment_case()
    t_asg, result = timed(lambda: suggest_assignments(slots, needs, neighbours=neighbours), 5)
    print(f"\n[assignment] {len(slots):,} trainers, {len(needs)} needs ({COMMUNES} communes + 50 units)")
    report("min-cost max-flow suggestion (median)", t_asg,
           f"{sum(s.amount for s in result):,} classes of {sum(n.need for n in needs):,} wanted")


if __name__ == "__main__":
    main()
