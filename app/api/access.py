"""Who sees the API's rows.

- API clients and tokens: admins only (the admin pages; `visible` gives steering everything, but the pages
  answer 404 to anyone but an admin);
- learning records: admin and steering all; an area or unit coordinator the records sent by a client whose
  scope lies inside theirs, and the records matched to a person they see; nobody else.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true

from app.models import ApiClient, ApiToken, LearningRecord, Person
from app.scope import Scope, area_subtree_ids, register_rule, unit_subtree_ids, visible


def _admin_only(s: Scope) -> ColumnElement[bool]:
    return true() if s.admin else false()


def _records(s: Scope) -> ColumnElement[bool]:
    if s.area_path:
        clients = select(ApiClient.id).where(ApiClient.scope_area_id.in_(area_subtree_ids(s.area_path)))
    elif s.unit_path:
        clients = select(ApiClient.id).where(ApiClient.scope_unit_id.in_(unit_subtree_ids(s.unit_path)))
    else:
        return false()
    return or_(LearningRecord.client_id.in_(clients),
               LearningRecord.person_id.in_(select(Person.id).where(visible(Person, s))))


register_rule(ApiClient, _admin_only)
register_rule(ApiToken, _admin_only)
register_rule(LearningRecord, _records)
