"""Units (cơ quan, đơn vị): organisations, nested by `parent_id`, placed in an area, effective-dated.

Rules:
- `path` is the chain of unit ids, '/3/17/', so a unit coordinator's subtree is one prefix match; it is written
  when a unit is created and rewritten for the whole subtree when its parent changes (`app.units.operations`);
- `search_key` is the folded name and short name (diacritic-free search);
- a unit is in force from `valid_from` to `valid_to` (inclusive; open while `valid_to` is empty), like areas.
  Units that existed before the registry start on 1/12/2024, the first day of the oldest map the programme
  loads (`UNITS_EPOCH`, the column's server default);
- `headcount` carries the year it counts and its source (`headcount_year`, `headcount_source`);
- `unit_names` keeps every name a unit has had, each with its own period: the current name is the row with no
  `valid_to`; a rename closes it the day before and opens the new one (a second rename on the same day corrects
  that day's row). A unit created before the registry gets its first row on its first rename.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.area import Area
from app.models.vocab import UNIT_KINDS, check_in
from app.text import fold
from app.timeutil import utcnow

UNITS_EPOCH = date(2024, 12, 1)


class Unit(db.Model):
    __tablename__ = "units"
    __table_args__ = (
        CheckConstraint(check_in("kind", UNIT_KINDS), name="kind"),
        CheckConstraint("headcount IS NULL OR headcount >= 0", name="headcount"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_period"),
        CheckConstraint("headcount_year IS NULL OR headcount_year BETWEEN 2000 AND 2100", name="headcount_year"),
        Index("ix_units_path", "path"),
        Index("ix_units_search_key", "search_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(24))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    headcount: Mapped[int | None] = mapped_column(Integer)
    headcount_year: Mapped[int | None] = mapped_column(Integer)
    headcount_source: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(300))
    valid_from: Mapped[date] = mapped_column(Date, server_default=text("'2024-12-01'"))
    valid_to: Mapped[date | None] = mapped_column(Date)
    path: Mapped[str] = mapped_column(String(255), default="")
    search_key: Mapped[str] = mapped_column(String(270), default="")

    area: Mapped[Area] = relationship(lazy="raise")
    parent: Mapped[Unit | None] = relationship(remote_side=[id], lazy="raise")

    def set_name(self, name: str, short_name: str | None = None) -> None:
        self.name, self.short_name = name, short_name or None
        self.search_key = search_key_of(name, short_name)

    @property
    def kind_label(self) -> str:
        return UNIT_KINDS.get(self.kind, self.kind)

    def open_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def search_key_of(name: str, short_name: str | None = None) -> str:
    return fold(f"{name} {short_name}" if short_name else name)


class UnitName(db.Model):
    """One name of a unit over one period (the current one has no `valid_to`)."""

    __tablename__ = "unit_names"
    __table_args__ = (CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(60))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


UNIT_CHANGE_KINDS = {"merge": "Gộp", "split": "Tách"}


class UnitCrosswalk(db.Model):
    """One row of a merge or split: `from_unit` ended the day before `effective`; `to_unit` took over.

    A merge row moves the source's records to the successor (`app.units.changes`); a split row does not:
    the source's records stay on it until a person places each one (`rollout.unit_changes`).
    """

    __tablename__ = "unit_crosswalk"
    __table_args__ = (
        CheckConstraint("from_unit_id <> to_unit_id", name="distinct_units"),
        CheckConstraint(check_in("kind", UNIT_CHANGE_KINDS), name="kind"),
        Index("uq_unit_crosswalk_link", "from_unit_id", "to_unit_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    effective: Mapped[date] = mapped_column(Date)
    decision: Mapped[str] = mapped_column(String(200))
    headcount: Mapped[int | None] = mapped_column(Integer)  # a merged source's headcount added to `to_unit`
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    from_unit: Mapped[Unit] = relationship(foreign_keys=[from_unit_id], lazy="raise")
    to_unit: Mapped[Unit] = relationship(foreign_keys=[to_unit_id], lazy="raise")


UNIT_MOVE_ENTITIES = {
    "person": "Học viên, người học", "trainer": "Giảng viên", "class": "Lớp học (đơn vị chủ trì)",
    "user": "Tài khoản phụ trách", "api_client": "Hệ thống kết nối", "activity": "Nhiệm vụ kế hoạch (đơn vị chủ trì)",
    "unit": "Đơn vị trực thuộc", "assignment": "Phân công giảng viên",
}


class UnitMove(db.Model):
    """One record re-pointed by a merge or placed after a split: `entity` #`entity_id` was on `from_unit` until the
    day before `effective`, and is on `to_unit` from then (the counts as of an earlier day read it back)."""

    __tablename__ = "unit_moves"
    __table_args__ = (
        CheckConstraint(check_in("entity", UNIT_MOVE_ENTITIES), name="entity"),
        Index("ix_unit_moves_entity", "entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    crosswalk_id: Mapped[int] = mapped_column(ForeignKey("unit_crosswalk.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[int] = mapped_column(Integer)
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    effective: Mapped[date] = mapped_column(Date)
    moved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    moved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
