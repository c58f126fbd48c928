"""Roll-ups by area and unit, and the day's network snapshot, from one whole-network pass.

Rules: a trainer counts in the roll-up of its working area and of every area above it (commune → district →
province), and likewise up its unit's tree. Own classes, learners and completed are those of the trainers'
own classes. R (effective reproduction number) is kept as two additive counts: `r_eligible` (trainers whose
first class opened at least `r_min_age_days` before today) and `r_grown` (trainees certified by today of those
trainers), so R = r_grown / r_eligible for any area, the province included — the rule of
`network.metrics.reproduction_number`.
An area's row also keeps the overview's lists (`leaders`) as trainer ids in order, among the trainers working in
its subtree: "top" (10, the most subtree learners first, then id), "dormant" (15, dormant trainers, the earliest
certified first, then id) and "branches" (10, tops of dormant branches, the largest first, then id) — the orders
of `app.network.queries`, so the page reads ≤ 35 trainers instead of sorting the subtree's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from sqlalchemy import delete, insert, select

from app.extensions import db
from app.models import Area, NetworkRollup, NetworkSnapshot, Unit
from app.timeutil import utcnow

SUMS = ("trainers", "active", "paused", "left", "dormant", "dormant_branches", "classes", "learners", "completed",
        "trainees_grown", "r_eligible", "r_grown")


@dataclass
class Result:
    rows: list[dict] = field(default_factory=list)
    snapshot: dict = field(default_factory=dict)


def _per_trainer(data, analysis, stats, today: date, r_min_age_days: int) -> dict[str, np.ndarray]:
    f = analysis.forest
    n = len(f)
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    if data.classes:
        at = f.index_of(data.class_trainer)
        opened = np.array([c.opened_on.toordinal() for c in data.classes], dtype=np.int64)
        keep = at >= 0
        np.minimum.at(first, at[keep], opened[keep])
    eligible = first <= (today - timedelta(days=r_min_age_days)).toordinal()
    counted = np.array([r.certified_on is None or r.certified_on <= today for r in data.trainers], dtype=bool)
    parents = f.parent[counted & (f.parent >= 0)]
    grown = np.bincount(parents, minlength=n).astype(np.int64)
    status = np.array([r.status for r in data.trainers], dtype=object)
    return {
        "trainers": np.ones(n, dtype=np.int64),
        "active": (status == "active").astype(np.int64),
        "paused": (status == "paused").astype(np.int64),
        "left": (status == "left").astype(np.int64),
        "dormant": np.array([s[-2] for s in stats], dtype=np.int64),
        "dormant_branches": np.array([s[-1] > 0 for s in stats], dtype=np.int64),
        "classes": analysis.classes,
        "learners": analysis.learners,
        "completed": analysis.completed,
        "trainees_grown": f.children,
        "r_eligible": eligible.astype(np.int64),
        "r_grown": np.where(eligible, grown, 0),
    }


def _group(kind: str, keys: list[int | None], paths: dict[int, str], values: dict[str, np.ndarray],
           generation: np.ndarray) -> list[dict]:
    """Sum per key, then add each key's sums to every ancestor on its path."""
    codes = np.array([-1 if k is None else k for k in keys], dtype=np.int64)
    distinct, inverse = np.unique(codes, return_inverse=True)
    sums = {name: np.bincount(inverse, weights=v, minlength=len(distinct)).astype(np.int64)
            for name, v in values.items()}
    gens = defaultdict(lambda: defaultdict(int))
    pairs, counts = np.unique(np.stack([inverse, generation]), axis=1, return_counts=True)
    for (i, g), count in zip(pairs.T.tolist(), counts.tolist(), strict=True):
        gens[i][g] += count
    out: dict[int, dict] = {}
    for i, key in enumerate(distinct.tolist()):
        if key < 0 or key not in paths:
            continue
        for ancestor in (int(p) for p in paths[key].strip("/").split("/")):
            row = out.setdefault(ancestor, {"kind": kind, "key_id": ancestor, **dict.fromkeys(SUMS, 0),
                                            "by_generation": defaultdict(int)})
            for name in SUMS:
                row[name] += int(sums[name][i])
            for g, count in gens[i].items():
                row["by_generation"][g] += count
    for row in out.values():
        row["by_generation"] = {str(g): c for g, c in sorted(row["by_generation"].items())}
    return [out[k] for k in sorted(out)]


