"""Leaderboards from the point ledger.

Rules:
- a board covers one area subtree: the user's commune, their district, or the province
  (a trainer's commune is their working area; a coordinator's district is their scope area); for those who see
  everything the province is the programme's area today (`programme_region`: after 1/7/2025 on the un-migrated
  2024 map, old Thái Nguyên and old Bắc Kạn together, under the merged province's name);
- the trainer board sums the points credited to trainers working in the subtree;
- the area board ranks the subtree's children (districts of the province, communes of a
  district) by the points earned there, and per 1,000 working-age residents where the
  population is known (latest year; estimates are flagged);
- a period (a quarter) limits the entries by `earned_on`; boards read the summed `point_totals`
  (app/rankings/totals.py), never the whole ledger.
Boards show names and points only: they are the programme's public honours, so every signed-in
user may read the province board.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.areas.maps import Region, programme_region
from app.extensions import db
from app.models import Area, AreaPopulation, Person, PointTotal, Trainer
from app.rankings.totals import ALL, period_key
from app.scope import visible
from app.timeutil import local_today
from app.training.queries import own_trainer

SCOPES = {"commune": "Xã của tôi", "district": "Huyện của tôi", "province": "Toàn tỉnh"}


def quarter_bounds(text: str | None) -> tuple[date, date] | None:
    """'2025-Q2' → (1 Apr 2025, 30 Jun 2025); anything else → None."""
    try:
        year, q = text.split("-Q")
        year, q = int(year), int(q)
    except (AttributeError, ValueError):
        return None
    if not 1 <= q <= 4 or not 2000 <= year <= 2100:
        return None
    start = date(year, 3 * q - 2, 1)
    end = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarters_with_points(today: date) -> list[str]:
    """Every quarter from the first point earned to today's, newest first (the leaderboard's choices)."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import PointEntry

    first, last = db.session.execute(select(func.min(PointEntry.earned_on), func.max(PointEntry.earned_on))).one()
    if first is None:
        return []
    last = min(last, today)
    quarters, year, q = [], first.year, (first.month - 1) // 3 + 1
    while (year, q) <= (last.year, (last.month - 1) // 3 + 1):
        quarters.append(f"{year}-Q{q}")
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return quarters[::-1]


def board_scopes(user) -> dict[str, Area | Region]:
    """The areas the user's boards may cover, narrowest first; "province" is the programme's area today (a
    region) for those who see everything and for those whose province is part of it."""
    base_id = None
    trainer = own_trainer(user)
    if trainer is not None:
        base_id = trainer.area_id
    elif user.scope_area_id:
        base_id = user.scope_area_id
    if not base_id:
        region = programme_region(local_today())
        return {"province": region} if region is not None else {}
    base = db.session.get(Area, base_id)
    ids = [int(p) for p in base.path.strip("/").split("/")]
    found = {a.id: a for a in db.session.scalars(select(Area).where(Area.id.in_(ids)))}
    scopes: dict[str, Area | Region] = {}
    for area in reversed([found[i] for i in ids if i in found]):
        key = {"commune": "commune", "district": "district", "province": "province"}.get(area.level)
        if key and key not in scopes:
            scopes[key] = area
    province = scopes.get("province")
    if province is not None:  # the whole programme when the user's province is a part of it (old Bắc Kạn's too)
        region = programme_region(local_today(), province.valid_from)
        if region is not None and province.id in region.ids:
            scopes["province"] = region
    return {k: scopes[k] for k in SCOPES if k in scopes}


def trainer_board(area: Area | Region, period=None, limit: int = 50) -> list[tuple[int, str, str, int]]:
    """(trainer id, name, commune, points) of trainers working in the area's subtree (a region's subtrees),
    best first."""
    stmt = (
        select(Trainer.id, Person.full_name, Area.name, PointTotal.points)
        .join(Trainer, Trainer.id == PointTotal.key_id)
        .join(Person, Person.id == Trainer.person_id)
        .join(Area, Area.id == Trainer.area_id)
        .where(PointTotal.kind == "trainer", PointTotal.period == period_key(period),
               Region.of(area).under(Area.path))
        .order_by(PointTotal.points.desc(), Person.full_name).limit(limit)
    )
    return [tuple(r) for r in db.session.execute(stmt).all()]


def area_board(area: Area | Region, period=None) -> list[dict]:
    """The area's children (a region's parts' children) ranked by points, with points per 1,000 working-age
    residents when known."""
    children = list(db.session.scalars(select(Area).where(Area.parent_id.in_(Region.of(area).ids))))
    if not children:
        return []
    points = {}
    for child in children:
        points[child.id] = db.session.scalar(
            select(func.coalesce(func.sum(PointTotal.points), 0)).join(Area, Area.id == PointTotal.key_id)
            .where(PointTotal.kind == "area", PointTotal.period == period_key(period),
                   Area.path.startswith(child.path))
        ) or 0
    latest = (select(AreaPopulation.area_id, func.max(AreaPopulation.year).label("year"))
              .where(AreaPopulation.area_id.in_([c.id for c in children])).group_by(AreaPopulation.area_id)
              .subquery())
    pops = {p.area_id: p for p in db.session.scalars(
        select(AreaPopulation).join(latest, (latest.c.area_id == AreaPopulation.area_id)
                                    & (latest.c.year == AreaPopulation.year)))}
    rows = []
    for child in children:
        pop = pops.get(child.id)
        per = (1000 * points[child.id] / pop.working_age) if pop and pop.working_age else None
        rows.append({"area": child, "points": points[child.id], "population": pop, "per_1000": per})
    rows.sort(key=lambda r: (-(r["per_1000"] if r["per_1000"] is not None else -1), -r["points"],
                             r["area"].name))
    return rows


def trainer_points(trainer_id: int) -> int:
    return db.session.scalar(select(PointTotal.points).where(
        PointTotal.kind == "trainer", PointTotal.key_id == trainer_id, PointTotal.period == ALL)) or 0


def visible_trainer_ids(user, ids: list[int]) -> set[int]:
    """Which board entries the user may open (names on boards are public; profiles stay scoped)."""
    if not ids:
        return set()
    return set(db.session.scalars(select(Trainer.id).where(Trainer.id.in_(ids), visible(Trainer, user))))
