"""Units (cơ quan, đơn vị): organisations, nested by `parent_id`, placed in an area.

`path` is the chain of unit ids, '/3/17/', so a unit coordinator's subtree is one prefix match.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.area import Area
from app.models.vocab import UNIT_KINDS, check_in
from app.text import fold


class Unit(db.Model):
    __tablename__ = "units"
    __table_args__ = (
        CheckConstraint(check_in("kind", UNIT_KINDS), name="kind"),
        CheckConstraint("headcount IS NULL OR headcount >= 0", name="headcount"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        Index("ix_units_path", "path"),
        Index("ix_units_search_key", "search_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(24))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    headcount: Mapped[int | None] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(255), default="")
    search_key: Mapped[str] = mapped_column(String(200), default="")

    area: Mapped[Area] = relationship(lazy="raise")
    parent: Mapped[Unit | None] = relationship(remote_side=[id], lazy="raise")

    def set_name(self, name: str) -> None:
        self.name = name
        self.search_key = fold(name)

    @property
    def kind_label(self) -> str:
        return UNIT_KINDS.get(self.kind, self.kind)
