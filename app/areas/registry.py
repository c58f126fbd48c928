"""The registry of area-bearing columns: every column that places a row on the map.

Rules: re-homing (`lantoa areas migrate`), the split-commune placement page and the
counting layer (`app.areas.maps`) work on exactly the columns registered here. A feature
that adds a model with an area column registers it once, at import time of its package:

    register_area_column(Assignment, "area_id", "Phân công", title=Assignment.note)

`title` is a column (or a `(id, text)` select) naming a row for a coordinator who must place it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select

from app.models import Person, Trainer, TrainingClass, Unit, User

__all__ = ["AreaColumn", "register_area_column", "area_columns", "area_column"]


@dataclass(frozen=True)
class AreaColumn:
    model: type
    column: str
    label: str
    title: object = None  # a column of the model, or a select of (id, text); None: "#id"

    @property
    def table(self) -> str:
        return self.model.__tablename__

    @property
    def key(self) -> str:
        return f"{self.table}.{self.column}"

    @property
    def attr(self):
        return getattr(self.model, self.column)

    def titles(self, ids: list[int]) -> dict[int, str]:
        """A readable name for each row id, for lists of rows to place."""
        if not ids:
            return {}
        if self.title is None:
            return {i: f"#{i}" for i in ids}
        if isinstance(self.title, Select):
            stmt = self.title.where(self.model.id.in_(ids))
        else:
            stmt = select(self.model.id, self.title).where(self.model.id.in_(ids))
        from app.extensions import db

        return {row_id: text for row_id, text in db.session.execute(stmt)}


_COLUMNS: dict[str, AreaColumn] = {}


def register_area_column(model: type, column: str, label: str, title=None) -> AreaColumn:
    """Declare that `model.column` holds an area id; re-registering replaces the entry."""
    entry = AreaColumn(model, column, label, title)
    _COLUMNS[entry.key] = entry
    return entry


def area_columns() -> list[AreaColumn]:
    return list(_COLUMNS.values())


def area_column(key: str) -> AreaColumn | None:
    return _COLUMNS.get(key)


register_area_column(Person, "home_area_id", "Cá nhân (nơi ở)", Person.full_name)
register_area_column(Unit, "area_id", "Cơ quan, đơn vị", Unit.name)
register_area_column(
    Trainer, "area_id", "Giảng viên",
    select(Trainer.id, Person.full_name).join(Person, Person.id == Trainer.person_id),
)
register_area_column(TrainingClass, "venue_area_id", "Lớp học (địa điểm)", TrainingClass.topic)
register_area_column(User, "scope_area_id", "Phạm vi điều phối viên", User.username)
