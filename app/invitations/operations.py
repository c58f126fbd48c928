"""Invitations and password resets: issue, revoke, resend and accept one-time links. Operations flush, never commit.

Rules:
- a link is a random token (`secrets.token_urlsafe(32)`); only its SHA-256 (hex) is stored. The token is returned
  once, to the caller that issued it (the page that shows the link or the sheet, or the e-mail queued in the
  outbox), and never logged (`app.invitations.redact` keeps it out of the request logs);
- inviting a trainer makes sure the person has an account: an existing one is kept (its role too); otherwise a
  trainer account is created, username = the person's phone (+84…), with no password yet (`NO_PASSWORD`). Its
  scope is the trainer record (a trainer account sees its own record, classes and learners, `app.scope`), so it
  follows the trainer's area and unit wherever they move;
- a person whose account already has a password gets a `reset` link, anyone else an `invite` link; issuing a link
  revokes the person's previous open links (so resending = revoke + a new one);
- refused (skipped in a bulk invitation, with the reason): a trainer who is not active (paused or left), without
  a phone, whose account is locked by an admin or has another role than trainer (a coordinator must never reset
  a coordinator's or an admin's password), or whose phone is another account's username;
- many trainers are invited with a few statements: one read, one INSERT of the new accounts, one UPDATE revoking
  old links, one INSERT of the links and one of the audit rows (5,000 trainers: `bench/invitations.py`);
- accepting: the link must exist (else "forged"), be neither revoked, used nor expired; the password follows the
  one rule (`app.auth.passwords`), is not the phone number, and is typed twice the same. Then the password is set,
  the link used, the person's other open links revoked and every session of the account ended; the caller signs
  the browser in. A refused link or password changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, has_request_context, render_template, url_for
from sqlalchemy import Select, func, insert, select, update

from app.auth.passwords import password_problem
from app.auth.sessions import end_all_sessions
from app.errors import OperationError
from app.extensions import db
from app.models import AuditEvent, Invitation, Person, Trainer, User
from app.models.user import NO_PASSWORD
from app.scope import visible
from app.timeutil import as_utc, utcnow
from app.training.settings import plan_setting

__all__ = ["Issued", "Outcome", "LinkError", "invite_many", "invite", "revoke", "resend", "find_link", "accept",
           "request_reset", "hash_token", "link_url", "mask_phone", "auto_invite"]

LINK_ERRORS = {
    "forged": "Liên kết không đúng. Hãy kiểm tra lại đường dẫn, hoặc đề nghị điều phối viên cấp liên kết mới.",
    "expired": "Liên kết đã hết hạn. Hãy đề nghị điều phối viên gửi lại lời mời.",
    "used": "Liên kết này đã được dùng. Hãy đăng nhập bằng số điện thoại và mật khẩu đã đặt, hoặc chọn "
            "“Quên mật khẩu”.",
    "revoked": "Liên kết đã bị thu hồi. Hãy dùng liên kết mới nhất điều phối viên gửi cho bạn.",
    "paused": "Tài khoản giảng viên đang tạm dừng nên không đăng nhập được. Hãy liên hệ điều phối viên.",
}
SKIPS = {
    "not_active": "Giảng viên đang tạm dừng hoặc đã nghỉ.",
    "no_phone": "Giảng viên chưa có số điện thoại.",
    "locked": "Tài khoản đã bị khoá.",
    "username_taken": "Số điện thoại này đã là tên đăng nhập của một tài khoản khác.",
    "other_role": "Người này có tài khoản với vai trò khác (không phải giảng viên): quản trị viên cấp lại mật khẩu.",
    "no_email": "Giảng viên chưa có địa chỉ e-mail.",
}
CHUNK = 2000  # ids per IN list


class LinkError(Exception):
    """A link that cannot be used: `code` in LINK_ERRORS."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
        self.message = LINK_ERRORS[code]


@dataclass
class Issued:
    """One link just issued: the token is here once and nowhere else."""

    trainer_id: int
    person_id: int
    full_name: str
    phone: str
    email: str | None
    kind: str
    token: str
    expires_at: datetime
    invitation_id: int = 0

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def url(self) -> str:
        return link_url(self.token)


