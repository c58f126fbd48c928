"""API token secrets: made once, shown once, stored only as their SHA-256.

Rules: a secret is `lt_` + `secrets.token_urlsafe(32)` (256 random bits); the database keeps its SHA-256 (hex)
and its first 11 characters (`lt_` + 8) to tell tokens apart on the admin page. A token authenticates while
its client is active, it is not revoked and `expires_at` is in the future. A client's scope is a `Scope` of
`app/scope.py`, built like a coordinator's, so every read goes through the same checkpoint as a user's.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import ApiClient, ApiToken, Area, Unit
from app.scope import Scope

SECRET_START = "lt_"
PREFIX_LENGTH = len(SECRET_START) + 8


def new_secret() -> str:
    return SECRET_START + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def find_token(secret: str) -> tuple[ApiToken, ApiClient] | None:
    """The token and client a secret names, whatever their state (the caller checks it)."""
    if not secret.startswith(SECRET_START) or len(secret) > 100:
        return None
    row = db.session.execute(select(ApiToken, ApiClient).join(ApiClient, ApiClient.id == ApiToken.client_id)
                             .where(ApiToken.token_hash == hash_secret(secret))).first()
    return (row[0], row[1]) if row else None


def usable(token: ApiToken, client: ApiClient, now: datetime) -> bool:
    expires = token.expires_at if token.expires_at.tzinfo else token.expires_at.replace(tzinfo=now.tzinfo)
    return client.active and token.revoked_at is None and expires > now


def client_scope(client: ApiClient) -> Scope:
    """The client's scope: its area subtree or its unit subtree (never everything: a client always has one)."""
    if client.scope_area_id is not None:
        return Scope(area_path=db.session.scalar(select(Area.path).where(Area.id == client.scope_area_id)))
    return Scope(unit_path=db.session.scalar(select(Unit.path).where(Unit.id == client.scope_unit_id)))
