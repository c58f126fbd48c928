"""The e-mail digest: each coordinator gets the gaps that are new in their scope and the overdue activities they
are responsible for; steering gets the same for the whole province.

Rules:
- recipients: active coordinators and steering members with an e-mail address whose `digest_frequency` is not
  "none"; "daily" digests go out every day, "weekly" ones on Mondays only (the pinned "today" decides);
- "new" means opened or reopened since the recipient's previous digest (the first digest looks back one day,
  a weekly one seven), and still not resolved;
- gaps are grouped by rule and severity (high first), each group with its count, its first `TOP` items and a
  link to the gaps page filtered to that rule and severity (`LANTOA_BASE_URL` + path; a path when unset);
- overdue activities are those of the plans whose linked lead unit lies in the coordinator's scope (every
  overdue activity for steering), not done after their planned finish (app/plan/domain.py);
- one digest per recipient per day (`digest:<user id>:<day>`); nothing to say, no mail; the mail has a text
  body and an HTML alternative made from the same groups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import current_app, render_template
from sqlalchemy import select

from app.extensions import db
from app.gaps.queries import message as gap_message
from app.gaps.queries import rule_label
from app.models import Gap, GapEvent, OutboxMessage, Plan, User
from app.models.vocab import SEVERITIES
from app.notifications.outbox import queue
from app.plan.access import led_activity_ids
from app.plan.domain import ActivityRow, load_rows, plan_view
from app.scope import scope_of, visible
from app.timeutil import as_utc, utcnow

TOP = 3  # items shown per group; the link shows the rest
SEVERITY_ORDER = {code: n for n, code in enumerate(SEVERITIES)}  # high, medium, low


@dataclass
class GapGroup:
    rule: str
    severity: str
    label: str
    severity_label: str
    count: int = 0
    top: list[str] = field(default_factory=list)
    url: str = ""


def link(path: str, **args) -> str:
    """An address for a mail: `LANTOA_BASE_URL` + path (just the path when the base is unset)."""
    query = f"?{urlencode(args)}" if args else ""
    return f"{current_app.config.get('LANTOA_BASE_URL', '')}{path}{query}"


def group_gaps(gaps: list[Gap]) -> list[GapGroup]:
    """The gaps by (severity, rule): high first, then the biggest groups, each with its first `TOP` messages."""
    groups: dict[tuple[str, str], GapGroup] = {}
    for gap in gaps:
        key = (gap.severity, gap.rule_code)
        group = groups.get(key)
        if group is None:
            group = groups[key] = GapGroup(gap.rule_code, gap.severity, rule_label(gap.rule_code),
                                           SEVERITIES.get(gap.severity, gap.severity),
                                           url=link("/gaps/", rule=gap.rule_code, severity=gap.severity))
        group.count += 1
        if len(group.top) < TOP:
            group.top.append(gap_message(gap))
    return sorted(groups.values(), key=lambda g: (SEVERITY_ORDER.get(g.severity, 9), -g.count, g.label))


def overdue_rows(today: dt.date) -> dict[int, ActivityRow]:
    """Overdue activities of every stored plan, by activity id."""
    rows = {}
    for plan in db.session.scalars(select(Plan).order_by(Plan.id)):
        for row in plan_view(load_rows(plan), today).overdue:
            rows[row.activity.id] = row
    return rows


def coordinators() -> list[User]:
    """Active coordinators with an e-mail address (the reminders' recipients)."""
    return list(db.session.scalars(select(User).where(
        User.role == "coordinator", User.active.is_(True), User.email.is_not(None), User.email != ""
    ).order_by(User.id)))


def recipients(today: dt.date) -> list[User]:
    """Who gets a digest today: those who may receive one (`receive_digest`: coordinators and steering) with an
    address, by their chosen frequency."""
    from app.permissions import ACTIONS

    frequencies = ["daily", "weekly"] if today.weekday() == 0 else ["daily"]
    return list(db.session.scalars(select(User).where(
        User.role.in_(sorted(ACTIONS["receive_digest"])), User.active.is_(True), User.email.is_not(None),
        User.email != "", User.digest_frequency.in_(frequencies),
    ).order_by(User.id)))


def _since(user: User, now: dt.datetime) -> dt.datetime:
    last = db.session.scalar(select(OutboxMessage.created_at).where(
        OutboxMessage.user_id == user.id, OutboxMessage.kind == "digest").order_by(OutboxMessage.created_at.desc())
        .limit(1))
    return as_utc(last) if last else now - dt.timedelta(days=7 if user.digest_frequency == "weekly" else 1)


def new_gaps(user: User, since: dt.datetime) -> list[Gap]:
    fresh = select(GapEvent.gap_id).where(GapEvent.action.in_(("opened", "reopened")), GapEvent.at > since)
    return list(db.session.scalars(select(Gap).where(visible(Gap, user), Gap.id.in_(fresh), Gap.state != "resolved")
                                   .order_by(Gap.severity, Gap.id)))


def compose(user: User, today: dt.date, groups: list[GapGroup], late: list[ActivityRow]) -> tuple[str, str, str]:
    """(subject, text, html) of one digest."""
    province = scope_of(user).everything
    total = sum(g.count for g in groups)
    context = {"user": user, "today": today, "groups": groups, "late": late, "total": total, "province": province,
               "weekly": user.digest_frequency == "weekly", "gaps_url": link("/gaps/"),
               "account_url": link("/account")}
    kind = "Bản tin tuần" if context["weekly"] else "Bản tin ngày"
    where = "toàn tỉnh" if province else "phạm vi phụ trách"
    subject = (f"[Lan Tỏa] {kind} {today:%d/%m/%Y} ({where}): {total} cảnh báo mới, "
               f"{len(late)} hoạt động quá hạn")
    return subject, render_template("mail/digest.txt", **context), render_template("mail/digest.html", **context)


def queue_digests(today: dt.date) -> int:
    """Queue today's digest for every recipient who has something new; returns how many were queued."""
    now = utcnow()
    overdue = overdue_rows(today)
    queued = 0
    for user in recipients(today):
        gaps = new_gaps(user, _since(user, now))
        if scope_of(user).everything:
            mine = set(overdue)
        else:
            mine = set(db.session.scalars(led_activity_ids(scope_of(user)))) if overdue else set()
        late = [overdue[i] for i in sorted(mine & overdue.keys(), key=lambda i: overdue[i].number)]
        if not gaps and not late:
            continue
        subject, body, html = compose(user, today, group_gaps(gaps), late)
        queued += queue(f"digest:{user.id}:{today.isoformat()}", "digest", user.email, subject, body, user.id,
                        html=html)
    return queued
