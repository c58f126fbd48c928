"""Scoped reads for classes: choices for the registration form, the venue search, the 2–3 rule."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Area, Enrollment, Person, Trainer, TrainingClass, Unit
from app.scope import scope_of, venue_scope_path, visible
from app.text import fold
from app.timeutil import local_today
from app.training.settings import plan_settings
from rollout.two_three import TwoThreeSettings, classify

# newest first; the list page walks ix_training_classes_list in this order
CLASS_ORDER = (TrainingClass.start_on.desc(), TrainingClass.id.desc())


def _class_conditions(user, status: str, level: int | None) -> list:
    from app.models.vocab import CLASS_STATUSES

    conditions = [visible(TrainingClass, user)]
    if status in CLASS_STATUSES:
        conditions.append(TrainingClass.status == status)
    if level in (1, 2, 3, 4, 5):
        conditions.append(TrainingClass.level == level)
    return conditions


def class_list(user, status: str = "", level: int | None = None):
    """Classes the user may see, newest first, filtered by status and level (the list page and its exports)."""
    return (
        select(TrainingClass).where(*_class_conditions(user, status, level))
        .options(joinedload(TrainingClass.venue_area), joinedload(TrainingClass.trainer).joinedload(Trainer.person))
        .order_by(*CLASS_ORDER)
    )


def class_ids(user, status: str = "", level: int | None = None):
    """The ids of `class_list` in its order, for the list page (a deep page skips index entries, not rows
    joined to their trainer, person and commune)."""
    return select(TrainingClass.id).where(*_class_conditions(user, status, level)).order_by(*CLASS_ORDER)


def own_trainer(user) -> Trainer | None:
    """The trainer record of a trainer account (only a trainer's scope names one)."""
    trainer_id = scope_of(user).trainer_id
    return db.session.get(Trainer, trainer_id) if trainer_id is not None else None


def venue_path(user, trainer: Trainer | None) -> str | None:
    if trainer is not None:
        return venue_scope_path(user, trainer)
    s = scope_of(user)
    return s.area_path if s.area_path else None


def venues(user, trainer: Trainer | None, q: str = "", limit: int | None = None) -> list[tuple[int, str, str]]:
    """Communes where the user may place a class: (id, name, district name), searched without diacritics."""
    parent = Area.__table__.alias("parent")
    stmt = (select(Area.id, Area.name, parent.c.name).join(parent, parent.c.id == Area.parent_id, isouter=True)
            .where(Area.level == "commune").order_by(parent.c.name, Area.search_key))
    path = venue_path(user, trainer)
    if path:
        stmt = stmt.where(Area.path.startswith(path))
    for word in fold(q).split():
        stmt = stmt.where(Area.search_key.contains(word, autoescape=True))
    if limit:
        stmt = stmt.limit(limit)
    return [(i, n, d or "") for i, n, d in db.session.execute(stmt).all()]


def trainer_ids(user):
    """The trainers `user` may register a class for (whether they are active is a rule of its own)."""
    return select(Trainer.id).where(visible(Trainer, user))


def venue_ids(user, trainer: Trainer):
    """The communes where `user` may place a class of `trainer` (`scope.venue_scope_path`)."""
    stmt = select(Area.id).where(Area.level == "commune")
    path = venue_scope_path(user, trainer)
    return stmt.where(Area.path.startswith(path)) if path is not None else stmt


def host_unit_ids(user):
    """The units `user` may name as a class's host: the units they see; a trainer (who sees no unit) the units
    of the district where they may teach (`scope.venue_scope_path`) and their own unit."""
    own = own_trainer(user)
    if own is None:
        return select(Unit.id).where(visible(Unit, user))
    path = venue_scope_path(user, own)
    district = select(Area.id).where(Area.path.startswith(path)) if path is not None else select(Area.id)
    return select(Unit.id).where(or_(Unit.area_id.in_(district), Unit.id == own.unit_id))


def unit_choices(user) -> list[tuple[int, str]]:
    rows = db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(host_unit_ids(user)))
                              .order_by(Unit.search_key).limit(1000)).all()
    return [(0, "– Không có –"), *rows]


