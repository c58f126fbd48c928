"""Certificates: one per person and level ("Bậc N"), issued when a learner completes a class of that level.

Rules kept by the database: one certificate per (person, level); the serial number and the
verification code are unique; a revoked certificate carries the date and the reason.
The public verification page shows only name, level, issue date and the programme.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.person import Person
from app.models.trainer import Trainer
from app.models.training import TrainingClass


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("person_id", "level"),
        CheckConstraint("level BETWEEN 1 AND 5", name="level"),
        CheckConstraint("revoked_on IS NULL OR revoke_reason IS NOT NULL", name="revoke_reason"),
        # /certificates/ walks this index newest first and checks its scope (class, holder), level and
        # validity filters in the index alone (app/web/paging.py)
        Index("ix_certificates_list", "issued_on", "id", "class_id", "person_id", "level", "revoked_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    serial: Mapped[str] = mapped_column(String(24), unique=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    issued_on: Mapped[date] = mapped_column(Date)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_classes.id"), index=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id"), index=True)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoke_reason: Mapped[str | None] = mapped_column(String(500))

    person: Mapped[Person] = relationship(lazy="raise")
    training_class: Mapped[TrainingClass] = relationship(lazy="raise")
    trainer: Mapped[Trainer] = relationship(lazy="raise")

    @property
    def revoked(self) -> bool:
        return self.revoked_on is not None
