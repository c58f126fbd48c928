"""Scoped reads about areas: a user's root area, an area's children and their counts."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import Area, Trainer, TrainingClass, Unit
from app.scope import visible


def root_areas(user) -> list[Area]:
    """The top of what the user may see: their scope area, or the current map's top areas."""
    scope_area_id = getattr(user, "scope_area_id", None)
    if scope_area_id is not None:
        return list(db.session.scalars(select(Area).where(Area.id == scope_area_id)))
    stmt = select(Area).where(Area.parent_id.is_(None), visible(Area, user)).order_by(Area.valid_from.desc())
    return list(db.session.scalars(stmt))


def lineage(area: Area, user) -> list[Area]:
    """Ancestors of `area` the user may see, top first, ending with the area itself."""
    ids = [int(part) for part in area.path.strip("/").split("/") if part]
    rows = {a.id: a for a in db.session.scalars(select(Area).where(Area.id.in_(ids), visible(Area, user)))}
    return [rows[i] for i in ids if i in rows]


def children_with_counts(area: Area) -> list[dict]:
    """Each child area with the trainers (all, active), classes and units in its subtree."""
    child = aliased(Area)
    member = aliased(Area)
    children = list(db.session.scalars(select(Area).where(Area.parent_id == area.id).order_by(Area.search_key)))
    if not children:
        return []

    def per_child(counted, target, onclause):
        # member is joined before the counted table, so its ON clause can name member (PostgreSQL needs it)
        stmt = (
            select(child.id, func.count(counted)).select_from(child)
            .join(member, member.path.startswith(child.path))
            .join(target, onclause)
            .where(child.parent_id == area.id)
            .group_by(child.id)
        )
        return dict(db.session.execute(stmt).all())

    trainers = per_child(Trainer.id, Trainer, Trainer.area_id == member.id)
    active = per_child(Trainer.id, Trainer, (Trainer.area_id == member.id) & (Trainer.status == "active"))
    classes = per_child(TrainingClass.id, TrainingClass, TrainingClass.venue_area_id == member.id)
    units = per_child(Unit.id, Unit, Unit.area_id == member.id)
    return [
        {
            "area": c,
            "trainers": trainers.get(c.id, 0),
            "active_trainers": active.get(c.id, 0),
            "classes": classes.get(c.id, 0),
            "units": units.get(c.id, 0),
        }
        for c in children
    ]


def subtree_totals(area: Area) -> dict:
    """Trainers, active trainers, classes and units in the area's subtree."""
    member = select(Area.id).where(Area.path.startswith(area.path))
    return {
        "trainers": db.session.scalar(select(func.count(Trainer.id)).where(Trainer.area_id.in_(member))),
        "active_trainers": db.session.scalar(
            select(func.count(Trainer.id)).where(Trainer.area_id.in_(member), Trainer.status == "active")
        ),
        "classes": db.session.scalar(
            select(func.count(TrainingClass.id)).where(TrainingClass.venue_area_id.in_(member))
        ),
        "units": db.session.scalar(select(func.count(Unit.id)).where(Unit.area_id.in_(member))),
    }
