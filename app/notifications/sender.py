"""Delivering the outbox over SMTP (`LANTOA_SMTP_URL`, e.g. smtp://user:pass@host:587).

Rules:
- a message is claimed before it is sent: a conditional UPDATE moves it from 'pending' to 'sending' under this
  sender's name and commits; only the sender whose UPDATE matched sends it, so two senders never send the
  same message;
- as soon as the SMTP server accepts it, the message is marked 'sent' (with the time) and committed;
- a temporary failure (connection refused, 4xx) puts it back to 'pending' with `attempts + 1` and a later
  `next_attempt_at` (5 minutes, doubling, at most 6 hours); after `MAX_ATTEMPTS`, or on a permanent refusal
  (5xx), it is 'failed' with the error kept;
- when the server cannot be reached at all, the batch stops after the first failure;
- a message left 'sending' longer than `STALE_AFTER` (the sender died between claiming and marking) is marked
  'failed' for an administrator to check, never re-sent: the server may already have delivered it;
- each message carries a Message-ID derived from its dedup key, so a receiving system can drop a duplicate;
- these commits (the stale sweep, each claim, each outcome) go through `app.jobs.boundary.commit_step`, the one
  documented exception to "one commit per job run".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import smtplib
import ssl
from collections import Counter
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import unquote, urlsplit

from sqlalchemy import select, update

from app.extensions import db
from app.jobs.boundary import commit_step
from app.models import OutboxMessage
from app.timeutil import as_utc, clock, utcnow

MAX_ATTEMPTS = 5
STALE_AFTER = dt.timedelta(minutes=30)
BATCH = 100


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    ssl: bool
    starttls: bool


def parse_smtp_url(url: str) -> SmtpSettings:
    """smtp://[user:pass@]host[:port][?starttls=1] or smtps://…; ValueError when malformed."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("LANTOA_SMTP_URL phải có dạng smtp://user:pass@host:port hoặc smtps://…")
    secure = parts.scheme == "smtps"
    return SmtpSettings(parts.hostname, parts.port or (465 if secure else 25),
                        unquote(parts.username) if parts.username else None,
                        unquote(parts.password) if parts.password else None, secure,
                        "starttls=1" in (parts.query or ""))


def backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=5) * 2 ** max(attempts - 1, 0), dt.timedelta(hours=6))


def _email(row: OutboxMessage, mail_from: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{hashlib.sha256(row.dedup_key.encode()).hexdigest()[:32]}@lantoa>"
    message.set_content(row.body)
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")  # multipart/alternative: text first, then HTML
    return message


class _Connection:
    """One SMTP session opened on first use and reused for the batch."""

    def __init__(self, settings: SmtpSettings, timeout: float = 20):
        self.settings, self.timeout, self.smtp = settings, timeout, None

    def send(self, message: EmailMessage) -> None:
        if self.smtp is None:
            s = self.settings
            if s.ssl:
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
                if s.starttls:
                    smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, s.password or "")
            self.smtp = smtp
        self.smtp.send_message(message)

    def reset(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.smtp.quit()
        self.smtp = None


def _permanent(error: Exception) -> bool:
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _ in error.recipients.values()]
        return bool(codes) and all(c >= 500 for c in codes)
    return isinstance(code, int) and code >= 500


def _fail_stale(now: dt.datetime) -> int:
    stale = [row for row in db.session.scalars(select(OutboxMessage).where(OutboxMessage.state == "sending"))
             if as_utc(row.claimed_at) is None or as_utc(row.claimed_at) < now - STALE_AFTER]
    for row in stale:
        row.state = "failed"
        row.last_error = ("Tiến trình gửi dừng giữa chừng: không rõ máy chủ thư đã nhận hay chưa, nên không gửi "
                          "lại để tránh trùng. Kiểm tra với người nhận.")
    return len(stale)


def deliver(smtp_url: str, mail_from: str, runner: str, now: dt.datetime | None = None,
            batch: int = BATCH) -> Counter:
    """Send the pending messages that are due; commits (`commit_step`) after each claim and each outcome."""
    now = now or clock()  # due times and claims count elapsed time: the machine's clock
    counts: Counter = Counter(stale=_fail_stale(now))
    commit_step()
    ids = list(db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.state == "pending", OutboxMessage.next_attempt_at <= now).order_by(OutboxMessage.id)
        .limit(batch)))
    commit_step()  # end the read: on SQLite a read kept open would deadlock with another sender's claim
    connection = _Connection(parse_smtp_url(smtp_url))
    try:
        for message_id in ids:
            claimed = db.session.execute(
                update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.state == "pending")
                .values(state="sending", claimed_by=runner, claimed_at=now)
            ).rowcount
            commit_step()
            if not claimed:
                counts["taken"] += 1
                continue
            row = db.session.get(OutboxMessage, message_id, populate_existing=True)
            unreachable = False
            try:
                connection.send(_email(row, mail_from))
            except (smtplib.SMTPException, OSError) as error:
                connection.reset()
                unreachable = not isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)
                row.attempts += 1
                row.last_error = f"{type(error).__name__}: {error}"[:2000]
                if _permanent(error) or row.attempts >= MAX_ATTEMPTS:
                    row.state = "failed"
                    counts["failed"] += 1
                else:
                    row.state, row.next_attempt_at = "pending", now + backoff(row.attempts)
                    counts["retry"] += 1
            else:
                row.state, row.sent_at, row.attempts, row.last_error = "sent", utcnow(), row.attempts + 1, ""
                counts["sent"] += 1
            commit_step()
            if unreachable:  # the server cannot be reached: the rest waits for the next run
                break
    finally:
        connection.reset()
    return counts