def two_three_settings() -> TwoThreeSettings:
    """The plan settings of the one 2–3 rule (`rollout.two_three`)."""
    min_classes, max_running, grace_days = plan_settings("classes_min", "classes_max_running",
                                                        "classes_min_after_days")
    return TwoThreeSettings(min_classes=min_classes, max_running=max_running, grace_days=grace_days)


def rule_rows(user, today: date, only_flagged: bool = True):
    """Active trainers in scope; flagged as `rollout.two_three.classify` says (the same conditions in SQL):
    fewer than `classes_min` classes opened (not cancelled) once `classes_min_after_days` have passed since
    certification, or more than `classes_max_running` running. Those below the minimum come first."""
    settings = two_three_settings()
    counts = (
        select(TrainingClass.trainer_id.label("tid"),
               func.count(TrainingClass.id).filter(TrainingClass.status != "cancelled").label("opened"),
               func.count(TrainingClass.id).filter(TrainingClass.status == "running").label("running"))
        .group_by(TrainingClass.trainer_id).subquery()
    )
    opened, running = func.coalesce(counts.c.opened, 0), func.coalesce(counts.c.running, 0)
    cutoff = today - timedelta(days=settings.grace_days)
    below = (opened < settings.min_classes) & (Trainer.certified_on.is_(None) | (Trainer.certified_on <= cutoff))
    conditions = [visible(Trainer, user), Trainer.status == "active"]
    if only_flagged:
        conditions.append(below | (running > settings.max_running))
    # by name through the trainers' own copy of the person's key (`app.trainers.keys`), no person joined for
    # the order: 140 → 83 ms for the province's list at province scale (SQLite)
    stmt = (select(Trainer).outerjoin(counts, counts.c.tid == Trainer.id).where(*conditions)
            .options(joinedload(Trainer.person), joinedload(Trainer.area))
            .order_by(case((below, 0), else_=1), Trainer.search_key, Trainer.id))
    return stmt, settings


def counts_for(trainer_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(opened, running) per trainer id."""
    if not trainer_ids:
        return {}
    rows = db.session.execute(
        select(TrainingClass.trainer_id,
               func.count(TrainingClass.id).filter(TrainingClass.status != "cancelled"),
               func.count(TrainingClass.id).filter(TrainingClass.status == "running"))
        .where(TrainingClass.trainer_id.in_(trainer_ids)).group_by(TrainingClass.trainer_id)
    ).all()
    found = {tid: (o, r) for tid, o, r in rows}
    return {tid: found.get(tid, (0, 0)) for tid in trainer_ids}


def candidates(user):
    """Enrolments marked as trainer candidates, not yet trainers, in the user's scope."""
    return (
        select(Enrollment).where(visible(Enrollment, user), Enrollment.candidate.is_(True),
                                 ~Enrollment.person_id.in_(select(Trainer.person_id)))
        .join(Person, Person.id == Enrollment.person_id)
        .options(joinedload(Enrollment.person),
                 joinedload(Enrollment.training_class).joinedload(TrainingClass.venue_area))
        .order_by(Enrollment.candidate_on.desc(), Person.search_key)
        .execution_options(populate_existing=True)
    )


def class_counts(trainer_id: int) -> dict:
    """Opened / running classes and the 2–3 rule's reading (`status`: below / within / over) for one trainer."""
    row = db.session.execute(select(
        func.count(TrainingClass.id).filter(TrainingClass.status != "cancelled"),
        func.count(TrainingClass.id).filter(TrainingClass.status == "running"),
        select(Trainer.certified_on).where(Trainer.id == trainer_id).scalar_subquery(),
    ).where(TrainingClass.trainer_id == trainer_id)).one()
    settings = two_three_settings()
    since = row[2]
    return {"opened": row[0], "running": row[1], "min": settings.min_classes, "max": settings.max_running,
            "status": classify(row[0], row[1], since, local_today(), settings)}




def has_learners_to_complete(class_id: int) -> bool:
    """Whether a class still has a learner neither completed nor dropped (the completion form is offered)."""
    return db.session.scalar(select(exists().where(Enrollment.class_id == class_id,
                                                   Enrollment.status == "enrolled"))) or False
