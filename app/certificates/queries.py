"""Scoped reads of certificates: the list page and its exports."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Certificate, Person, TrainingClass
from app.scope import visible
from app.web.lists import apply_search

# newest first; the list page walks ix_certificates_list in this order
ORDER = (Certificate.issued_on.desc(), Certificate.id.desc())


def certificate_filters(args) -> dict:
    level = args.get("level", type=int)
    state = args.get("state", "")
    return {"q": (args.get("q") or "").strip()[:100], "level": level if level in (1, 2, 3, 4, 5) else None,
            "state": state if state in ("valid", "revoked") else ""}


def _conditions(user, level: int | None, state: str) -> list:
    """The list's conditions on certificates (the name search is applied where persons are joined)."""
    conditions = [visible(Certificate, user)]
    if level:
        conditions.append(Certificate.level == level)
    if state == "valid":
        conditions.append(Certificate.revoked_on.is_(None))
    elif state == "revoked":
        conditions.append(Certificate.revoked_on.is_not(None))
    return conditions


def certificate_list(user, q: str = "", level: int | None = None, state: str = "") -> Select:
    """Certificates the user may see, newest first; `state` 'valid' or 'revoked'; search by holder's name."""
    stmt = (select(Certificate).where(*_conditions(user, level, state))
            .join(Person, Person.id == Certificate.person_id)
            .options(joinedload(Certificate.person), joinedload(Certificate.training_class)
                     .joinedload(TrainingClass.venue_area))
            .order_by(*ORDER))
    return apply_search(stmt, Person.search_key, q) if q else stmt


def certificate_ids(user, q: str = "", level: int | None = None, state: str = "") -> Select:
    """The ids of `certificate_list` in its order, for the list page; persons are joined only for a name
    search (reading each certificate's holder to skip a deep page's offset cost 115 ms at 250,000 rows)."""
    stmt = select(Certificate.id).where(*_conditions(user, level, state)).order_by(*ORDER)
    if q:
        stmt = apply_search(stmt.join(Person, Person.id == Certificate.person_id), Person.search_key, q)
    return stmt


def by_code(code: str):
    """(certificate, holder's name) of a verification code as typed (normalised first), or None: the one lookup of
    the public pages (the check and the follow-up)."""
    from app.certificates.operations import CODE_LENGTH, normalize_code

    normalized = normalize_code(code)
    if len(normalized) != CODE_LENGTH:
        return None
    return db.session.execute(select(Certificate, Person.full_name).join(Person, Person.id == Certificate.person_id)
                              .where(Certificate.code == normalized)).first()