@dataclass
class Outcome:
    issued: list[Issued] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
    mailed: int = 0


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def mask_phone(phone: str | None) -> str:
    """+84912345678 → 0912 ••• 678: enough for a trainer to recognise their own number.

    >>> mask_phone("+84912345678")
    '0912 ••• 678'
    """
    if not phone:
        return ""
    local = "0" + phone[3:] if phone.startswith("+84") else phone
    return f"{local[:4]} ••• {local[-3:]}"


def link_url(token: str) -> str:
    """The address of a link: `LANTOA_BASE_URL` + path when set, else the request's own host."""
    base = current_app.config.get("LANTOA_BASE_URL", "")
    if base or not has_request_context():
        return f"{base}/invite/{token}"
    return url_for("invitations.accept", token=token, _external=True)


def _chunks(items: list) -> list[list]:
    return [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)] or [[]]


def _actor_id(actor) -> int | None:
    if actor is not None:
        return actor.id
    if has_request_context():
        from flask_login import current_user

        return current_user.id if current_user and current_user.is_authenticated else None
    return None


def invite_many(actor, trainers: Select | list[int], channel: str = "link", *, check_scope: bool = True,
                now: datetime | None = None) -> Outcome:
    """Issue a link to each trainer named by `trainers` (ids, or a SELECT of ids) that `actor` sees.

    `actor` None is the system (auto-invitations): no scope. `channel` 'email' invites only those with an
    address and queues their mail; the others return their tokens to the caller (link, sheet, auto)."""
    now = now or utcnow()
    expires = now + timedelta(days=plan_setting("invitation_expiry_days"))
    stmt = (select(Trainer.id, Trainer.person_id, Trainer.status, Person.full_name, Person.phone, Person.email)
            .join(Person, Person.id == Trainer.person_id).order_by(Trainer.search_key, Trainer.id))
    if check_scope and actor is not None:
        stmt = stmt.where(visible(Trainer, actor))
    if isinstance(trainers, Select):
        rows = db.session.execute(stmt.where(Trainer.id.in_(trainers))).all()
    else:
        rows = [r for ids in _chunks(sorted(set(trainers))) for r in db.session.execute(stmt.where(Trainer.id.in_(ids)))]
        rows.sort(key=lambda r: (r.full_name, r.id))
    outcome = Outcome()
    person_ids = [r.person_id for r in rows]
    accounts: dict[int, tuple] = {}
    for ids in _chunks(person_ids):
        for account in db.session.execute(select(User.id, User.person_id, User.password_hash, User.active, User.role)
                                          .where(User.person_id.in_(ids)).order_by(User.id)):
            accounts.setdefault(account.person_id, account)  # the oldest account of a person is theirs
    phones = [r.phone for r in rows if r.phone and r.person_id not in accounts]
    taken = {name for ids in _chunks(phones) for name in db.session.scalars(
        select(func.lower(User.username)).where(func.lower(User.username).in_([p.lower() for p in ids])))}
    chosen = []
    for r in rows:
        account = accounts.get(r.person_id)
        reason = ("not_active" if r.status != "active" else "no_phone" if not r.phone
                  else "locked" if account is not None and not account.active
                  else "other_role" if account is not None and account.role != "trainer"
                  else "username_taken" if account is None and r.phone.lower() in taken
                  else "no_email" if channel == "email" and not r.email else None)
        if reason:
            outcome.skipped.append((r.full_name, SKIPS[reason]))
        else:
            chosen.append(r)
    if not chosen:
        return outcome
    actor_id = _actor_id(actor)
    new = [r for r in chosen if r.person_id not in accounts]
    if new:
        db.session.execute(insert(User), [
            {"username": r.phone, "full_name": r.full_name, "email": r.email, "role": "trainer",
             "person_id": r.person_id, "password_hash": NO_PASSWORD, "active": True, "created_at": now,
             "session_version": 0, "digest_frequency": "none"} for r in new])
        created = {}
        for ids in _chunks([r.person_id for r in new]):
            created.update({pid: uid for uid, pid in db.session.execute(
                select(User.id, User.person_id).where(User.person_id.in_(ids), User.password_hash == NO_PASSWORD))})
        db.session.execute(insert(AuditEvent), [
            {"at": now, "actor_id": actor_id, "action": "user.create", "entity": "users", "entity_id": created[r.person_id],
             "before": None, "after": {"username": r.phone, "role": "trainer", "person_id": r.person_id,
                                       "origin": "invitation"}} for r in new])
        user_of = {pid: uid for pid, uid in created.items()}
    else:
        user_of = {}
    user_of.update({pid: a.id for pid, a in accounts.items()})
    chosen_ids = [r.person_id for r in chosen]
    for ids in _chunks(chosen_ids):
        db.session.execute(update(Invitation).where(Invitation.person_id.in_(ids), Invitation.used_at.is_(None),
                                                    Invitation.revoked_at.is_(None)).values(revoked_at=now)
                           .execution_options(synchronize_session=False))
    issued = []
    for r in chosen:
        account = accounts.get(r.person_id)
        kind = "reset" if account is not None and not account.password_hash.startswith("!") else "invite"
        issued.append(Issued(r.id, r.person_id, r.full_name, r.phone, r.email, kind, secrets.token_urlsafe(32),
                             expires))
    rows_in = [{"person_id": i.person_id, "user_id": user_of[i.person_id], "kind": i.kind,
                "token_hash": hash_token(i.token), "channel": channel, "created_at": now, "expires_at": expires,
                "created_by_id": actor_id} for i in issued]
    ids_by_hash = dict(db.session.execute(
        insert(Invitation).returning(Invitation.token_hash, Invitation.id, sort_by_parameter_order=True), rows_in
    ).all())
    for item in issued:
        item.invitation_id = ids_by_hash[hash_token(item.token)]
    db.session.execute(insert(AuditEvent), [
        {"at": now, "actor_id": actor_id, "action": "invitation.create", "entity": "invitations",
         "entity_id": i.invitation_id, "before": None,
         "after": {"person_id": i.person_id, "kind": i.kind, "channel": channel, "expires_at": expires.isoformat()}}
        for i in issued])
    if channel == "email" or channel == "auto":
        outcome.mailed = sum(_mail(i) for i in issued if i.email)
    outcome.issued = issued
    from app.audit import record

    # the batch as one event too (an ORM row: the request boundary sees the change and commits the Core writes)
    record("invitation.batch", entity="invitations", actor=actor,
           after={"issued": len(issued), "skipped": len(outcome.skipped), "channel": channel,
                  "accounts_created": len(new)})
    db.session.flush()
    return outcome


