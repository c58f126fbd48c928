"""The plan's six targets measured on the data: one function per indicator, reusable by reports and dashboards.

Each measure takes a `Where` (the area whose subtree is measured, the map it is counted on, the day the
count stands on) and returns a `Measure` (numerator, denominator or None, and a Vietnamese note saying how it
was counted or why there is no denominator). `measure_all(where)` runs them in plan order;
`counts_for_plan(measures)` turns them into the `{code: (numerator, denominator)}` mapping that
`rollout.indicators.evaluate_targets` takes. Rules:

- a row is in scope by the same rule as a coordinator of the area sees it (`app.scope.visible` with the
  area's path): classes by venue, enrolments by their class, units and trainers by their area;
- counts stand on `as_of` (the last day of a reported quarter): enrolments completed on or before it,
  trainers certified on or before it (or without a date). A trainer's status is the current one (no history);
- T1 `districts_plan_issued`: the districts a stored plan covers (`app.plan.queries.planned_districts`, on the
  map of the plan: after the 2025 change they stay the old map's) whose image on the area's map lies in the area,
  with a district plan issued on or before `as_of`, over all those districts;
- T2 `units_with_core_group`: units in scope with at least `core_group_min_trainers` (plan setting) active
  trainers of their own (`Trainer.unit_id`), over all units in scope;
- T3 `civil_servants_trained`: distinct persons of audience `civil_servant` with a completed enrolment, over
  the headcount of agencies and political-social organisations in scope;
- T4 `business_owners_trained`: distinct persons of audience `business` with a completed enrolment; no
  population table holds business owners yet, so the denominator is None ("chưa có mẫu số");
- T5 `working_age_trained_online`: distinct persons who completed a Bậc 1 class (any mode: the basic class),
  over the working-age population (`working_age_population`);
- T6 `communes_with_trainer`: communes of the map below the area where an active trainer works, counted with
  the map-counting layer (`count_on_map` on `trainers.area_id`), over the communes of that map below the area.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from app.areas.graph import AreaGraph
from app.areas.maps import count_on_map
from app.extensions import db
from app.models import Area, AreaPopulation, Enrollment, Person, Trainer, TrainingClass, Unit
from app.scope import Scope, visible
from app.training.settings import plan_setting

__all__ = ["Where", "Measure", "MEASURES", "measure_all", "counts_for_plan", "working_age_population",
           "CIVIL_SERVICE_UNITS", "register_measure", "populations"]

CIVIL_SERVICE_UNITS = ("agency", "political_social")
NO_DENOMINATOR = "chưa có mẫu số"


@dataclass(frozen=True)
class Where:
    area: Area
    day: date  # the map the area belongs to (its valid_from)
    as_of: date

    @property
    def scope(self) -> Scope:
        return Scope(area_path=self.area.path)


@dataclass(frozen=True)
class Measure:
    code: str
    numerator: int
    denominator: int | None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def _completed(where: Where, *conditions):
    """Distinct persons with an enrolment completed by `as_of` in a class in scope."""
    stmt = (select(func.count(func.distinct(Enrollment.person_id)))
            .join(TrainingClass, TrainingClass.id == Enrollment.class_id)
            .where(visible(TrainingClass, where.scope), Enrollment.status == "completed",
                   or_(Enrollment.completed_on.is_(None), Enrollment.completed_on <= where.as_of), *conditions))
    return db.session.scalar(stmt) or 0


def _certified_by(as_of: date):
    return or_(Trainer.certified_on.is_(None), Trainer.certified_on <= as_of)


def units_with_core_group(where: Where) -> Measure:
    need = plan_setting("core_group_min_trainers")
    units = select(Unit.id).where(visible(Unit, where.scope))
    total = db.session.scalar(select(func.count()).select_from(units.subquery())) or 0
    groups = (select(Trainer.unit_id).where(Trainer.unit_id.in_(units), Trainer.status == "active",
                                            _certified_by(where.as_of))
              .group_by(Trainer.unit_id).having(func.count(Trainer.id) >= need))
    formed = db.session.scalar(select(func.count()).select_from(groups.subquery())) or 0
    return Measure("units_with_core_group", formed, total or None,
                   f"Nhóm nòng cốt: từ {need} giảng viên đang hoạt động của chính đơn vị.")


def civil_servants_trained(where: Where) -> Measure:
    done = _completed(where, Enrollment.person_id.in_(
        select(Person.id).where(Person.audience_group == "civil_servant")))
    headcount = db.session.scalar(select(func.sum(Unit.headcount)).where(
        visible(Unit, where.scope), Unit.kind.in_(CIVIL_SERVICE_UNITS))) or 0
    note = "Mẫu số: biên chế các cơ quan, tổ chức chính trị - xã hội trong phạm vi."
    return Measure("civil_servants_trained", done, headcount or None, note if headcount else NO_DENOMINATOR)


def business_owners_trained(where: Where) -> Measure:
    done = _completed(where, Enrollment.person_id.in_(select(Person.id).where(Person.audience_group == "business")))
    return Measure("business_owners_trained", done, None,
                   NO_DENOMINATOR + ": chưa có số chủ doanh nghiệp, HTX, hộ kinh doanh theo địa bàn.")


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


def working_age_trained_online(where: Where) -> Measure:
    done = _completed(where, TrainingClass.level == 1)
    population, estimate = working_age_population(where.area, where.as_of.year)
    note = "Học viên hoàn thành lớp Bậc 1 (lớp cơ bản)."
    if population is None:
        note += " " + NO_DENOMINATOR + ": chưa có dân số trong độ tuổi lao động."
    elif estimate:
        note += " Mẫu số là số ước tính."
    return Measure("working_age_trained_online", done, population or None, note)


def communes_with_trainer(where: Where, graph: AreaGraph | None = None) -> Measure:
    graph = graph or AreaGraph.load()
    counts = count_on_map("trainers.area_id", where.day, graph=graph,
                          where=(Trainer.status == "active", _certified_by(where.as_of)))
    communes = [n.id for n in graph.nodes.values()
                if n.level == "commune" and n.valid_on(where.day) and where.area.id in n.ids]
    covered = sum(1 for c in communes if counts.get(c, 0) > 0)
    return Measure("communes_with_trainer", covered, len(communes) or None,
                   "Xã, phường có ít nhất một giảng viên đang hoạt động (đếm trên bản đồ của phạm vi).")


def districts_plan_issued(where: Where, graph: AreaGraph | None = None) -> Measure:
    from app.models import DistrictPlan
    from app.plan.queries import planned_districts

    graph = graph or AreaGraph.load()
    inside = []
    for district_id in db.session.scalars(select(Area.id).where(planned_districts())):
        image = graph.image(district_id, where.day)
        if image is not None and where.area.id in graph.nodes[image].ids:
            inside.append(district_id)
    issued = db.session.scalar(select(func.count(DistrictPlan.id)).where(
        DistrictPlan.area_id.in_(inside), DistrictPlan.issued_on.is_not(None),
        DistrictPlan.issued_on <= where.as_of)) if inside else 0
    return Measure("districts_plan_issued", issued or 0, len(inside) or None,
                   "Huyện, thành phố (bản đồ của kế hoạch) đã ban hành kế hoạch đến ngày tính số liệu.")


MEASURES: list[Callable[[Where], Measure | None]] = [
    districts_plan_issued, units_with_core_group, civil_servants_trained, business_owners_trained,
    working_age_trained_online, communes_with_trainer,
]


def register_measure(function: Callable[[Where], Measure | None]) -> None:
    """Add a measure (the targets feature adds its own); it runs after the six."""
    MEASURES.append(function)


def measure_all(where: Where) -> list[Measure]:
    return [m for m in (function(where) for function in MEASURES) if m is not None]


def counts_for_plan(measures: list[Measure]) -> dict[str, tuple[int, int | None]]:
    return {m.code: (m.numerator, m.denominator) for m in measures}
