"""The demo's rollout plan: KH 137 as the plan states it, with realistic progress as of today.

Rules (deterministic for a given today):
- the plan is loaded from data/plans/kh137.yaml once; a database that already has it is left as it is;
- the example continuation plan data/plans/mh2026-example.yaml (MH-2026, "Kế hoạch minh họa — không phải văn
  bản thật", 2026 on the 2025 map) is loaded beside it once, with no progress: it is in force from 1/1/2026;
- the district people's committees are linked as lead units of activities 3 and 5 ("UBND các huyện, thành
  phố", "UBND cấp huyện"), so each district's coordinator is responsible for them;
- activities whose planned finish is past are done on their planned dates (no evidence attached), except the
  two with the latest planned finish: the later one has not started, the other is at 80%; both are overdue,
  and what depends on them is not done either;
- activities under way today are in progress in proportion to the time elapsed; later ones have not started;
- 7 of the 9 districts recorded their plan (issued late December 2024, launched a week later); Võ Nhai and
  Định Hóa did not, so the gap "district without plan" shows while the 2024 map is in force;
- the gap scan runs once, so the gaps page is not empty on first sight.
"""

from __future__ import annotations

import datetime as dt

import networkx as nx
from sqlalchemy import select

from app import ROOT
from app.extensions import db
from app.gaps.scan import scan
from app.models import Activity, Area, DistrictPlan, Plan, Unit, activity_lead_units
from app.plan.domain import load_rows, plan_view, to_domain
from app.plan.loading import store_plan
from app.plan.operations import record_district_plan, update_progress
from rollout.plan import load_plan_file
from rollout.schedule import activity_graph

KH137 = ROOT / "data" / "plans" / "kh137.yaml"
EXAMPLE = ROOT / "data" / "plans" / "mh2026-example.yaml"  # an example continuation plan, not a real decision
DISTRICTS_WITHOUT_PLAN = ("D170", "D167")  # Võ Nhai, Định Hóa
DISTRICT_LED = (3, 5)


def seed_plan(province: Area, today: dt.date) -> list[str]:
    domain = load_plan_file(KH137)
    if db.session.scalar(select(Plan.id).where(Plan.issuer == domain.issuer, Plan.number == domain.number)):
        return ["Kế hoạch 137/KH-UBND đã có: giữ nguyên tiến độ.", *seed_example_plan()]
    plan = store_plan(domain, source=KH137.name).plan
    _link_district_committees(plan)
    _progress(plan, today)
    recorded = _district_plans(province, today)
    summary = scan(today)
    return [f"Đã nạp {plan.label} (3 giai đoạn, 10 hoạt động); {recorded}/9 huyện đã ghi nhận kế hoạch.",
            *seed_example_plan(), f"Rà soát cảnh báo: {summary}"]


def seed_example_plan() -> list[str]:
    """Load the example continuation plan (MH-2026, 2026 on the 2025 map, T1 over communes) once."""
    domain = load_plan_file(EXAMPLE)
    if db.session.scalar(select(Plan.id).where(Plan.issuer == domain.issuer, Plan.number == domain.number)):
        return []
    plan = store_plan(domain, source=EXAMPLE.name).plan
    return [f"Đã nạp {plan.label} — kế hoạch minh họa, không phải văn bản thật "
            f"({plan.period_start:%d/%m/%Y} – {plan.period_end:%d/%m/%Y}, theo bản đồ 2025)."]


def _link_district_committees(plan: Plan) -> None:
    committees = list(db.session.scalars(select(Unit.id).where(
        Unit.name.like("UBND huyện %") | Unit.name.like("UBND thành phố %"))))
    activities = db.session.scalars(select(Activity.id).where(Activity.plan_id == plan.id,
                                                              Activity.number.in_(DISTRICT_LED)))
    links = [{"activity_id": a, "unit_id": u} for a in activities for u in committees]
    if links:
        db.session.execute(activity_lead_units.insert(), links)


def _progress(plan: Plan, today: dt.date) -> None:
    rows = load_rows(plan)
    view = plan_view(rows, today)
    past = sorted((r for r in view.activities if r.planned_finish < today),
                  key=lambda r: (r.planned_finish, r.number))
    laggards = [r.number for r in reversed(past[-2:])]
    graph = activity_graph(to_domain(rows))
    blocked = set().union(*(nx.descendants(graph, n) for n in laggards)) if laggards else set()
    for row in view.activities:
        start, finish = row.planned_start, row.planned_finish
        if laggards and row.number == laggards[0]:
            continue  # the latest past-due activity has not started
        if row.number in laggards:
            data = {"status": "in_progress", "progress": 80, "started_on": start}
        elif finish < today and row.number not in blocked:
            data = {"status": "done", "started_on": start, "finished_on": finish}
        elif start <= today:
            elapsed = (today - start).days / max((finish - start).days, 1)
            data = {"status": "in_progress", "progress": min(95, int(elapsed * 100)), "started_on": start}
        else:
            continue
        update_progress(row.activity, {"progress": 0, "note": "", **data}, None, today)


def _district_plans(province: Area, today: dt.date) -> int:
    """Record the demo districts' plans; returns how many districts have one."""
    districts = list(db.session.scalars(select(Area).where(Area.parent_id == province.id,
                                                           Area.level == "district").order_by(Area.code)))
    recorded = 0
    for n, district in enumerate(districts):
        if db.session.scalar(select(DistrictPlan.id).where(DistrictPlan.area_id == district.id)):
            recorded += 1
            continue
        issued = dt.date(2024, 12, 16) + dt.timedelta(days=3 * n)
        if district.code in DISTRICTS_WITHOUT_PLAN or issued > today:
            continue
        launched = issued + dt.timedelta(days=7)
        record_district_plan(district, {"number": f"{150 + 7 * n}/KH-UBND", "issued_on": issued,
                                        "launched_on": launched if launched <= today else None,
                                        "note": "Kế hoạch triển khai chương trình “Bình dân học AI” trên địa bàn."},
                             None, today)
        recorded += 1
    return recorded
