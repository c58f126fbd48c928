"""The daily digest: each coordinator with an e-mail address gets the gaps that are new in their scope and the
overdue activities they are responsible for.

Rules:
- "new" means opened or reopened since the coordinator's previous digest (the first digest looks back one
  day), and still not resolved;
- overdue activities are those of the plans whose linked lead unit lies in the coordinator's scope, not done
  after their planned finish (app/plan/domain.py);
- one digest per coordinator per day (`digest:<user id>:<day>`); nothing to say, no mail.
"""

from __future__ import annotations

import datetime as dt

from flask import render_template
from sqlalchemy import select

from app.extensions import db
from app.gaps.queries import message as gap_message
from app.gaps.queries import rule_label
from app.models import Gap, GapEvent, OutboxMessage, Plan, User
from app.notifications.outbox import queue
from app.plan.access import led_activity_ids
from app.plan.domain import ActivityRow, load_rows, plan_view
from app.scope import scope_of, visible
from app.timeutil import as_utc, utcnow


def overdue_rows(today: dt.date) -> dict[int, ActivityRow]:
    """Overdue activities of every stored plan, by activity id."""
    rows = {}
    for plan in db.session.scalars(select(Plan).order_by(Plan.id)):
        for row in plan_view(load_rows(plan), today).overdue:
            rows[row.activity.id] = row
    return rows


def coordinators() -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.role == "coordinator", User.active.is_(True), User.email.is_not(None), User.email != ""
    ).order_by(User.id)))


def _since(user: User, now: dt.datetime) -> dt.datetime:
    last = db.session.scalar(select(OutboxMessage.created_at).where(
        OutboxMessage.user_id == user.id, OutboxMessage.kind == "digest").order_by(OutboxMessage.created_at.desc())
        .limit(1))
    return as_utc(last) if last else now - dt.timedelta(days=1)


def new_gaps(user: User, since: dt.datetime) -> list[Gap]:
    fresh = select(GapEvent.gap_id).where(GapEvent.action.in_(("opened", "reopened")), GapEvent.at > since)
    return list(db.session.scalars(select(Gap).where(visible(Gap, user), Gap.id.in_(fresh), Gap.state != "resolved")
                                   .order_by(Gap.severity, Gap.id)))


def queue_digests(today: dt.date) -> int:
    """Queue today's digest for every coordinator who has something new; returns how many were queued."""
    now = utcnow()
    overdue = overdue_rows(today)
    queued = 0
    for user in coordinators():
        gaps = new_gaps(user, _since(user, now))
        mine = set(db.session.scalars(led_activity_ids(scope_of(user)))) if overdue else set()
        late = [overdue[i] for i in sorted(mine & overdue.keys(), key=lambda i: overdue[i].number)]
        if not gaps and not late:
            continue
        body = render_template("mail/digest.txt", user=user, today=today, late=late,
                               gaps=[(rule_label(g.rule_code), gap_message(g)) for g in gaps])
        subject = f"[Lan Tỏa] Bản tin ngày {today:%d/%m/%Y}: {len(gaps)} cảnh báo mới, {len(late)} hoạt động quá hạn"
        queued += queue(f"digest:{user.id}:{today.isoformat()}", "digest", user.email, subject, body, user.id)
    return queued
