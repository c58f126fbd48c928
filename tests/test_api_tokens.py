"""API clients and tokens: admin pages (CSRF, shown once), bearer auth, expiry, revocation, limits, audit."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.api import guard
from app.api.tokens import hash_secret
from app.extensions import db
from app.models import ApiClient, ApiToken, AuditEvent, RateWindow
from app.timeutil import clock
from app.training.settings import set_setting
from tests.api_helpers import bearer, expire, make_client
from tests.conftest import post_form

SECRET_RE = re.compile(r'id="new-token">(lt_[A-Za-z0-9_-]+)<')


def _create_and_issue(client, world) -> tuple[ApiClient, str]:
    response = post_form(client, "/admin/api-clients/new", {
        "name": "LuyenAI.vn", "scope_area_id": world.dai_tu.id, "scope_unit_id": 0, "can_read": "y",
        "can_ingest": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    created = db.session.scalar(select(ApiClient).where(ApiClient.name == "LuyenAI.vn"))
    page = f"/admin/api-clients/{created.id}"
    response = post_form(client, f"{page}/tokens", {"days": 30}, token_page=page)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return created, SECRET_RE.search(response.get_data(as_text=True)).group(1)


def test_token_lifecycle_create_use_expire_revoke(client, login_as, world):
    login_as("admin")
    created, secret = _create_and_issue(client, world)
    token = db.session.scalar(select(ApiToken).where(ApiToken.client_id == created.id))
    assert token.token_hash == hash_secret(secret) and secret not in (token.prefix, token.token_hash)
    assert secret.startswith(token.prefix)
    # shown once: the client's page afterwards shows the prefix only
    again = client.get(f"/admin/api-clients/{created.id}").get_data(as_text=True)
    assert secret not in again and token.prefix in again

    use = client.get("/api/v1/client", headers=bearer(secret))
    assert use.status_code == 200 and use.json["permissions"] == ["read", "ingest"]
    assert token.last_used_at is not None or db.session.scalar(
        select(ApiToken.last_used_at).where(ApiToken.id == token.id)) is not None

    expire(token)
    assert client.get("/api/v1/client", headers=bearer(secret)).status_code == 401
    token.expires_at = token.created_at.replace(year=token.created_at.year + 1)
    db.session.commit()
    assert client.get("/api/v1/client", headers=bearer(secret)).status_code == 200

    page = f"/admin/api-clients/{created.id}"
    response = post_form(client, f"{page}/tokens/{token.id}/revoke", {}, token_page=page)
    assert response.status_code == 302
    refused = client.get("/api/v1/client", headers=bearer(secret))
    assert refused.status_code == 401
    assert refused.headers["Content-Type"] == "application/problem+json"
    body = refused.json
    assert body["status"] == 401 and body["title_vi"] and body["detail_vi"] and body["type"].endswith("unauthorized")
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity.in_(
        ("api_clients", "api_tokens")))))
    assert {"api_client.create", "api_token.issue", "api_token.revoke", "api.use"} <= actions


def test_revoke_needs_the_csrf_token(client, login_as, world):
    login_as("admin")
    created, token, secret = make_client(world.dai_tu)
    response = client.post(f"/admin/api-clients/{created.id}/tokens/{token.id}/revoke", data={})
    assert response.status_code == 400
    assert client.get("/api/v1/client", headers=bearer(secret)).status_code == 200


def test_only_admins_see_the_client_pages(client, login_as, world):
    login_as("steering")
    assert client.get("/admin/api-clients/").status_code == 404


def test_a_client_needs_one_scope_and_a_permission(client, login_as, world):
    login_as("admin")
    response = post_form(client, "/admin/api-clients/new", {
        "name": "Cổng số liệu", "scope_area_id": world.dai_tu.id,
        "scope_unit_id": world.units["Hợp tác xã Chè Phú Bình"].id, "can_read": "y"})
    assert response.status_code == 200 and "Chọn đúng một phạm vi" in response.get_data(as_text=True)
    response = post_form(client, "/admin/api-clients/new", {
        "name": "Cổng số liệu", "scope_area_id": world.dai_tu.id, "scope_unit_id": 0})
    assert response.status_code == 200 and "ít nhất một quyền" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ApiClient.id))) == 0


def test_a_locked_client_and_a_wrong_scheme_are_refused(client, world):
    created, _token, secret = make_client(world.dai_tu)
    assert client.get("/api/v1/client", headers={"Authorization": f"Basic {secret}"}).status_code == 401
    assert client.get("/api/v1/client", headers=bearer(secret + "x")).status_code == 401
    created.active = False
    db.session.commit()
    assert client.get("/api/v1/client", headers=bearer(secret)).status_code == 401


def test_rate_limit_per_token_counts_refused_calls_too(client, world, monkeypatch):
    set_setting("api_limit", 3)
    db.session.commit()
    start = clock().replace(second=0, microsecond=0)  # the start of a one-minute window: no edge in this test
    monkeypatch.setattr(guard, "clock", lambda: start)
    _c, token, secret = make_client(world.dai_tu)
    _c2, _t2, other = make_client(world.phu_binh)
    statuses = [client.get(f"/api/v1/areas/{world.phu_binh.id}", headers=bearer(secret)).status_code
                for _ in range(4)]
    assert statuses == [404, 404, 404, 429]  # the 404s (rolled back) still counted
    limited = client.get("/api/v1/client", headers=bearer(secret))
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "60"
    assert client.get("/api/v1/client", headers=bearer(other)).status_code == 200  # per token
    uses = db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "api.use", AuditEvent.entity_id == token.id))
    assert uses == 5  # every call audited, the refused ones included
    hits = db.session.scalars(select(RateWindow.hits).where(RateWindow.client == f"token:{token.id}")).all()
    assert hits == [3]  # one row for the window; the calls refused by the limit are not counted


def test_rate_limit_windows_are_fixed_and_the_old_one_is_dropped(client, world, monkeypatch):
    set_setting("api_limit", 2)
    db.session.commit()
    _c, token, secret = make_client(world.dai_tu)
    start = clock().replace(second=0, microsecond=0)
    now = [start + timedelta(seconds=15)]
    monkeypatch.setattr(guard, "clock", lambda: now[0])
    assert [client.get("/api/v1/client", headers=bearer(secret)).status_code for _ in range(3)] == [200, 200, 429]
    refused = client.get("/api/v1/client", headers=bearer(secret))
    assert refused.headers["Retry-After"] == "45"  # until the window ends
    now[0] = start + timedelta(minutes=1)  # the next window: counted afresh, the old window's row deleted
    assert client.get("/api/v1/client", headers=bearer(secret)).status_code == 200
    rows = db.session.execute(select(RateWindow.window_start, RateWindow.hits).where(
        RateWindow.bucket == "api", RateWindow.client == f"token:{token.id}")).all()
    assert [hits for _start, hits in rows] == [1]


def test_failed_sign_ins_are_limited_per_address(client, world, monkeypatch):
    set_setting("api_limit", 2)
    db.session.commit()
    start = clock().replace(second=0, microsecond=0)
    monkeypatch.setattr(guard, "clock", lambda: start)
    statuses = [client.get("/api/v1/client", headers=bearer("lt_khong-co-ma-nay")).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    _c, _token, secret = make_client(world.dai_tu)
    assert client.get("/api/v1/client", headers=bearer(secret)).status_code == 200  # a token has its own count
