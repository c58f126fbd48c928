"""Scoped reads of trainers, with their person and area loaded in the same query."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Area, Person, Trainer, TrainerStats, TrainingClass, Unit
from app.scope import area_subtree_ids, choice_or_404, scope_of, scoped, unit_subtree_ids, visible
from app.web.lists import apply_search


def trainer_filters(args) -> dict:
    """The list page's filters from a query string (the list and its exports read the same ones)."""
    from app.models.vocab import TRAINER_STATUSES, TRAINER_TIERS

    status, tier = args.get("status", ""), args.get("tier", "")
    return {"q": (args.get("q") or "").strip()[:100], "status": status if status in TRAINER_STATUSES else "",
            "tier": tier if tier in TRAINER_TIERS else "", "generation": args.get("generation", type=int),
            "area_id": args.get("area_id", 0, type=int), "unit_id": args.get("unit_id", 0, type=int)}


def _filters(user, q: str, status: str, tier: str, generation: int | None, area_id: int, unit_id: int) -> list:
    """The list's conditions on trainers (the name search is applied where persons are joined)."""
    conditions = [visible(Trainer, user)]
    if status:
        conditions.append(Trainer.status == status)
    if tier:
        conditions.append(Trainer.tier == tier)
    if generation is not None:
        conditions.append(Trainer.generation == generation)
    if area_id:  # a filter outside what the user sees answers 404, like an id in the URL
        choice_or_404(area_id, select(Area.id).where(visible(Area, user)))
        path = db.session.scalar(select(Area.path).where(Area.id == area_id))
        conditions.append(Trainer.area_id.in_(area_subtree_ids(path)))
    if unit_id:
        choice_or_404(unit_id, select(Unit.id).where(visible(Unit, user)))
        path = db.session.scalar(select(Unit.path).where(Unit.id == unit_id))
        conditions.append(Trainer.unit_id.in_(unit_subtree_ids(path)))
    return conditions


def trainer_list(user, q: str = "", status: str = "", tier: str = "", generation: int | None = None,
                 area_id: int = 0, unit_id: int = 0) -> Select:
    """Trainers the user may see, by name (the person's folded name, then id); an area or unit filter takes its
    whole subtree. Sorted and searched on the trainers' copy of the name key (`Trainer.search_key`, see
    `app.trainers.keys`), so the database walks the trainers' (search_key, id) index and nothing else: persons
    and areas are loaded afterwards for the page's rows only (joined, they were read for every skipped row
    of a deep page too: 40 ms at page 300 on SQLite). The list page reads its rows by their ids (`trainer_ids`),
    so the person and area are joined to those rows alone: one statement instead of three (each a round trip
    on PostgreSQL)."""
    stmt = (
        select(Trainer).where(*_filters(user, q, status, tier, generation, area_id, unit_id))
        .options(joinedload(Trainer.person, innerjoin=True), joinedload(Trainer.area))
        .order_by(Trainer.search_key, Trainer.id)
    )
    return apply_search(stmt, Trainer.search_key, q) if q else stmt


def trainer_ids(user, q: str = "", status: str = "", tier: str = "", generation: int | None = None,
                area_id: int = 0, unit_id: int = 0) -> Select:
    """The ids of `trainer_list` in its order, from trainers alone (the name search reads `Trainer.search_key`),
    for the list page (app/web/paging.py)."""
    stmt = (select(Trainer.id).where(*_filters(user, q, status, tier, generation, area_id, unit_id))
            .order_by(Trainer.search_key, Trainer.id))
    return apply_search(stmt, Trainer.search_key, q) if q else stmt


TRAINEES_SHOWN = 200  # the direct trainees listed on a trainer's page


def profile(trainer: Trainer, user) -> dict:
    """Lineage (root first), direct trainees, classes and reach of a trainer the user may see."""
    ids = trainer.lineage_ids[:-1]
    names = dict(db.session.execute(
        select(Trainer.id, Person.full_name).join(Person, Person.id == Trainer.person_id).where(Trainer.id.in_(ids))
    ).all()) if ids else {}
    visible_ids = set(db.session.scalars(
        select(Trainer.id).where(Trainer.id.in_(ids), visible(Trainer, user)))) if ids else set()
    trainees = list(db.session.scalars(
        select(Trainer).where(Trainer.mentor_id == trainer.id, visible(Trainer, user))
        .options(joinedload(Trainer.person), joinedload(Trainer.area)).order_by(Trainer.id).limit(TRAINEES_SHOWN)
    ))
    # every trainee, seen or not: counted only when some may be missing from those shown
    trainee_total = len(trainees) if len(trainees) < TRAINEES_SHOWN and scope_of(user).everything else \
        db.session.scalar(select(func.count(Trainer.id)).where(Trainer.mentor_id == trainer.id))
    classes = list(db.session.scalars(
        scoped(TrainingClass, user).where(TrainingClass.trainer_id == trainer.id)
        .options(joinedload(TrainingClass.venue_area)).order_by(TrainingClass.start_on.desc())
    ))
    # the person, unit and stats in one statement (three round trips on PostgreSQL as three lookups)
    person, unit, stats = db.session.execute(
        select(Person, Unit, TrainerStats).select_from(Trainer).join(Person, Person.id == Trainer.person_id)
        .outerjoin(Unit, Unit.id == Trainer.unit_id).outerjoin(TrainerStats, TrainerStats.trainer_id == Trainer.id)
        .where(Trainer.id == trainer.id)).one()
    area = db.session.get(Area, trainer.area_id) if trainer.area_id else None
    origin = db.session.get(TrainingClass, trainer.origin_class_id) if trainer.origin_class_id else None
    return {
        "lineage": [(i, names.get(i, f"#{i}"), i in visible_ids) for i in ids],
        "trainees": trainees,
        "trainee_total": trainee_total,
        "classes": classes,
        "person": person,
        "area": area,
        "unit": unit,
        "origin": origin,
        "stats": stats,
    }