LIMITS = {"top": 10, "dormant": 15, "branches": 10}


def leaders(data, stats, area_paths: dict[int, str]) -> dict[int, dict[str, list[int]]]:
    """Area id → the overview's lists (`LIMITS`) among the trainers of its subtree, as ids in order."""
    n = len(stats)
    rows = {r.id: r for r in data.trainers}
    trainer = [rows[stats[i][0]] for i in range(n)]  # the stats rows' trainers (the pass keeps their order)
    orders = {
        "top": sorted(range(n), key=lambda i: (-stats[i][7], stats[i][0])),  # subtree_learners desc, id
        "dormant": sorted((i for i in range(n) if stats[i][-2]),
                          key=lambda i: (trainer[i].certified_on.toordinal() if trainer[i].certified_on else 0,
                                         stats[i][0])),
        "branches": sorted((i for i in range(n) if stats[i][-1] > 0), key=lambda i: (-stats[i][-1], stats[i][0])),
    }
    ancestors: dict[int, list[int]] = {}
    out: dict[int, dict[str, list[int]]] = {}
    for name, order in orders.items():
        limit = LIMITS[name]
        for i in order:
            area_id = trainer[i].area_id
            if area_id is None or area_id not in area_paths:
                continue
            if area_id not in ancestors:
                ancestors[area_id] = [int(p) for p in area_paths[area_id].strip("/").split("/")]
            for ancestor in ancestors[area_id]:
                lists = out.setdefault(ancestor, {key: [] for key in LIMITS})
                if len(lists[name]) < limit:
                    lists[name].append(stats[i][0])
    return out


def compute(data, analysis, stats, today: date, *, r_min_age_days: int) -> Result:
    values = _per_trainer(data, analysis, stats, today, r_min_age_days)
    generation = analysis.forest.generation
    area_paths = dict(db.session.execute(select(Area.id, Area.path)).all())
    unit_paths = dict(db.session.execute(select(Unit.id, Unit.path)).all())
    rows = _group("area", [r.area_id for r in data.trainers], area_paths, values, generation)
    lists = leaders(data, stats, area_paths)
    for row in rows:
        row["leaders"] = lists.get(row["key_id"], {key: [] for key in LIMITS})
    units = _group("unit", [r.unit_id for r in data.trainers], unit_paths, values, generation)
    rows += [{**row, "leaders": None} for row in units]
    eligible = int(values["r_eligible"].sum())
    snapshot = {
        "taken_on": today,
        "trainers": len(data.trainers),
        "active": int(values["active"].sum()),
        "depth": max(analysis.forest.depth, 0),
        "reproduction": float(values["r_grown"].sum()) / eligible if eligible else None,
        "dormant_trainers": int(values["dormant"].sum()),
        "dormant_branches": int(values["dormant_branches"].sum()),
        "classes": len(data.classes),
        "learners": int(analysis.learners.sum()),
    }
    return Result(rows, snapshot)


def write(result: Result) -> None:
    """Replace every roll-up and the snapshot of the day."""
    now = utcnow()
    db.session.execute(delete(NetworkRollup.__table__))
    if result.rows:
        db.session.execute(insert(NetworkRollup.__table__), [{**r, "computed_at": now} for r in result.rows])
    snap = NetworkSnapshot.__table__
    db.session.execute(delete(snap).where(snap.c.taken_on == result.snapshot["taken_on"]))
    db.session.execute(insert(snap).values(**result.snapshot, computed_at=now))
