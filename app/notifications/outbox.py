"""Queueing mail: one row per message, never twice.

Rules: every message has a `dedup_key` naming what it is about (e.g. `digest:<user>:<day>`); queueing a key
that already exists changes nothing and returns False. The unique constraint is the judge, so two processes
queueing at once still leave one row. Messages wait as 'pending' for the sender (app/notifications/sender.py).
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import OutboxMessage
from app.timeutil import clock, utcnow


def queue(dedup_key: str, kind: str, to_address: str, subject: str, body: str, user_id: int | None = None,
          html: str | None = None) -> bool:
    """Queue one message (its text, and an HTML alternative when given) unless its key is already queued;
    flushes, never commits."""
    if db.session.scalar(select(exists().where(OutboxMessage.dedup_key == dedup_key))):
        return False
    now = utcnow()
    message = OutboxMessage(dedup_key=dedup_key, kind=kind, user_id=user_id, to_address=to_address,
                            subject=subject[:255], body=body, html_body=html, state="pending", attempts=0,
                            next_attempt_at=clock(), created_at=now, last_error="")
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return False
    return True
