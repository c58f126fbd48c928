"""Who is calling the API, whether it may, and the record of every call.

Rules:
- a call carries `Authorization: Bearer <secret>`; a missing, unknown, expired or revoked token, or a token of a
  deactivated client, answers 401; a client without the endpoint's permission (read, ingest) answers 403;
- calls are counted per token in `rate_hits` (the database, so the limit holds across workers): at most
  `api_limit` calls per `api_window_minutes` (plan settings), beyond that 429 with `Retry-After`; failed
  sign-ins are counted the same way per address, so secrets cannot be guessed at speed;
- every call with a known token is audited by ONE compact `audit_events` row (action `api.use`: method, path,
  status, records written), also when it is refused: one row per request, never per record (a 10,000-record
  batch is one row); `api_tokens.last_used_at` is refreshed at most once a minute, so concurrent calls of
  one token do not queue on its row. Both are kept through `app.web.boundary.keep_record`, so a refused call
  (4xx) still counts against the limit and is still audited while its own changes are rolled back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from flask import g, request
from sqlalchemy import delete, func, or_, select, update

from app.api.problems import ApiProblem
from app.api.tokens import client_scope, find_token, usable
from app.extensions import db
from app.models import ApiToken, AuditEvent, RateHit
from app.timeutil import clock
from app.training.settings import plan_setting
from app.web.boundary import keep_record

LAST_USED_STEP = timedelta(minutes=1)


def _window(limit_key: str, window_key: str) -> tuple[int, timedelta]:
    return plan_setting(limit_key), timedelta(minutes=plan_setting(window_key))


def check_limit(bucket: str, key: str, now: datetime, limit_key: str = "api_limit",
                window_key: str = "api_window_minutes") -> None:
    """Refuse with 429 when `key` made `limit` calls within the window; else count this call (kept even if the
    call is then refused)."""
    limit, window = _window(limit_key, window_key)
    key = (key or "unknown")[:64]
    recent = db.session.scalar(select(func.count(RateHit.id)).where(
        RateHit.bucket == bucket, RateHit.client == key, RateHit.at >= now - window))
    if recent >= limit:
        raise ApiProblem("rate-limited", f"At most {limit} calls per {int(window.total_seconds()) // 60} minute(s).",
                         f"Tối đa {limit} lượt gọi trong {int(window.total_seconds()) // 60} phút; vui lòng thử lại sau.",
                         headers={"Retry-After": str(int(window.total_seconds()))})
    keep_record(partial(_hit, bucket, key, now, now - window))


def _hit(bucket: str, key: str, now: datetime, since: datetime, response) -> None:
    db.session.execute(delete(RateHit).where(RateHit.bucket == bucket, RateHit.client == key, RateHit.at < since))
    db.session.add(RateHit(bucket=bucket, client=key, at=now))


def _use(token_id: int, now: datetime, method: str, path: str, response) -> None:
    db.session.add(AuditEvent(action="api.use", entity="api_tokens", entity_id=token_id, actor_id=None, after={
        "method": method, "path": path[:200], "status": response.status_code,
        "records": g.get("api_records", 0)}))
    db.session.execute(update(ApiToken).where(ApiToken.id == token_id, or_(
        ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - LAST_USED_STEP)).values(last_used_at=now)
                       .execution_options(synchronize_session=False))


def authenticate(permission: str) -> None:
    """Check the bearer token and the permission; set `g.api_client` and `g.api_scope`, or raise ApiProblem."""
    now = clock()
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    found = find_token(secret.strip()) if scheme.lower() == "bearer" else None
    if found is None or not usable(*found, now):
        check_limit("api-auth", request.remote_addr or "", now)
        raise ApiProblem("unauthorized", "Send a valid, unexpired token: Authorization: Bearer <token>.",
                         "Cần gửi mã truy cập hợp lệ, còn hạn: Authorization: Bearer <mã>.",
                         headers={"WWW-Authenticate": 'Bearer realm="lantoa"'})
    token, client = found
    keep_record(partial(_use, token.id, now, request.method, request.path))
    check_limit("api", f"token:{token.id}", now)
    if not getattr(client, f"can_{permission}"):
        label, label_vi = {"read": ("read", "đọc dữ liệu"), "ingest": ("ingest", "gửi kết quả học")}[permission]
        raise ApiProblem("forbidden", f"This client may not {label}.", f"Hệ thống này chưa được cấp quyền {label_vi}.")
    g.api_client = client
    g.api_scope = client_scope(client)
