"""Where trainers are needed: communes of the working map and units, with their need and coverage.

Rules:
- the working map is the map the data lives on (`app.areas.maps.working_map`: the newest map holding trainers);
  a commune's "district" is its district, or its cluster on the two-tier 2025 map;
- need, in trainer places, is ceil(working-age population ÷ `learners_per_trainer`), at least 1 (the plan wants
  a trainer in every commune). A commune's population is its own latest figure; without one, its district's
  latest figure shared evenly over the district's communes, shown as an estimate ("ước tính"). A unit's need
  is ceil(headcount ÷ `learners_per_trainer`), at least 1;
- coverage: each active trainer based there (commune: `Trainer.area_id`, unit: `Trainer.unit_id`) fills one
  place; each active assignment targeting it fills as many places as its classes. An assignment is active while
  its status is 'active' and it has not ended (`ends_on >= today`);
- **covered** means at least one active trainer based there OR one active assignment targeting it; the
  shortfall is need minus places filled (never below 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import false, func, select

from app.areas.maps import in_programme, working_map
from app.extensions import db
from app.models import Area, AreaPopulation, Assignment, Trainer, Unit
from app.scope import visible
from app.timeutil import local_today


@dataclass
class Target:
    kind: str  # 'area' | 'unit'
    id: int
    name: str
    place: str  # the district (communes) or the area (units)
    commune_id: int | None
    district_id: int | None
    unit_id: int | None
    working_age: int | None
    estimate: bool
    need: int
    resident: int = 0
    assigned: int = 0

    @property
    def covered(self) -> bool:
        return self.resident > 0 or self.assigned > 0

    @property
    def shortfall(self) -> int:
        return max(0, self.need - self.resident - self.assigned)

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.id)


def active_assignment(today: date):
    """The SQL condition of an active assignment on `today`."""
    return (Assignment.status == "active") & (Assignment.ends_on >= today)


def places(today: date) -> tuple[dict[int, tuple[str, int | None]], dict[int, str]]:
    """Communes of the working map inside the programme's area on `today` (`in_programme`: old Thái Nguyên
    before 1/7/2025 — old Bắc Kạn is outside —, the merged province from then on, on whichever map the data
    lives): id → (name, district id or None); and district id → name."""
    start = working_map()
    if start is None:
        return {}, {}
    stmt = select(Area.id, Area.name, Area.parent_id, Area.level).where(Area.valid_from == start,
                                                                         in_programme(Area.id, today, start))
    rows = db.session.execute(stmt).all()
    districts = {r.id: r.name for r in rows if r.level in ("district", "cluster")}
    communes = {r.id: (r.name, r.parent_id if r.parent_id in districts else None) for r in rows
                if r.level == "commune"}
    return communes, districts


def place_ids(user, kind: str, today: date | None = None):
    """The ids of the places `user` may assign to on `today`, as SQL (what `places` lists, in scope): communes
    of the working map inside the programme's area (kind 'area') or units located inside it (kind 'unit')."""
    today = today or local_today()
    if kind == "unit":
        return select(Unit.id).where(visible(Unit, user), in_programme(Unit.area_id, today))
    if kind != "area":
        return select(Area.id).where(false())
    start = working_map()
    return select(Area.id).where(Area.valid_from == start, Area.level == "commune", visible(Area, user),
                                 in_programme(Area.id, today, start))


def _latest_population(area_ids: list[int]) -> dict[int, tuple[int, bool]]:
    latest = (select(AreaPopulation.area_id, func.max(AreaPopulation.year).label("year"))
              .where(AreaPopulation.area_id.in_(area_ids)).group_by(AreaPopulation.area_id).subquery())
    rows = db.session.execute(
        select(AreaPopulation.area_id, AreaPopulation.working_age, AreaPopulation.is_estimate)
        .join(latest, (latest.c.area_id == AreaPopulation.area_id) & (latest.c.year == AreaPopulation.year))
    )
    return {r.area_id: (r.working_age, r.is_estimate) for r in rows}


