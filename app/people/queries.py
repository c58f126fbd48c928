"""Scoped reads of persons: the list page and its exports."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app.models import Person
from app.scope import visible
from app.web.lists import apply_search

# by name; the list page walks ix_persons_list in this order
ORDER = (Person.search_key, Person.id)


def person_list(user, q: str = "") -> Select:
    stmt = select(Person).where(visible(Person, user)).options(joinedload(Person.home_area)).order_by(*ORDER)
    return apply_search(stmt, Person.search_key, q) if q else stmt


def person_ids(user, q: str = "") -> Select:
    """The ids of `person_list` in its order, for the list page (a deep page skips index entries, not rows
    joined to their commune)."""
    stmt = select(Person.id).where(visible(Person, user)).order_by(*ORDER)
    return apply_search(stmt, Person.search_key, q) if q else stmt
