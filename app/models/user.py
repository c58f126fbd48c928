"""Users: a role and at most one scope (an area subtree or a unit subtree).

Rules: coordinators need a scope; a scope is an area or a unit, never both;
trainers are linked to their person. Passwords are stored as salted hashes only.
"""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.area import Area
from app.models.person import Person
from app.models.unit import Unit
from app.models.vocab import DIGEST_FREQUENCIES, ROLES, check_in
from app.timeutil import utcnow

# The password hash of an account that has none yet (created by an invitation, waiting for its owner to choose
# one): no hash starts with "!", so no password matches it (werkzeug answers False for a hash without a method).
NO_PASSWORD = "!invited"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(check_in("role", ROLES), name="role"),
        CheckConstraint("scope_area_id IS NULL OR scope_unit_id IS NULL", name="one_scope"),
        CheckConstraint(
            "role <> 'coordinator' OR scope_area_id IS NOT NULL OR scope_unit_id IS NOT NULL",
            name="coordinator_scope",
        ),
        CheckConstraint("role <> 'trainer' OR person_id IS NOT NULL", name="trainer_person"),
        CheckConstraint(check_in("digest_frequency", DIGEST_FREQUENCIES), name="digest_frequency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str | None] = mapped_column(String(160))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(12))
    scope_area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    scope_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Bumped on logout and password change: a session cookie carrying an older version is refused.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # how often the e-mail digest comes (app/notifications/digest.py); chosen on the account page
    digest_frequency: Mapped[str] = mapped_column(String(8), default="daily", server_default="daily")

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session and remember-me cookies: "<id>:<session_version>"."""
        return f"{self.id}:{self.session_version or 0}"

    scope_area: Mapped[Area | None] = relationship(lazy="raise")
    scope_unit: Mapped[Unit | None] = relationship(lazy="raise")
    person: Mapped[Person | None] = relationship(lazy="raise")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        if not self.has_password:
            return False
        return check_password_hash(self.password_hash, password)

    @property
    def has_password(self) -> bool:
        """False for an account an invitation created, until its owner chooses a password."""
        return not (self.password_hash or NO_PASSWORD).startswith("!")

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive users cannot log in
        return self.active

    @property
    def greeting_name(self) -> str:
        """The name to greet: the linked person's (loaded with the signed-in user), else the account's."""
        person = self.__dict__.get("person")  # loaded by the user loader; never a lazy load
        if person is None and self.person_id:
            person = db.session.get(Person, self.person_id)
        return (person.full_name if person else "") or self.full_name or self.username

    @property
    def role_label(self) -> str:
        return ROLES[self.role]
