"""Scoped reads of certificates: the list page and its exports."""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.orm import joinedload

from app.models import Certificate, Person, TrainingClass
from app.scope import scoped
from app.web.lists import apply_search


def certificate_filters(args) -> dict:
    level = args.get("level", type=int)
    state = args.get("state", "")
    return {"q": (args.get("q") or "").strip()[:100], "level": level if level in (1, 2, 3, 4, 5) else None,
            "state": state if state in ("valid", "revoked") else ""}


def certificate_list(user, q: str = "", level: int | None = None, state: str = "") -> Select:
    """Certificates the user may see, newest first; `state` 'valid' or 'revoked'; search by holder's name."""
    stmt = (scoped(Certificate, user).join(Person, Person.id == Certificate.person_id)
            .options(joinedload(Certificate.person), joinedload(Certificate.training_class)
                     .joinedload(TrainingClass.venue_area))
            .order_by(Certificate.issued_on.desc(), Certificate.id.desc()))
    if q:
        stmt = apply_search(stmt, Person.search_key, q)
    if level:
        stmt = stmt.where(Certificate.level == level)
    if state == "valid":
        stmt = stmt.where(Certificate.revoked_on.is_(None))
    elif state == "revoked":
        stmt = stmt.where(Certificate.revoked_on.is_not(None))
    return stmt
