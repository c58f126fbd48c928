"""Trainers: persons who teach, linked to the mentor whose class trained them.

Rules kept by the database: one trainer per person; not one's own mentor; only a
province core trainer may have no mentor; the teachable level is 1–5.
`path` ('/root/.../self/') and `generation` are derived from the mentor links and
kept by the network operations; `lantoa network recompute` checks them.
`search_key` is a copy of the person's folded name (`Person.search_key`), so that the trainer list sorts and
searches 30k trainers by their own index instead of a million persons: set as the row is built (`add_trainer`,
the demo's rows), copied by `app.trainers.keys.copy_name_keys` when a trainer's person or a person's name
changes (the merge of persons); `lantoa network recompute` repairs any drift.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.area import Area
from app.models.person import Person
from app.models.unit import Unit
from app.models.vocab import TRAINER_STATUSES, TRAINER_TIERS, check_in


class Trainer(db.Model):
    __tablename__ = "trainers"
    __table_args__ = (
        CheckConstraint("mentor_id IS NULL OR mentor_id <> id", name="not_own_mentor"),
        CheckConstraint("mentor_id IS NOT NULL OR tier = 'province'", name="mentor_required"),
        CheckConstraint("max_level BETWEEN 1 AND 5", name="max_level"),
        CheckConstraint(check_in("tier", TRAINER_TIERS), name="tier"),
        CheckConstraint(check_in("status", TRAINER_STATUSES), name="status"),
        Index("ix_trainers_path", "path"),
        # the trainer list's order (name, id) and its name search read this index, not persons
        Index("ix_trainers_search_key", "search_key", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), unique=True)
    tier: Mapped[str] = mapped_column(String(12))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("trainers.id"), index=True)
    origin_class_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_classes.id", use_alter=True), index=True
    )
    max_level: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(8), default="active")
    certified_on: Mapped[date | None] = mapped_column(Date)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(String(512), default="")
    generation: Mapped[int] = mapped_column(Integer, default=0)
    search_key: Mapped[str] = mapped_column(String(120), server_default="")

    person: Mapped[Person] = relationship(lazy="raise")
    mentor: Mapped[Trainer | None] = relationship(remote_side=[id], lazy="raise")
    area: Mapped[Area | None] = relationship(lazy="raise")
    unit: Mapped[Unit | None] = relationship(lazy="raise")

    @property
    def tier_label(self) -> str:
        return TRAINER_TIERS[self.tier]

    @property
    def status_label(self) -> str:
        return TRAINER_STATUSES[self.status]

    @property
    def lineage_ids(self) -> list[int]:
        """Ids from the root to this trainer, read from the stored path."""
        return [int(part) for part in self.path.strip("/").split("/") if part]
