"""Scoped reads of persons: the list page and its exports."""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.orm import joinedload

from app.models import Person
from app.scope import scoped
from app.web.lists import apply_search


def person_list(user, q: str = "") -> Select:
    stmt = scoped(Person, user).options(joinedload(Person.home_area)).order_by(Person.search_key, Person.id)
    return apply_search(stmt, Person.search_key, q) if q else stmt
