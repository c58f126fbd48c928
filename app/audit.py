"""Audit trail: every change made through operations records who, what, before and after.

Operations call `record`; it adds to the session and never commits.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_login import current_user

from app.extensions import db
from app.models import AuditEvent

__all__ = ["record", "snapshot"]


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def snapshot(obj, fields: list[str]) -> dict[str, Any]:
    """The named attributes of `obj` as JSON-ready values."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def record(action: str, obj=None, *, entity: str | None = None, entity_id: int | None = None,
           before: dict | None = None, after: dict | None = None, actor=None) -> AuditEvent:
    if actor is None:
        try:
            actor = current_user if current_user and current_user.is_authenticated else None
        except RuntimeError:  # outside a request (CLI, jobs)
            actor = None
    if obj is not None:
        if obj.id is None:
            db.session.flush()
        entity = entity or obj.__tablename__
        entity_id = entity_id if entity_id is not None else obj.id
    event = AuditEvent(
        action=action,
        entity=entity or "",
        entity_id=entity_id,
        before=before,
        after=after,
        actor_id=getattr(actor, "id", None),
    )
    db.session.add(event)
    return event
