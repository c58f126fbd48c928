"""Areas (địa bàn): administrative units with a validity period.

Rules: a code identifies an area only together with its map, so (code, valid_from)
is unique. `path` is the chain of ids from the top area, '/1/12/150/', so a subtree
is one indexed prefix match and no level count is assumed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.vocab import AREA_LEVELS, DIVISION_TYPES, check_in
from app.text import fold


class Area(db.Model):
    __tablename__ = "areas"
    __table_args__ = (
        UniqueConstraint("code", "valid_from"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_period"),
        CheckConstraint(check_in("level", AREA_LEVELS), name="level"),
        CheckConstraint(check_in("division_type", DIVISION_TYPES), name="division_type"),
        Index("ix_areas_path", "path"),
        Index("ix_areas_search_key", "search_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(160))
    division_type: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    path: Mapped[str] = mapped_column(String(255), default="")
    search_key: Mapped[str] = mapped_column(String(160), default="")

    parent: Mapped[Area | None] = relationship(remote_side=[id], lazy="raise")

    def set_name(self, name: str) -> None:
        self.name = name
        self.search_key = fold(name)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    @property
    def level_label(self) -> str:
        return AREA_LEVELS.get(self.level, self.level)

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def __repr__(self) -> str:
        return f"<Area {self.code} {self.name}>"
