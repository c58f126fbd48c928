"""The trainers' copy of their person's folded name (`Trainer.search_key`): the sort and search key of the trainer
list, the mentor search, the class form's trainer choices and the 2–3 rule page.

Rules:
- a trainer's `search_key` equals its person's `search_key` (`app.text.fold` of the full name);
- it can only go stale when a trainer gets another person (a new trainer, a merge of persons re-pointing the
  trainer) or a person's name changes: every operation doing so calls `copy_name_keys` for the persons it touched
  (a new `Trainer` row takes `person.search_key` as it is built);
- `lantoa network recompute` counts the trainers whose copy differs (`name_key_drift`) and repairs them.
Why a copy: ordering trainers by the joined person's key led SQLite (no ANALYZE statistics) to walk all 1.1M
persons by their name index to find 30k trainers; the copy is read from the trainers' own index on any engine.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update

from app.extensions import db
from app.models import Person, Trainer

__all__ = ["copy_name_keys", "name_key_drift"]


def _person_key():
    t = Trainer.__table__
    return select(Person.search_key).where(Person.id == t.c.person_id).scalar_subquery()


def copy_name_keys(person_ids: Iterable[int] | None = None) -> int:
    """Copy the person's key onto the trainers of `person_ids` (None: every trainer); returns the rows changed.

    Core statement: trainers already loaded in the session keep their old attribute until expired (a commit)."""
    t, key = Trainer.__table__, _person_key()
    stmt = update(t).where(t.c.search_key != key).values(search_key=key)
    if person_ids is not None:
        stmt = stmt.where(t.c.person_id.in_(list(person_ids)))
    return db.session.execute(stmt).rowcount


def name_key_drift() -> int:
    """How many trainers' copy differs from their person's key."""
    t = Trainer.__table__
    return db.session.scalar(select(func.count()).select_from(t).where(t.c.search_key != _person_key()))
