"""Acting on a gap: a user who sees an open gap acknowledges it (someone is on it).

Rules: only an open gap can be acknowledged; the scan still resolves it when its condition clears, and
reopens it if the condition comes back. Every change records an audit event and a gap event.
"""

from __future__ import annotations

from app.audit import record
from app.errors import OperationError
from app.extensions import db
from app.models import Gap, GapEvent, User
from app.timeutil import utcnow


def acknowledge(gap: Gap, user: User) -> Gap:
    if gap.state != "open":
        raise OperationError("Chỉ tiếp nhận được cảnh báo đang mở.")
    now = utcnow()
    gap.state, gap.acknowledged_at, gap.acknowledged_by_id = "acknowledged", now, user.id
    db.session.add(GapEvent(gap_id=gap.id, at=now, action="acknowledged", actor_id=user.id))
    db.session.flush()
    record("gap.acknowledge", gap, before={"state": "open"}, after={"state": "acknowledged"})
    return gap
