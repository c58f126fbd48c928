"""The subtree, one level at a time: the children of a trainer with their counts, for the lazy tree.

Rules: only children the user may see are listed (scope); they come biggest branch first, a page of
`PAGE` at a time (`offset`), so a trainer with thousands of descendants opens instantly. Counts come
from `trainer_stats` (kept exact by the operations, refreshed by the recompute). A node can be opened
(`has_children`) only when it has a trainee the user may see, so a leaf, or a branch wholly outside the
user's scope, shows no arrow.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select

from app.extensions import db
from app.models import Area, Person, Trainer, TrainerStats
from app.scope import visible

PAGE = 100


def with_visible_trainees(ids, user) -> set[int]:
    """The trainers among `ids` that have at least one trainee `user` may see."""
    if not ids:
        return set()
    return set(db.session.scalars(select(Trainer.mentor_id).where(Trainer.mentor_id.in_(list(ids)),
                                                                   visible(Trainer, user)).distinct()))


def node(row, has_children: bool = True) -> dict:
    return {
        "id": row.id,
        "name": row.full_name,
        "area": row.area or "",
        "generation": row.generation,
        "status": row.status,
        "direct_trainees": row.direct_trainees or 0,
        "subtree_size": row.subtree_size or 1,
        "subtree_learners": row.subtree_learners or 0,
        "has_children": has_children,
        "url": url_for("trainers.show", trainer_id=row.id),
        "children_url": url_for("network.children", trainer_id=row.id),
    }


def children(trainer: Trainer, user, offset: int = 0) -> dict:
    where = (Trainer.mentor_id == trainer.id, visible(Trainer, user))
    total = db.session.scalar(select(func.count(Trainer.id)).where(*where))
    rows = db.session.execute(
        select(Trainer.id, Trainer.generation, Trainer.status, Person.full_name, Area.name.label("area"),
               TrainerStats.direct_trainees, TrainerStats.subtree_size, TrainerStats.subtree_learners)
        .join(Person, Person.id == Trainer.person_id).outerjoin(Area, Area.id == Trainer.area_id)
        .outerjoin(TrainerStats, TrainerStats.trainer_id == Trainer.id)
        .where(*where)
        .order_by(TrainerStats.subtree_size.desc(), Trainer.id).offset(offset).limit(PAGE)
    ).all()
    parents = with_visible_trainees([r.id for r in rows], user)
    return {"id": trainer.id, "total": total, "offset": offset,
            "children": [node(r, r.id in parents) for r in rows],
            "more": offset + len(rows) < total}
