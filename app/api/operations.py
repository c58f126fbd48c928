"""Changes to API clients and tokens: create a client, issue a token, revoke it. Each is audited; flush only.

Rules: a client's name is unique; it has exactly one scope (an area or a unit) and at least one permission;
a token lives `days` days (1–730) from its issue; revoking is final and keeps the row (its uses stay audited);
"Khớp lại" (`rematch`) links the held learning records a user sees to the persons the user sees with the same
normalised phone, never creating a person.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from app.admin.queries import area_ids, unit_ids
from app.api.tokens import PREFIX_LENGTH, hash_secret, new_secret
from app.audit import record, snapshot
from app.errors import OperationError
from app.extensions import db
from app.models import ApiClient, ApiToken, LearningRecord, Person
from app.scope import check_choice, visible

CLIENT_FIELDS = ["name", "scope_area_id", "scope_unit_id", "can_read", "can_ingest", "active"]
TOKEN_DAYS_MAX = 730


def create_client(data: dict, actor) -> ApiClient:
    name = (data.get("name") or "").strip()
    if not name:
        raise OperationError("Vui lòng nhập tên hệ thống.", field="name")
    if db.session.scalar(select(ApiClient.id).where(ApiClient.name == name)) is not None:
        raise OperationError("Đã có hệ thống kết nối với tên này.", field="name")
    area_id, unit_id = data.get("scope_area_id") or None, data.get("scope_unit_id") or None
    check_choice(area_id, area_ids(), "scope_area_id")
    check_choice(unit_id, unit_ids(), "scope_unit_id")
    if (area_id is None) == (unit_id is None):
        raise OperationError("Chọn đúng một phạm vi: một địa bàn hoặc một đơn vị.", field="scope_area_id")
    if not (data.get("can_read") or data.get("can_ingest")):
        raise OperationError("Chọn ít nhất một quyền: đọc dữ liệu hoặc gửi kết quả học.", field="can_read")
    client = ApiClient(name=name, scope_area_id=area_id, scope_unit_id=unit_id, can_read=bool(data.get("can_read")),
                       can_ingest=bool(data.get("can_ingest")), active=True,
                       created_by_id=getattr(actor, "id", None))
    db.session.add(client)
    db.session.flush()
    record("api_client.create", client, after=snapshot(client, CLIENT_FIELDS))
    return client


def set_active(client: ApiClient, active: bool) -> None:
    before = snapshot(client, ["active"])
    client.active = active
    record("api_client.activate" if active else "api_client.deactivate", client, before=before,
           after=snapshot(client, ["active"]))


def issue_token(client: ApiClient, days: int, actor, now: datetime) -> tuple[ApiToken, str]:
    """A new token for `client`; returns the row and its secret, which is never stored nor shown again."""
    if not 1 <= days <= TOKEN_DAYS_MAX:
        raise OperationError(f"Thời hạn từ 1 đến {TOKEN_DAYS_MAX} ngày.", field="days")
    secret = new_secret()
    token = ApiToken(client_id=client.id, prefix=secret[:PREFIX_LENGTH], token_hash=hash_secret(secret),
                     created_at=now, created_by_id=getattr(actor, "id", None), expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    record("api_token.issue", token, after={"client_id": client.id, "prefix": token.prefix,
                                            "expires_at": token.expires_at.isoformat()})
    return token, secret


def revoke_token(token: ApiToken, now: datetime) -> None:
    if token.revoked_at is not None:
        raise OperationError("Mã truy cập này đã bị thu hồi.")
    token.revoked_at = now
    record("api_token.revoke", token, before={"revoked_at": None}, after={"revoked_at": now.isoformat()})


def rematch(user) -> int:
    """Match the held records `user` sees to the persons `user` sees by phone; flushes; returns the count."""
    people = (select(Person.id).where(Person.phone == LearningRecord.phone, visible(Person, user))
              .limit(1).scalar_subquery())
    held_ids = select(LearningRecord.id).where(visible(LearningRecord, user), LearningRecord.state == "held",
                                               LearningRecord.phone.in_(select(Person.phone).where(
                                                   visible(Person, user))))
    result = db.session.execute(update(LearningRecord).where(LearningRecord.id.in_(held_ids))
                                .values(person_id=people, state="matched", applied=False)
                                .execution_options(synchronize_session=False))
    matched = result.rowcount or 0  # their effects: the `online_effects` job (app/api/effects.py)
    record("learning_records.rematch", entity="learning_records", after={"matched": matched})
    return matched
