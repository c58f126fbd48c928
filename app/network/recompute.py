"""`lantoa network recompute`: rebuild lineage and counters from the mentor links, report drift, repair it.

Rules:
- the mentor links are the truth; path, generation and the `trainer_stats` counters are derived (the NumPy pass
  of `network.analysis`); a class counts when it is not cancelled and started on or before `today`; learners are
  its enrolments, completed those with status `completed`;
- a *difference* is a stored path, generation or structural/reach counter that is not what the pass gives (or a
  missing counter row); `dormant`/`dormant_branch` depend on the date and are refreshed without being reported;
- trainers on a mentor loop (and below it) get no path: they are counted and reported, their rows kept;
- the trainers' copy of their person's name key (`Trainer.search_key`, `app.trainers.keys`) is checked and
  repaired too: `name_key_differences` counts the copies that differ;
- writes are Core `executemany` in primary-key order; roll-ups and today's snapshot are replaced.
`recompute_all` flushes and never commits: the caller (CLI command, scheduler job) commits once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import bindparam, case, func, insert, select, update

from app.batch import gc_paused
from app.extensions import db
from app.models import Enrollment, Trainer, TrainerStats, TrainingClass
from app.network import rollups
from app.timeutil import local_today
from app.trainers.keys import copy_name_keys, name_key_drift
from network import analyse, dormant_branches

__all__ = ["recompute_all", "load", "Loaded"]

COUNTERS = ("direct_trainees", "subtree_size", "classes", "learners", "completed",
            "subtree_classes", "subtree_learners", "subtree_completed")
DORMANT_AFTER_DAYS = 60  # an active trainer certified this long ago with no class is dormant
QUIET_DAYS = 90  # a branch with no class and no certification for this long is dormant
R_MIN_AGE_DAYS = 90  # trainers count in R once their first class is this old


@dataclass
class Loaded:
    trainers: list  # rows: id, mentor_id, path, generation, status, certified_on, area_id, unit_id
    classes: list  # rows: trainer_id, opened_on
    class_trainer: np.ndarray
    class_learners: np.ndarray
    class_completed: np.ndarray


def load(today: date) -> Loaded:
    t, c, e = Trainer.__table__, TrainingClass.__table__, Enrollment.__table__
    trainers = db.session.execute(
        select(t.c.id, t.c.mentor_id, t.c.path, t.c.generation, t.c.status, t.c.certified_on, t.c.area_id,
               t.c.unit_id).order_by(t.c.id)
    ).all()
    classes = db.session.execute(
        select(c.c.id, c.c.trainer_id, c.c.start_on.label("opened_on"))
        .where(c.c.status != "cancelled", c.c.start_on.is_not(None), c.c.start_on <= today).order_by(c.c.id)
    ).all()
    counts = dict((r[0], (r[1], r[2])) for r in db.session.execute(
        select(e.c.class_id, func.count(), func.sum(case((e.c.status == "completed", 1), else_=0)))
        .group_by(e.c.class_id)
    ))
    learners = np.array([counts.get(r.id, (0, 0))[0] for r in classes], dtype=np.int64)
    completed = np.array([counts.get(r.id, (0, 0))[1] or 0 for r in classes], dtype=np.int64)
    return Loaded(trainers, classes, np.array([r.trainer_id for r in classes], dtype=np.int64), learners, completed)


def _stats_rows(data: Loaded, analysis, today: date) -> list[tuple]:
    """One tuple per trainer: id, the counters in COUNTERS order, dormant, dormant_branch."""
    f = analysis.forest
    cutoff = (today - timedelta(days=DORMANT_AFTER_DAYS)).toordinal()
    certified = np.array([r.certified_on.toordinal() if r.certified_on else 0 for r in data.trainers],
                         dtype=np.int64)
    active = np.array([r.status == "active" for r in data.trainers], dtype=bool)
    dormant = active & (certified > 0) & (certified <= cutoff) & (analysis.classes == 0)
    branch = np.zeros(len(f), dtype=np.int64)
    for b in dormant_branches(data.trainers, data.classes, since=today - timedelta(days=QUIET_DAYS), as_of=today,
                              analysis=analysis):
        branch[int(f.index_of([b.trainer_id])[0])] = b.size
    columns = (f.ids, f.children, np.maximum(f.size, 1), analysis.classes, analysis.learners, analysis.completed,
               analysis.subtree_classes, analysis.subtree_learners, analysis.subtree_completed)
    rows = zip(*(a.tolist() for a in columns), dormant.tolist(), branch.tolist(), strict=True)
    return [tuple(r) for r in rows]


def _describe(tid: int, what: str, old, new) -> str:
    return f"#{tid}: {what} {old} → {new}"


@gc_paused()
def recompute_all(today: date | None = None, *, repair: bool = True, examples: int = 5) -> dict:
    """Rebuild everything from the mentor links; report differences; write the repair unless `repair=False`."""
    today = today or local_today()
    started = time.perf_counter()
    data = load(today)
    loaded = time.perf_counter()
    ids = np.array([r.id for r in data.trainers], dtype=np.int64)
    mentors = np.array([-1 if r.mentor_id is None else r.mentor_id for r in data.trainers], dtype=np.int64)
    analysis = analyse(ids, mentors, data.class_trainer, data.class_learners, data.class_completed)
    f = analysis.forest
    paths = f.paths()
    stats = _stats_rows(data, analysis, today)
    summary_rollups = rollups.compute(data, analysis, stats, today, r_min_age_days=R_MIN_AGE_DAYS)
    analysed = time.perf_counter()

    lineage_fix, notes = [], []
    in_loops = 0
    for row, path in zip(data.trainers, paths, strict=True):
        if path is None:
            in_loops += 1
            if len(notes) < examples:
                notes.append(f"#{row.id}: nằm trên một vòng lặp người hướng dẫn, không tính được dòng đào tạo")
            continue
        generation = path.count("/") - 2
        if row.path != path or row.generation != generation:
            lineage_fix.append({"tid": row.id, "p": path, "g": generation})
            if len(notes) < examples:
                notes.append(_describe(row.id, "dòng đào tạo", f"{row.path or '(trống)'} (thế hệ {row.generation})",
                                       f"{path} (thế hệ {generation})"))
    s = TrainerStats.__table__
    stored = {r[0]: tuple(r[1:]) for r in db.session.execute(
        select(s.c.trainer_id, *(s.c[n] for n in COUNTERS), s.c.dormant, s.c.dormant_branch))}
    inserts, updates, counter_diffs = [], [], 0
    width = len(COUNTERS)
    for row in stats:
        tid, values = row[0], row[1:]
        old = stored.get(tid)
        if old is not None and tuple(old[:width]) == values[:width] and (bool(old[width]), old[width + 1]) == (
                bool(values[width]), values[width + 1]):
            continue
        columns = {**dict(zip(COUNTERS, values[:width], strict=True)),
                   "dormant": bool(values[width]), "dormant_branch": values[width + 1]}
        if old is None:
            inserts.append({"trainer_id": tid, **columns})
            counter_diffs += 1
            continue
        updates.append({"b_tid": tid, **{f"b_{k}": v for k, v in columns.items()}})
        changed = [n for n, a, b in zip(COUNTERS, old, values, strict=False) if a != b]
        if changed:
            counter_diffs += 1
            if len(notes) < examples:
                notes.append(_describe(tid, ", ".join(changed), [old[COUNTERS.index(n)] for n in changed],
                                       [values[COUNTERS.index(n)] for n in changed]))
    name_keys = name_key_drift()
    if repair:
        t = Trainer.__table__
        if name_keys:
            copy_name_keys()
        if lineage_fix:
            db.session.execute(update(t).where(t.c.id == bindparam("tid"))
                               .values(path=bindparam("p"), generation=bindparam("g")), lineage_fix)
        if updates:
            names = (*COUNTERS, "dormant", "dormant_branch")
            db.session.execute(update(s).where(s.c.trainer_id == bindparam("b_tid"))
                               .values({n: bindparam(f"b_{n}") for n in names}), updates)
        if inserts:
            db.session.execute(insert(s), inserts)
        rollups.write(summary_rollups)
        db.session.flush()
    written = time.perf_counter()
    snap = summary_rollups.snapshot
    return {
        "as_of": today.isoformat(),
        "trainers": len(data.trainers),
        "classes": len(data.classes),
        "in_loops": in_loops,
        "lineage_differences": len(lineage_fix),
        "counter_differences": counter_diffs,
        "name_key_differences": name_keys,
        "examples": notes,
        "repaired": repair,
        "rollups": len(summary_rollups.rows),
        "snapshot": {k: v for k, v in snap.items() if k != "taken_on"},
        "seconds": {"load": loaded - started, "analyse": analysed - loaded, "write": written - analysed},
    }
