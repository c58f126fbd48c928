"""Who is calling the API, whether it may, and the record of every call.

Rules:
- a call carries `Authorization: Bearer <secret>`; a missing, unknown, expired or revoked token, or a token of a
  deactivated client, answers 401; a client without the endpoint's permission (read, ingest) answers 403;
- calls are counted per token in fixed windows in `rate_windows` (the database, so the limit holds across
  workers): at most `api_limit` calls in a window of `api_window_minutes` (plan settings; windows start at whole
  multiples of their length since the epoch, so a minute window is a clock minute), beyond that 429 with
  `Retry-After` (the seconds until the window ends); failed sign-ins are counted the same way per address, so
  secrets cannot be guessed at speed. A window is one row (bucket, key, start) → hits, raised by one UPSERT per
  call; the key's older windows are deleted when its first call of a new window is counted. Across a window's
  edge a client can make up to twice the limit within one window's length: the price of counting in O(1). The
  public certificate check counts in `rate_hits` instead (`check_hits`), with the verification page, so an
  address has one budget for both;
- a call reads what it needs in two queries: the two settings, then its token, client, scope path and the hits
  of its current window (`tokens.caller_query` outer-joined to `rate_windows`); no ORM object is loaded;
- every call with a known token is audited by ONE compact `audit_events` row (action `api.use`: method, path,
  status, records written), also when it is refused: one row per request, never per record (a 10,000-record
  batch is one row); `api_tokens.last_used_at` is refreshed at most once a minute (the value read with the token
  says whether it is due), so concurrent calls of one token do not queue on its row. The audit row, the window's
  count and the last use are kept through `app.web.boundary.keep_record` (one write transaction after the
  answer is settled: Core statements, no unit of work), so a refused call (4xx) still counts against the limit
  and is still audited while its own changes are rolled back. A call refused by the limit itself (429) is
  audited, not counted.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from functools import partial

from flask import g, request
from sqlalchemy import String, and_, bindparam, cast, delete, func, insert, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.api.problems import ApiProblem
from app.api.tokens import Caller, caller_query, hash_secret, usable, well_formed
from app.extensions import db
from app.models import ApiToken, AuditEvent, RateHit, RateWindow
from app.timeutil import clock
from app.training.settings import plan_settings
from app.web.boundary import keep_record

LAST_USED_STEP = timedelta(minutes=1)
TOKEN_BUCKET = "api"
UNREAD = object()  # the hits of a window not read yet


def _token_key(token_id) -> str:
    return f"token:{token_id}"


# the caller with the hits of its token's current window (bound: token_hash, window_start)
CALLER = caller_query().add_columns(RateWindow.hits).outerjoin(RateWindow, and_(
    RateWindow.bucket == TOKEN_BUCKET, RateWindow.client == literal("token:") + cast(ApiToken.id, String),
    RateWindow.window_start == bindparam("window_start")))
HITS = select(RateWindow.hits).where(RateWindow.bucket == bindparam("bucket"),
                                     RateWindow.client == bindparam("client"),
                                     RateWindow.window_start == bindparam("window_start"))
USE = insert(AuditEvent.__table__)
OLD_WINDOWS = delete(RateWindow).where(RateWindow.bucket == bindparam("bucket"),
                                       RateWindow.client == bindparam("client"),
                                       RateWindow.window_start < bindparam("window_start"))
_UPSERTS: dict[str, object] = {}


def _window(limit_key: str, window_key: str) -> tuple[int, timedelta]:
    limit, minutes = plan_settings(limit_key, window_key)
    return limit, timedelta(minutes=minutes)


def window_start(now: datetime, window: timedelta) -> datetime:
    """The start of the fixed window holding `now` (windows start at whole multiples of their length)."""
    seconds = int(window.total_seconds())
    return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, UTC)


def check_limit(bucket: str, key: str, now: datetime, limit_key: str = "api_limit",
                window_key: str = "api_window_minutes", *, window: tuple[int, timedelta] | None = None,
                hits: int | None | object = UNREAD) -> None:
    """Refuse with 429 when `key` made `limit` calls in the current window; else count this call (kept even if
    the call is then refused). `window` (limit, length) and `hits` (None: no call yet in this window) are passed
    when the caller has read them already."""
    limit, length = window or _window(limit_key, window_key)
    key = (key or "unknown")[:64]
    start = window_start(now, length)
    if hits is UNREAD:
        hits = db.session.execute(HITS, {"bucket": bucket, "client": key, "window_start": start}).scalar()
    if (hits or 0) >= limit:
        minutes = int(length.total_seconds()) // 60
        wait = max(1, math.ceil((start + length - now).total_seconds()))
        raise ApiProblem("rate-limited", f"At most {limit} calls per {minutes} minute(s).",
                         f"Tối đa {limit} lượt gọi trong {minutes} phút; vui lòng thử lại sau.",
                         headers={"Retry-After": str(wait)})
    keep_record(partial(_count, bucket, key, start, hits is None))


def check_hits(bucket: str, key: str, now: datetime, limit_key: str, window_key: str) -> None:
    """`check_limit` over a sliding window of `rate_hits` rows (a row per call), for a limit shared with the web
    pages: the certificate check counts in the same rows as the verification page, so an address has one budget
    for both."""
    limit, window = _window(limit_key, window_key)
    key = (key or "unknown")[:64]
    recent = db.session.scalar(select(func.count(RateHit.id)).where(
        RateHit.bucket == bucket, RateHit.client == key, RateHit.at >= now - window))
    if recent >= limit:
        minutes = int(window.total_seconds()) // 60
        raise ApiProblem("rate-limited", f"At most {limit} calls per {minutes} minute(s).",
                         f"Tối đa {limit} lượt gọi trong {minutes} phút; vui lòng thử lại sau.",
                         headers={"Retry-After": str(int(window.total_seconds()))})
    keep_record(partial(_hit, bucket, key, now, now - window))


def _hit(bucket: str, key: str, now: datetime, since: datetime, response) -> None:
    db.session.execute(delete(RateHit).where(RateHit.bucket == bucket, RateHit.client == key, RateHit.at < since))
    db.session.add(RateHit(bucket=bucket, client=key, at=now))


def _count(bucket: str, key: str, start: datetime, first: bool, response) -> None:
    """One more call of `key` in the window at `start` (its first: the key's older windows are deleted)."""
    connection = db.session.connection()
    values = {"bucket": bucket, "client": key, "window_start": start}
    if first:
        connection.execute(OLD_WINDOWS, values)
    connection.execute(_upsert(connection.dialect.name), values)


def _upsert(dialect_name: str):
    """INSERT the window with 1 hit, or add one to it (built once per dialect)."""
    if dialect_name not in _UPSERTS:
        dialect = postgresql if dialect_name == "postgresql" else sqlite
        table = RateWindow.__table__
        _UPSERTS[dialect_name] = dialect.insert(table).values(hits=1).on_conflict_do_update(
            index_elements=["bucket", "client", "window_start"], set_={"hits": table.c.hits + 1})
    return _UPSERTS[dialect_name]


def _use(caller: Caller, now: datetime, method: str, path: str, response) -> None:
    connection = db.session.connection()
    connection.execute(USE, {"action": "api.use", "entity": "api_tokens", "entity_id": caller.token_id,
                             "actor_id": None, "after": {"method": method, "path": path[:200],
                                                         "status": response.status_code,
                                                         "records": g.get("api_records", 0)}})
    last = caller.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    if last is None or last < now - LAST_USED_STEP:
        connection.execute(update(ApiToken).where(ApiToken.id == caller.token_id, or_(
            ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - LAST_USED_STEP)).values(last_used_at=now))


def authenticate(permission: str) -> None:
    """Check the bearer token and the permission; set `g.api_client` (a `Caller`) and `g.api_scope`, or raise
    ApiProblem."""
    now = clock()
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    limit, length = _window("api_limit", "api_window_minutes")
    row = None
    if scheme.lower() == "bearer" and well_formed(secret):
        row = db.session.execute(CALLER, {"token_hash": hash_secret(secret),
                                          "window_start": window_start(now, length)}).first()
    caller = Caller.of(row) if row is not None else None
    if caller is None or not usable(caller, now):
        check_limit("api-auth", request.remote_addr or "", now, window=(limit, length))
        raise ApiProblem("unauthorized", "Send a valid, unexpired token: Authorization: Bearer <token>.",
                         "Cần gửi mã truy cập hợp lệ, còn hạn: Authorization: Bearer <mã>.",
                         headers={"WWW-Authenticate": 'Bearer realm="lantoa"'})
    keep_record(partial(_use, caller, now, request.method, request.path))
    check_limit(TOKEN_BUCKET, _token_key(caller.token_id), now, window=(limit, length), hits=row.hits)
    if not getattr(caller, f"can_{permission}"):
        label, label_vi = {"read": ("read", "đọc dữ liệu"), "ingest": ("ingest", "gửi kết quả học")}[permission]
        raise ApiProblem("forbidden", f"This client may not {label}.", f"Hệ thống này chưa được cấp quyền {label_vi}.")
    g.api_client = caller
    g.api_scope = caller.scope
