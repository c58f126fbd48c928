"""Where a report or a dashboard measures, and the working-age figures it divides by.

The indicators themselves are measured once, in `app/targets/indicators.py`, for the targets dashboard, the
gap scan and the quarterly report alike. This module keeps:
- `Where`: the area whose subtree is measured, the map it is counted on (its `valid_from`) and the day the
  count stands on (`as_of`, e.g. the last day of a reported quarter);
- `populations` / `working_age_population`: an area's working-age residents, its own latest figure up to a
  year, else the sum of its children's, with whether any part is an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import Area, AreaPopulation
from app.scope import Scope

__all__ = ["Where", "populations", "working_age_population"]


@dataclass(frozen=True)
class Where:
    area: Area
    day: date  # the map the area belongs to (its valid_from)
    as_of: date

    @property
    def scope(self) -> Scope:
        return Scope(area_path=self.area.path)


def populations(area: Area, year: int) -> dict[int, tuple[int | None, bool]]:
    """(working-age residents, is an estimate) of every area in `area`'s subtree: its own latest figure up to
    `year`, else the sum of its children's (recursively); (None, False) when no figure covers it."""
    latest = (select(AreaPopulation.area_id, func.max(AreaPopulation.year).label("year"))
              .where(AreaPopulation.year <= year).group_by(AreaPopulation.area_id).subquery())
    rows = db.session.execute(
        select(AreaPopulation.area_id, AreaPopulation.working_age, AreaPopulation.is_estimate)
        .join(latest, (latest.c.area_id == AreaPopulation.area_id) & (latest.c.year == AreaPopulation.year))
        .join(Area, Area.id == AreaPopulation.area_id).where(Area.path.startswith(area.path))
    ).all()
    figures = {r.area_id: (r.working_age, r.is_estimate) for r in rows}
    children: dict[int, list[int]] = {}
    for child_id, parent_id in db.session.execute(
            select(Area.id, Area.parent_id).where(Area.path.startswith(area.path)).order_by(Area.path.desc())):
        children.setdefault(parent_id, []).append(child_id)
    result: dict[int, tuple[int | None, bool]] = {}

    def total(area_id: int) -> tuple[int | None, bool]:
        if area_id not in result:
            parts = [p for p in (total(c) for c in children.get(area_id, [])) if p[0] is not None]
            result[area_id] = figures.get(area_id) or (
                (sum(p[0] for p in parts), any(p[1] for p in parts)) if parts else (None, False))
        return result[area_id]

    total(area.id)
    return result


def working_age_population(area: Area, year: int) -> tuple[int | None, bool]:
    """(working-age residents, is an estimate) of the area (see `populations`)."""
    return populations(area, year)[area.id]
