"""The map change: the official old→new crosswalk and the history of re-homed rows.

Rules:
- `AreaCrosswalk` links an area of an earlier map to an area of a later map. Rows from the
  official file link old communes to new communes (`is_split` when the old commune went to
  several); `lantoa areas migrate` adds one row per old district to the cluster that carries
  on its coordinators. (old_area_id, new_area_id) is unique.
- `AreaRehoming` is the history kept when a row's area column is moved to the later map:
  table, column, row id, the old area and the new one. `new_area_id` is NULL while a row of
  a split commune waits for a coordinator to place it (the row itself keeps its old area
  until then). One history row per (table, column, row, old area): re-running changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.area import Area
from app.timeutil import utcnow


class AreaCrosswalk(db.Model):
    __tablename__ = "area_crosswalk"
    __table_args__ = (
        UniqueConstraint("old_area_id", "new_area_id"),
        CheckConstraint("old_area_id <> new_area_id", name="distinct_areas"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    old_area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    new_area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    is_split: Mapped[bool] = mapped_column(Boolean, default=False)

    old_area: Mapped[Area] = relationship(foreign_keys=[old_area_id], lazy="raise")
    new_area: Mapped[Area] = relationship(foreign_keys=[new_area_id], lazy="raise")


class AreaRehoming(db.Model):
    __tablename__ = "area_rehomings"
    __table_args__ = (
        UniqueConstraint("table_name", "column_name", "row_id", "old_area_id"),
        Index("ix_area_rehomings_row", "table_name", "column_name", "row_id"),
        Index("ix_area_rehomings_pending", "new_area_id", "placed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(60))
    column_name: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[int] = mapped_column(Integer)
    old_area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    new_area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    migrated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    placed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    placed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    old_area: Mapped[Area] = relationship(foreign_keys=[old_area_id], lazy="raise")
    new_area: Mapped[Area | None] = relationship(foreign_keys=[new_area_id], lazy="raise")

    @property
    def pending(self) -> bool:
        return self.new_area_id is None
