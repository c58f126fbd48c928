"""The benchmark's generator and passes, at a small size (correctness only; timings belong to `make bench`)."""

from __future__ import annotations

import numpy as np

from bench.network_bench import assignment_case, generate, networkx_pass, numpy_pass


def test_generator_shape_and_passes_agree() -> None:
    data = generate(3_000, 10_000, roots=30, seed=1)
    assert data.ids.size == 3_000 and data.class_trainer.size == 10_000
    out = numpy_pass(data)
    f = out["analysis"].forest
    assert int((f.generation == 0).sum()) == 30 and out["orphans"] == 0 and out["in_loops"] == 0
    assert 4 <= f.depth <= 12
    assert out["by_area_generation"].sum() == 3_000
    ref = networkx_pass(data)
    assert ref["learners"] == dict(zip(f.ids.tolist(), out["analysis"].subtree_learners.tolist(), strict=True))
    assert np.isclose(out["learners_by_area"].sum(), data.class_learners.sum())


def test_assignment_case_size() -> None:
    slots, needs, neighbours = assignment_case(trainers=50)
    assert len(slots) == 50 and len(needs) == 172 + 50 and len(neighbours) == 9
