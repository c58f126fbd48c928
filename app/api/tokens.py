"""API token secrets: made once, shown once, stored only as their SHA-256.

Rules: a secret is `lt_` + `secrets.token_urlsafe(32)` (256 random bits); the database keeps its SHA-256 (hex)
and its first 11 characters (`lt_` + 8) to tell tokens apart on the admin page. A token authenticates while
its client is active, it is not revoked and `expires_at` is in the future. A client's scope is a `Scope` of
`app/scope.py`, built like a coordinator's, so every read goes through the same checkpoint as a user's. A call
reads its token, client and scope as one `Caller` in one query (`caller_query`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, select

from app.models import ApiClient, ApiToken, Area, Unit
from app.scope import Scope

SECRET_START = "lt_"
PREFIX_LENGTH = len(SECRET_START) + 8


def new_secret() -> str:
    return SECRET_START + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Caller:
    """A token and its client as a call needs them: plain values, read with the client's scope in one query."""
    token_id: int
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    id: int  # the client's
    name: str
    active: bool
    can_read: bool
    can_ingest: bool
    scope_area_id: int | None
    scope_unit_id: int | None
    scope: Scope

    @classmethod
    def of(cls, row) -> Caller:
        """From a row of `CALLER_COLUMNS` (extra columns after them are ignored)."""
        values = row._mapping
        scope = (Scope(area_path=values["area_path"]) if values["scope_area_id"] is not None
                 else Scope(unit_path=values["unit_path"]))
        return cls(**{name: values[name] for name in CALLER_FIELDS}, scope=scope)


CALLER_COLUMNS = (ApiToken.id.label("token_id"), ApiToken.expires_at, ApiToken.revoked_at, ApiToken.last_used_at,
                  ApiClient.id, ApiClient.name, ApiClient.active, ApiClient.can_read, ApiClient.can_ingest,
                  ApiClient.scope_area_id, ApiClient.scope_unit_id, Area.path.label("area_path"),
                  Unit.path.label("unit_path"))
CALLER_FIELDS = tuple(f for f in Caller.__dataclass_fields__ if f != "scope")


def caller_query() -> Select:
    """The token (by `token_hash`, a bound parameter) with its client and the path of the client's scope: a client
    always has one scope (an area subtree or a unit subtree, built like a coordinator's), so every read goes
    through the same checkpoint as a user's."""
    return (select(*CALLER_COLUMNS).join(ApiClient, ApiClient.id == ApiToken.client_id)
            .outerjoin(Area, Area.id == ApiClient.scope_area_id).outerjoin(Unit, Unit.id == ApiClient.scope_unit_id)
            .where(ApiToken.token_hash == bindparam("token_hash")))


def well_formed(secret: str) -> bool:
    return secret.startswith(SECRET_START) and len(secret) <= 100


def usable(caller: Caller, now: datetime) -> bool:
    expires = caller.expires_at if caller.expires_at.tzinfo else caller.expires_at.replace(tzinfo=now.tzinfo)
    return caller.active and caller.revoked_at is None and expires > now
