"""Invitations: one-time links that let a trainer choose a password (kind `invite`) or a new one (`reset`).

Rules kept by the database:
- a link is stored only as the SHA-256 (hex) of its token (`token_hash`, unique); the token itself is shown once,
  when it is created, and never stored, logged or shown again;
- a link is bound to a person (and to the account it opens, `user_id`, set when the account exists);
- it works until `expires_at`, once: `used_at` is set when it is used, `revoked_at` when it is withdrawn (resending
  withdraws the previous one); `kind` and `channel` are closed vocabularies.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.vocab import INVITATION_CHANNELS, INVITATION_KINDS, check_in
from app.timeutil import utcnow


class Invitation(db.Model):
    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint(check_in("kind", INVITATION_KINDS), name="kind"),
        CheckConstraint(check_in("channel", INVITATION_CHANNELS), name="channel"),
        CheckConstraint("expires_at > created_at", name="expires_after_creation"),
        # a person's open link (the status of the "Lời mời" page) is read from this index
        Index("ix_invitations_person_open", "person_id", "used_at", "revoked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(8), default="invite")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(8), default="link")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
