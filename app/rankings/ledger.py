"""The point ledger: who earned how many points, for what, from which source.

Rules: points are awarded for a class opened (to its trainer), each learner who completes
(to the trainer), each certificate level earned (to the learner) and each new trainer grown
(to the mentor); the values are plan settings. One entry per (reason, source): awarding the
same thing twice changes nothing, in code (checked first) and in the database (unique).
Entries count on area boards for the class's venue commune (or the new trainer's commune).
Every award refreshes the leaderboards' totals of the trainers and areas it touched.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select

from app.extensions import db
from app.models import PointEntry
from app.rankings import totals
from app.training.settings import plan_setting

SETTING_OF = {
    "class_opened": "points_class_opened",
    "learner_completed": "points_learner_completed",
    "certificate": "points_certificate",
    "trainer_grown": "points_trainer_grown",
}


def award_many(reason: str, rows: list[dict], earned_on: date) -> int:
    """Award `reason` once per row {source_id, person_id, trainer_id?, area_id?}; returns entries added."""
    if not rows:
        return 0
    points = plan_setting(SETTING_OF[reason])
    ids = [r["source_id"] for r in rows]
    done: set[int] = set()
    for start in range(0, len(ids), 5000):
        done.update(db.session.scalars(
            select(PointEntry.source_id).where(PointEntry.reason == reason,
                                               PointEntry.source_id.in_(ids[start:start + 5000]))
        ))
    fresh = [
        {"person_id": r["person_id"], "trainer_id": r.get("trainer_id"), "area_id": r.get("area_id"),
         "points": points, "reason": reason, "source_id": r["source_id"], "earned_on": earned_on}
        for r in rows if r["source_id"] not in done
    ]
    if fresh:
        db.session.execute(insert(PointEntry.__table__), fresh)
        totals.refresh({r["trainer_id"] for r in fresh}, {r["area_id"] for r in fresh})
    return len(fresh)


def award(reason: str, source_id: int, person_id: int, earned_on: date, *, trainer_id: int | None = None,
          area_id: int | None = None) -> int:
    return award_many(reason, [{"source_id": source_id, "person_id": person_id, "trainer_id": trainer_id,
                                "area_id": area_id}], earned_on)