def _need(people: int | None, per_trainer: int) -> int:
    return max(1, math.ceil(people / per_trainer)) if people and per_trainer > 0 else 1


Places = tuple[dict[int, tuple[str, int | None]], dict[int, str]]


def commune_targets(user, today: date, per_trainer: int, where: Places | None = None) -> list[Target]:
    """Communes in scope as targets; `where` is `places(today)` when the caller has read it already."""
    communes, districts = where or places(today)
    in_scope = set(db.session.scalars(select(Area.id).where(Area.id.in_(list(communes)), visible(Area, user))))
    population = _latest_population([*communes, *districts])
    sizes: dict[int | None, int] = {}
    for _name, district in communes.values():
        sizes[district] = sizes.get(district, 0) + 1
    targets = []
    for cid in sorted(in_scope, key=lambda c: (districts.get(communes[c][1], ""), communes[c][0])):
        name, district = communes[cid]
        people, estimate = population.get(cid, (None, False))
        if people is None and district in population:
            people, estimate = round(population[district][0] / sizes[district]), True
        targets.append(Target("area", cid, name, districts.get(district, ""), cid, district, None, people,
                              estimate, _need(people, per_trainer)))
    _fill(targets, today)
    return targets


def unit_targets(user, today: date, per_trainer: int, where: Places | None = None) -> list[Target]:
    """Units in scope located inside the programme's area on `today`, as targets; `where` is `places(today)`
    when the caller has read it already."""
    communes, districts = where or places(today)
    rows = db.session.execute(
        select(Unit.id, Unit.name, Unit.area_id, Unit.headcount, Area.name.label("area_name"))
        .join(Area, Area.id == Unit.area_id).where(visible(Unit, user), in_programme(Unit.area_id, today))
        .order_by(Unit.name)
    ).all()
    targets = []
    for r in rows:
        commune = r.area_id if r.area_id in communes else None
        district = communes[commune][1] if commune else (r.area_id if r.area_id in districts else None)
        targets.append(Target("unit", r.id, r.name, r.area_name, commune, district, r.id, r.headcount, False,
                              _need(r.headcount, per_trainer)))
    _fill(targets, today)
    return targets


def _fill(targets: list[Target], today: date) -> None:
    """Count resident active trainers and active assigned classes for each target."""
    for kind, column, assigned_col in (("area", Trainer.area_id, Assignment.area_id),
                                       ("unit", Trainer.unit_id, Assignment.unit_id)):
        ids = [t.id for t in targets if t.kind == kind]
        if not ids:
            continue
        resident = dict(db.session.execute(
            select(column, func.count(Trainer.id)).where(column.in_(ids), Trainer.status == "active")
            .group_by(column)).all())
        assigned = dict(db.session.execute(
            select(assigned_col, func.sum(Assignment.classes))
            .where(assigned_col.in_(ids), Assignment.target_kind == kind, active_assignment(today))
            .group_by(assigned_col)).all())
        for t in targets:
            if t.kind == kind:
                t.resident, t.assigned = resident.get(t.id, 0), int(assigned.get(t.id) or 0)


class PlaceLists:
    """The places of a view (`self.targets`) as the page lists them."""

    targets: list[Target]

    @property
    def uncovered(self) -> list[Target]:
        return [t for t in self.targets if not t.covered]

    @property
    def short(self) -> list[Target]:
        return [t for t in self.targets if t.shortfall > 0]

    @property
    def ordered(self) -> list[Target]:
        """Uncovered first, then short, then the rest (stable within each)."""
        return sorted(self.targets, key=lambda t: (t.covered, t.shortfall == 0))


@dataclass
class SuggestionView:
    """One suggested assignment as the page shows it (live or stored)."""

    trainer_id: int
    trainer_name: str
    target: Target
    classes: int
    reason_code: str
    why: str
