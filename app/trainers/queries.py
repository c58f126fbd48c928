"""Scoped reads of trainers, with their person and area loaded in the same query."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Area, Person, Trainer, TrainingClass
from app.scope import scoped
from app.web.lists import apply_search


def trainer_list(user, q: str = "", status: str = "", tier: str = "", generation: int | None = None) -> Select:
    stmt = (
        scoped(Trainer, user)
        .join(Person, Person.id == Trainer.person_id)
        .options(joinedload(Trainer.person), joinedload(Trainer.area))
        .order_by(Person.search_key, Trainer.id)
    )
    if q:
        stmt = apply_search(stmt, Person.search_key, q)
    if status:
        stmt = stmt.where(Trainer.status == status)
    if tier:
        stmt = stmt.where(Trainer.tier == tier)
    if generation is not None:
        stmt = stmt.where(Trainer.generation == generation)
    return stmt


def profile(trainer: Trainer, user) -> dict:
    """Lineage (root first), direct trainees and classes of a trainer the user may see."""
    ids = trainer.lineage_ids[:-1]
    names = dict(db.session.execute(
        select(Trainer.id, Person.full_name).join(Person, Person.id == Trainer.person_id).where(Trainer.id.in_(ids))
    ).all()) if ids else {}
    trainees = list(db.session.scalars(
        select(Trainer).where(Trainer.mentor_id == trainer.id)
        .options(joinedload(Trainer.person), joinedload(Trainer.area)).order_by(Trainer.id)
    ))
    classes = list(db.session.scalars(
        scoped(TrainingClass, user).where(TrainingClass.trainer_id == trainer.id)
        .options(joinedload(TrainingClass.venue_area)).order_by(TrainingClass.start_on.desc())
    ))
    person = db.session.get(Person, trainer.person_id)
    area = db.session.get(Area, trainer.area_id) if trainer.area_id else None
    return {
        "lineage": [(i, names.get(i, f"#{i}")) for i in ids],
        "trainees": trainees,
        "classes": classes,
        "person": person,
        "area": area,
    }
