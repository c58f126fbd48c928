"""The sign-in throttle, kept in the database (`rate_hits`, never in process memory, so it holds across workers).

Rules (numbers are plan settings, see `app/training/settings.py`):

- Per account: a failed sign-in adds a `login-account` row keyed by the typed username (folded to lower case,
  whether the account exists or not, so the answers never tell a real account from an unknown name). When an
  account reaches `login_account_limit` failures within `login_window_minutes`, its failures are replaced by a
  `login-held` row: for `login_hold_minutes` from then every sign-in to it is refused, the right password too.
- Per client (the request's `remote_addr`, which `LANTOA_PROXY_HOPS` corrects behind a proxy): every failure adds a
  `login-client` row; a client with `login_client_limit` failures within `login_window_minutes`, across accounts,
  is refused until its oldest counted failure leaves the window.
- A refused (held-back) attempt checks no password and records nothing, like the certificate lookup limiter.
- A successful sign-in deletes the account's failures (flushed; the request boundary commits it with the login).
- Failure records are committed on the spot by `record_failure` (through `app.web.boundary.commit_now`, the
  one deliberate commit before the boundary's), so no later answer (a 4xx, `discard_changes`) can roll them
  back. It runs when the sign-in changed nothing else: `authenticate` writes only on success.

Every function takes `now` (an aware UTC datetime): the view passes `utcnow()`, tests move it.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import RateHit
from app.timeutil import as_utc
from app.training.settings import plan_setting
from app.web.boundary import commit_now

ACCOUNT = "login-account"
CLIENT = "login-client"
HELD = "login-held"
BUCKETS = (ACCOUNT, CLIENT, HELD)

HELD_ACCOUNT = ("Tài khoản tạm thời bị khoá do nhập sai mật khẩu nhiều lần. "
                "Vui lòng thử lại sau {minutes} phút.")
HELD_CLIENT = ("Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này. "
               "Vui lòng thử lại sau {minutes} phút.")


def account_key(username: str) -> str:
    """The account's key: the username of the account `authenticate` finds for what was typed (so its username and
    its phone number in any spelling, `0912 345 678`, `+84912345678`, share one count); for a name of no account,
    the typed name (stripped, lower case; a phone number as +84…)."""
    from app.auth.operations import find_account, phone_key

    typed = (username or "").strip()
    account = find_account(typed) if typed else None
    if account is not None:
        return account.username.lower()[:64]
    return (phone_key(typed) or typed.lower())[:64]


def client_key(remote_addr: str | None) -> str:
    return (remote_addr or "unknown")[:64]


def _minutes_until(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def _times(bucket: str, key: str, since: datetime) -> list[datetime]:
    rows = db.session.scalars(select(RateHit.at).where(RateHit.bucket == bucket, RateHit.client == key,
                                                      RateHit.at >= since).order_by(RateHit.at))
    return [as_utc(at) for at in rows]


def refusal(username: str, remote_addr: str | None, now: datetime) -> str | None:
    """The Vietnamese reason this sign-in is held back, or None when it may be checked."""
    hold = timedelta(minutes=plan_setting("login_hold_minutes"))
    held = _times(HELD, account_key(username), now - hold)
    if held:
        return HELD_ACCOUNT.format(minutes=_minutes_until(held[-1] + hold, now))
    window = timedelta(minutes=plan_setting("login_window_minutes"))
    limit = plan_setting("login_client_limit")
    failures = _times(CLIENT, client_key(remote_addr), now - window)
    if len(failures) >= limit:
        # refused until enough of the oldest failures leave the window to bring the count below the limit
        return HELD_CLIENT.format(minutes=_minutes_until(failures[len(failures) - limit] + window, now))
    return None


def record_failure(username: str, remote_addr: str | None, now: datetime) -> None:
    """Count a failed sign-in for the account and the client, hold the account back at its limit, and COMMIT."""
    window = timedelta(minutes=plan_setting("login_window_minutes"))
    hold = timedelta(minutes=plan_setting("login_hold_minutes"))
    db.session.execute(delete(RateHit).where(RateHit.bucket.in_(BUCKETS), RateHit.at < now - max(window, hold)))
    account = account_key(username)
    db.session.add_all([RateHit(bucket=ACCOUNT, client=account, at=now),
                        RateHit(bucket=CLIENT, client=client_key(remote_addr), at=now)])
    db.session.flush()
    recent = db.session.scalar(select(func.count(RateHit.id)).where(
        RateHit.bucket == ACCOUNT, RateHit.client == account, RateHit.at >= now - window))
    if recent >= plan_setting("login_account_limit"):
        db.session.execute(delete(RateHit).where(RateHit.bucket == ACCOUNT, RateHit.client == account))
        db.session.add(RateHit(bucket=HELD, client=account, at=now))
    commit_now()  # deliberate: a refused sign-in's answer must not take its failure record with it


def clear_account(username: str) -> None:
    """A successful sign-in forgets the account's failures; flushes, the boundary commits."""
    db.session.execute(delete(RateHit).where(RateHit.bucket == ACCOUNT, RateHit.client == account_key(username)))
