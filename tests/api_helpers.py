"""API clients and tokens for tests: made through the real operations, inside the test's transaction.

They commit (in a test that releases the test's savepoint; the test's outer transaction still rolls it all back),
so a request that answers 4xx, whose boundary rolls back, does not take the client with it.
"""

from __future__ import annotations

from datetime import timedelta

from app.api import operations
from app.extensions import db
from app.models import Area
from app.timeutil import clock


def make_client(area: Area | None = None, *, unit=None, name: str | None = None, read: bool = True,
                ingest: bool = False, days: int = 30):
    """A client scoped to `area` (or `unit`) and one token; returns (client, token, secret)."""
    client = operations.create_client({
        "name": name or f"Hệ thống {area.name if area else unit.name}",
        "scope_area_id": area.id if area else None, "scope_unit_id": unit.id if unit else None,
        "can_read": read, "can_ingest": ingest}, None)
    token, secret = operations.issue_token(client, days, None, clock())
    db.session.commit()
    return client, token, secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def expire(token) -> None:
    token.expires_at = clock() - timedelta(seconds=1)
    db.session.commit()