def _mail(item: Issued) -> bool:
    from app.notifications.outbox import queue

    subject = ("Lan Tỏa: đặt lại mật khẩu" if item.kind == "reset"
               else "Lan Tỏa: lời mời kích hoạt tài khoản giảng viên")
    body = render_template("mail/invitation.txt", item=item, days=plan_setting("invitation_expiry_days"))
    return queue(f"invitation:{item.invitation_id}", "invitation", item.email, subject, body)


def invite(actor, trainer: Trainer, channel: str = "link") -> Issued:
    """One trainer's link (a refusal names its reason)."""
    outcome = invite_many(actor, [trainer.id], channel)
    if outcome.skipped:
        raise OperationError(outcome.skipped[0][1])
    if not outcome.issued:
        raise OperationError("Không tìm thấy giảng viên này trong phạm vi của bạn.")
    return outcome.issued[0]


def revoke(actor, trainer: Trainer, *, now: datetime | None = None) -> int:
    """Withdraw the trainer's open links; how many were withdrawn (0 is refused: nothing to revoke)."""
    now = now or utcnow()
    ids = list(db.session.scalars(select(Invitation.id).where(
        Invitation.person_id == trainer.person_id, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))))
    if not ids:
        raise OperationError("Giảng viên này không có lời mời nào đang mở.")
    db.session.execute(update(Invitation).where(Invitation.id.in_(ids)).values(revoked_at=now)
                       .execution_options(synchronize_session=False))
    from app.audit import record

    for ident in ids:
        record("invitation.revoke", entity="invitations", entity_id=ident, actor=actor,
               after={"person_id": trainer.person_id})
    db.session.flush()
    return len(ids)


def resend(actor, trainer: Trainer, channel: str = "link") -> Issued:
    """Revoke the open link (if any) and issue a new one."""
    return invite(actor, trainer, channel)  # issuing revokes the person's open links


