"""Acting on a gap: acknowledging it (who acts, what they will do, by when) or closing it by hand.

Rules: only an open gap can be acknowledged; the acknowledging user becomes its owner, with a note and a due
date not before today. A gap that is not resolved can be closed by hand with a reason; the scan still resolves
gaps whose condition clears, and reopens a gap (acknowledged or closed) whose condition comes back. Every
change records an audit event and a gap event, and moves the gap between its buckets of `gap_counts`
(`app.gaps.counts.moved`).
"""

from __future__ import annotations

import datetime as dt

from app.audit import record
from app.errors import OperationError
from app.extensions import db
from app.gaps import counts
from app.models import Gap, GapEvent, User
from app.timeutil import utcnow


def acknowledge(gap: Gap, user: User, note: str = "", due_on: dt.date | None = None,
                today: dt.date | None = None) -> Gap:
    if gap.state != "open":
        raise OperationError("Chỉ tiếp nhận được cảnh báo đang mở.")
    if due_on is not None and today is not None and due_on < today:
        raise OperationError("Hạn xử lý không được trước hôm nay.", field="due_on")
    now = utcnow()
    gap.state, gap.acknowledged_at, gap.acknowledged_by_id = "acknowledged", now, user.id
    gap.owner_id, gap.note, gap.due_on = user.id, note.strip() or None, due_on
    params = {"note": gap.note, "due_on": due_on.isoformat() if due_on else None}
    db.session.add(GapEvent(gap_id=gap.id, at=now, action="acknowledged", actor_id=user.id, params=params))
    db.session.flush()
    counts.moved(gap, "open", "acknowledged")
    record("gap.acknowledge", gap, before={"state": "open"}, after={"state": "acknowledged", **params})
    return gap


def resolve(gap: Gap, user: User, reason: str) -> Gap:
    """Close a gap by hand with a reason."""
    if gap.state == "resolved":
        raise OperationError("Cảnh báo này đã đóng.")
    if not reason.strip():
        raise OperationError("Ghi lý do đóng cảnh báo.", field="reason")
    before = gap.state
    now = utcnow()
    gap.state, gap.resolved_at, gap.resolve_reason = "resolved", now, reason.strip()
    db.session.add(GapEvent(gap_id=gap.id, at=now, action="resolved", actor_id=user.id,
                            params={"reason": gap.resolve_reason}))
    db.session.flush()
    counts.moved(gap, before, "resolved")
    record("gap.resolve", gap, before={"state": before}, after={"state": "resolved", "reason": gap.resolve_reason})
    return gap
