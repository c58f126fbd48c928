"""Per-trainer counters kept exact between whole-network passes.

Rules: an insert adds one to the subtree size of every ancestor and one direct trainee to the mentor; a move
takes the moved branch's size and reach (classes, learners, completed of the whole subtree) off every old
ancestor and adds them to every new one, and shifts one direct trainee from the old mentor to the new. Rows
that do not exist yet (no recompute has run) are left alone: the recompute creates them.
"""

from __future__ import annotations

from sqlalchemy import insert, select, update

from app.extensions import db
from app.models import TrainerStats

REACH = ("subtree_size", "subtree_classes", "subtree_learners", "subtree_completed")


def _shift(ids: list[int], amounts: dict[str, int], sign: int) -> None:
    if not ids or not any(amounts.values()):
        return
    t = TrainerStats.__table__
    db.session.execute(
        update(t).where(t.c.trainer_id.in_(ids))
        .values({name: t.c[name] + sign * value for name, value in amounts.items() if value})
    )


def _direct(trainer_id: int | None, sign: int) -> None:
    if trainer_id is not None:
        t = TrainerStats.__table__
        db.session.execute(
            update(t).where(t.c.trainer_id == trainer_id).values(direct_trainees=t.c.direct_trainees + sign)
        )


def on_insert(trainer_id: int, ancestor_ids: list[int], mentor_id: int | None) -> None:
    """A new trainer: its own zero row, one more in every ancestor's subtree, one more trainee for the mentor."""
    db.session.execute(insert(TrainerStats.__table__).values(
        trainer_id=trainer_id, direct_trainees=0, subtree_size=1, classes=0, learners=0, completed=0,
        subtree_classes=0, subtree_learners=0, subtree_completed=0, dormant=False, dormant_branch=0,
    ))
    _shift(ancestor_ids, {"subtree_size": 1}, +1)
    _direct(mentor_id, +1)


def on_move(trainer_id: int, old_ancestors: list[int], new_ancestors: list[int],
            old_mentor: int | None, new_mentor: int | None) -> None:
    """A branch moved: its size and reach leave the old lineage and join the new one."""
    t = TrainerStats.__table__
    row = db.session.execute(select(*(t.c[name] for name in REACH)).where(t.c.trainer_id == trainer_id)).first()
    if row is None:
        return
    amounts = dict(zip(REACH, row, strict=True))
    _shift(old_ancestors, amounts, -1)
    _shift(new_ancestors, amounts, +1)
    _direct(old_mentor, -1)
    _direct(new_mentor, +1)
