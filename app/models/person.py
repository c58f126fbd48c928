"""Persons: anyone who learns or teaches.

Rules: one person per phone and per national ID number (unique columns); phones are
stored as +84xxxxxxxxx; the ID number is never shown in full (`masked_national_id`).
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.area import Area
from app.models.unit import Unit
from app.models.vocab import AUDIENCE_GROUPS, GENDERS, check_in
from app.text import fold


class Person(db.Model):
    __tablename__ = "persons"
    __table_args__ = (
        CheckConstraint("gender IS NULL OR " + check_in("gender", GENDERS), name="gender"),
        CheckConstraint(
            "audience_group IS NULL OR " + check_in("audience_group", AUDIENCE_GROUPS), name="audience_group"
        ),
        CheckConstraint("birth_year IS NULL OR (birth_year >= 1900 AND birth_year <= 2100)", name="birth_year"),
        Index("ix_persons_search_key", "search_key"),
        # the gap scan's duplicate check (same folded name, birth year and home commune) reads only this index
        Index("ix_persons_duplicate_key", "search_key", "birth_year", "home_area_id"),
        # the business-owners indicator reads the persons of one audience by home area from this index
        Index("ix_persons_audience_area", "audience_group", "home_area_id"),
        # the audience rule's ethnic-minority residents per commune are counted from this index alone
        Index("ix_persons_ethnic_area", "ethnic_group", "home_area_id"),
        # /people/ walks this index by name and checks a coordinator's scope (home commune, unit) in the
        # index alone (app/web/paging.py)
        Index("ix_persons_list", "search_key", "id", "home_area_id", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    search_key: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    email: Mapped[str | None] = mapped_column(String(160))
    national_id: Mapped[str | None] = mapped_column(String(12), unique=True)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    gender: Mapped[str | None] = mapped_column(String(8))
    ethnic_group: Mapped[str | None] = mapped_column(String(40))
    home_area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    audience_group: Mapped[str | None] = mapped_column(String(24))

    home_area: Mapped[Area | None] = relationship(lazy="raise")
    unit: Mapped[Unit | None] = relationship(lazy="raise")

    def set_name(self, name: str) -> None:
        """Name and search key together. Renaming a person who is a trainer: then call
        `app.trainers.keys.copy_name_keys([person.id])` (the trainer list sorts by a copy of the key)."""
        self.full_name = name
        self.search_key = fold(name)

    @property
    def masked_national_id(self) -> str:
        if not self.national_id:
            return ""
        return "•" * (len(self.national_id) - 4) + self.national_id[-4:]
