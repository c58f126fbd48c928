"""Reminders: activities starting or due within N days (`LANTOA_REMINDER_DAYS`).

Rules:
- an activity not started whose planned start is today or within N days gets a "starting" reminder; an
  activity not done whose planned finish is today or within N days gets a "due" reminder (planned dates
  from the critical-path schedule);
- recipients: the coordinators (active, with an e-mail address) responsible for the activity (a linked lead
  unit in their scope); when nobody is, the steering committee's members;
- one reminder per activity, kind, planned date and person (`reminder:<kind>:<activity>:<date>:<user>`), so a
  missed day is caught up and nothing is sent twice.
"""

from __future__ import annotations

import datetime as dt

from flask import render_template
from sqlalchemy import select

from app.extensions import db
from app.models import Plan, User
from app.notifications.digest import coordinators
from app.notifications.outbox import queue
from app.plan.access import led_activity_ids
from app.plan.domain import load_rows, plan_view
from app.scope import scope_of

KINDS = {"start": "bắt đầu", "due": "đến hạn hoàn thành"}


def _steering() -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.role == "steering", User.active.is_(True), User.email.is_not(None), User.email != "").order_by(User.id)))


def queue_reminders(today: dt.date, days: int) -> int:
    """Queue the reminders due on `today`; returns how many were queued."""
    horizon = today + dt.timedelta(days=days)
    people = [(u, set(db.session.scalars(led_activity_ids(scope_of(u))))) for u in coordinators()]
    steering = None
    queued = 0
    for plan in db.session.scalars(select(Plan).order_by(Plan.id)):
        for row in plan_view(load_rows(plan), today).activities:
            activity = row.activity
            due = []
            if activity.status == "not_started" and today <= row.planned_start <= horizon:
                due.append(("start", row.planned_start))
            if activity.status != "done" and today <= row.planned_finish <= horizon:
                due.append(("due", row.planned_finish))
            if not due:
                continue
            recipients = [u for u, led in people if activity.id in led]
            if not recipients:
                steering = _steering() if steering is None else steering
                recipients = steering
            for kind, day in due:
                for user in recipients:
                    subject = (f"[Lan Tỏa] Nhắc việc: hoạt động {activity.number} {KINDS[kind]} ngày "
                               f"{day:%d/%m/%Y}")
                    body = render_template("mail/reminder.txt", user=user, plan=plan, row=row, kind=KINDS[kind],
                                           day=day, days_left=(day - today).days)
                    key = f"reminder:{kind}:{activity.id}:{day.isoformat()}:{user.id}"
                    queued += queue(key, "reminder", user.email, subject, body, user.id)
    return queued
