"""A lookup limiter kept in the database (never in process memory, so it holds across workers).

Rule: a client (IP address) may make `verify_limit` lookups per `verify_window_minutes`;
beyond that the answer is 429. Each allowed lookup adds a row; the client's rows older
than the window are deleted as it goes, so the table stays small.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import RateHit
from app.training.settings import plan_setting


def allow(bucket: str, client: str, now: datetime) -> bool:
    """Count this lookup and say whether it is within the limit; flushes, the view commits."""
    limit = plan_setting("verify_limit")
    since = now - timedelta(minutes=plan_setting("verify_window_minutes"))
    client = (client or "unknown")[:64]
    db.session.execute(delete(RateHit).where(RateHit.bucket == bucket, RateHit.client == client,
                                             RateHit.at < since))
    recent = db.session.scalar(select(func.count(RateHit.id)).where(
        RateHit.bucket == bucket, RateHit.client == client, RateHit.at >= since))
    if recent >= limit:
        return False
    db.session.add(RateHit(bucket=bucket, client=client, at=now))
    db.session.flush()
    return True
