"""The subtree, one level at a time: the children of a trainer with their counts, for the lazy tree.

Rules: only children the user may see are listed (scope); they come biggest branch first, a page of
`PAGE` at a time (`offset`), so a trainer with thousands of descendants opens instantly. Counts come
from `trainer_stats` (kept exact by the operations, refreshed by the recompute).
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select

from app.extensions import db
from app.models import Area, Person, Trainer, TrainerStats
from app.scope import visible

PAGE = 100


def node(row) -> dict:
    return {
        "id": row.id,
        "name": row.full_name,
        "area": row.area or "",
        "generation": row.generation,
        "status": row.status,
        "direct_trainees": row.direct_trainees or 0,
        "subtree_size": row.subtree_size or 1,
        "subtree_learners": row.subtree_learners or 0,
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
    return {"id": trainer.id, "total": total, "offset": offset, "children": [node(r) for r in rows],
            "more": offset + len(rows) < total}
