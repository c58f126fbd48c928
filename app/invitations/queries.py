"""Scoped reads for the "Lời mời" page: trainers with their account status.

Status of a trainer (`status_of`, `status_condition`), first that holds:
- `active`: an account of the person has a password (it was activated, or made by an admin);
- `invited`: an open link (neither used nor revoked) that has not expired;
- `expired`: an open link past its expiry;
- `none`: nothing (never invited, or every link revoked).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, exists, not_, select

from app.extensions import db
from app.models import Invitation, Trainer, User
from app.models.vocab import INVITATION_STATUSES
from app.trainers.queries import trainer_ids, trainer_list


def _has_password(person_id):
    return exists().where(User.person_id == person_id, not_(User.password_hash.startswith("!")))


def _open_link(person_id, now: datetime, *, expired: bool):
    return exists().where(Invitation.person_id == person_id, Invitation.used_at.is_(None),
                          Invitation.revoked_at.is_(None),
                          Invitation.expires_at <= now if expired else Invitation.expires_at > now)


def status_expression(person_id, now: datetime):
    """The status as one SQL expression of a person id column."""
    return case((_has_password(person_id), "active"), (_open_link(person_id, now, expired=False), "invited"),
                (_open_link(person_id, now, expired=True), "expired"), else_="none")


def status_condition(status: str, person_id, now: datetime):
    """The WHERE clause of one status (the list's filter)."""
    active, invited = _has_password(person_id), _open_link(person_id, now, expired=False)
    expired = _open_link(person_id, now, expired=True)
    return {"active": active, "invited": and_(~active, invited), "expired": and_(~active, ~invited, expired),
            "none": and_(~active, ~invited, ~expired)}[status]


def status_of(person_ids: list[int], now: datetime) -> dict[int, str]:
    """person id → status, for the rows of one page."""
    if not person_ids:
        return {}
    from app.models import Person

    rows = db.session.execute(select(Person.id, status_expression(Person.id, now)).where(Person.id.in_(person_ids)))
    return dict(rows.all())


def invitation_filters(args) -> dict:
    from app.trainers.queries import trainer_filters

    status = args.get("invitation", "")
    return {**trainer_filters(args), "invitation": status if status in INVITATION_STATUSES else ""}


def invitation_list(user, now: datetime, invitation: str = "", **filters):
    """(rows statement, ids statement) of the trainers the user sees, filtered by status."""
    stmt, ids = trainer_list(user, **filters), trainer_ids(user, **filters)
    if invitation:
        condition = status_condition(invitation, Trainer.person_id, now)
        stmt, ids = stmt.where(condition), ids.where(condition)
    return stmt, ids


def without_account(user, area_id: int | None, unit_id: int | None, now: datetime):
    """The ids of the active trainers of an area or unit subtree (seen by `user`) with no activated account and no
    open link: "every trainer without an account" there."""
    from app.trainers.queries import _filters

    conditions = _filters(user, "", "active", "", None, area_id or 0, unit_id or 0)
    return select(Trainer.id).where(*conditions, status_condition("none", Trainer.person_id, now)
                                    | status_condition("expired", Trainer.person_id, now))


def account_of(trainer: Trainer, now: datetime) -> dict:
    """The trainer page's account box: status, username, the person's e-mail, whether a link is open."""
    from app.models import Person

    status = status_of([trainer.person_id], now).get(trainer.person_id, "none")
    username = db.session.scalar(select(User.username).where(User.person_id == trainer.person_id)
                                 .order_by(User.id).limit(1))
    email = db.session.scalar(select(Person.email).where(Person.id == trainer.person_id))
    open_link = db.session.scalar(select(exists().where(
        Invitation.person_id == trainer.person_id, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))))
    return {"status": status, "username": username, "email": email, "open": bool(open_link)}