def find_link(token: str, *, now: datetime | None = None) -> tuple[Invitation, Person]:
    """The usable link of `token` and its person, or `LinkError` (forged, revoked, used, expired, paused)."""
    now = now or utcnow()
    if not token or len(token) > 100 or not re.fullmatch(r"[A-Za-z0-9_\-]+", token):
        raise LinkError("forged")
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None:
        raise LinkError("forged")
    if invitation.revoked_at is not None:
        raise LinkError("revoked")
    if invitation.used_at is not None:
        raise LinkError("used")
    if as_utc(invitation.expires_at) <= now:
        raise LinkError("expired")
    status = db.session.scalar(select(Trainer.status).where(Trainer.person_id == invitation.person_id))
    if status is not None and status != "active":
        raise LinkError("paused")
    return invitation, db.session.get(Person, invitation.person_id)


def _is_phone(password: str, phone: str | None) -> bool:
    if not phone:
        return False
    digits = re.sub(r"[\s.\-()+]", "", password)
    local = phone[3:]
    return digits in {"0" + local, "84" + local, local}


def accept(token: str, password: str, repeat: str, *, now: datetime | None = None) -> User:
    """Use the link: set the account's password, end its other sessions; returns the account to sign in."""
    now = now or utcnow()
    invitation, person = find_link(token, now=now)
    password, repeat = password or "", repeat or ""
    if problem := password_problem(password):
        raise OperationError(problem, field="password")
    if _is_phone(password, person.phone):
        raise OperationError("Mật khẩu không được là số điện thoại của bạn.", field="password")
    if password != repeat:
        raise OperationError("Mật khẩu nhập lại không khớp.", field="repeat_password")
    user = db.session.get(User, invitation.user_id) if invitation.user_id else None
    if user is None or user.person_id != person.id:
        user = db.session.scalar(select(User).where(User.person_id == person.id).order_by(User.id).limit(1))
    if user is None or not user.active or user.role != "trainer":
        raise LinkError("revoked")  # an account that is no longer a trainer's is not opened by a trainer's link
    first = not user.has_password
    user.set_password(password)
    end_all_sessions(user)
    invitation.used_at = now
    db.session.execute(update(Invitation).where(
        Invitation.person_id == person.id, Invitation.id != invitation.id, Invitation.used_at.is_(None),
        Invitation.revoked_at.is_(None)).values(revoked_at=now).execution_options(synchronize_session=False))
    db.session.flush()
    from app.audit import record

    record("invitation.accept", invitation, after={"kind": invitation.kind, "user_id": user.id}, actor=user)
    record("user.activate" if first else "user.password_reset", user,
           after={"session_version": user.session_version}, actor=user)
    return user


RESET_PAUSE = timedelta(minutes=10)


def request_reset(username: str, *, now: datetime | None = None) -> bool:
    """"Quên mật khẩu": mail a reset link to the trainer account named by `username` (or phone) when its
    person has an e-mail address; at most one link per 10 minutes. Returns whether one was queued (never shown to the asker)."""
    from app.auth.operations import find_account

    now = now or utcnow()
    user = find_account(username)
    if user is None or not user.active or user.person_id is None:
        return False
    person = db.session.get(Person, user.person_id)
    trainer_id = db.session.scalar(select(Trainer.id).where(Trainer.person_id == person.id))
    if not person.email or trainer_id is None:
        return False
    recent = db.session.scalar(select(func.count(Invitation.id)).where(
        Invitation.person_id == person.id, Invitation.channel == "email", Invitation.created_at > now - RESET_PAUSE))
    if recent:
        return False
    outcome = invite_many(None, [trainer_id], "email", check_scope=False, now=now)
    return bool(outcome.mailed)


def auto_invite(user, trainer_ids: list[int]) -> Outcome | None:
    """Invitations on promotion and on trainer import, when the plan setting `auto_invite` is 1 (mail where the
    person has an address; the others appear as "Đã mời" on the "Lời mời" page, where a coordinator resends)."""
    if not trainer_ids or not plan_setting("auto_invite"):
        return None
    return invite_many(user, trainer_ids, "auto", check_scope=False)
