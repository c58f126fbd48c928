"""The plan part of the session's world: Phú Bình's own small plan with a dependency, its district plan, an
evidence file for each, and a gap, so that every plan route can be tried with another district's ids.

`build_plan_world` runs inside `factories.build_world`; `PlanWorld.load` reads the handles back by natural keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Activity, ActivityDependency, Area, DistrictPlan, Evidence, Gap, Plan
from app.plan.loading import store_plan
from rollout.plan import load_plan

PHU_BINH_PLAN = {
    "number": "45/KH-UBND",
    "date": "2025-01-10",
    "issuer": "UBND huyện Phú Bình",
    "title": "Kế hoạch triển khai “Bình dân học AI” trên địa bàn huyện Phú Bình năm 2025",
    "area_code": "D173",
    "period": {"start": "2025-01-01", "end": "2025-12-31"},
    "phases": [{"number": 1, "name": "Lan tỏa", "window": {"start": "2025-01", "end": "2025-12"}}],
    "activities": [
        {"number": 1, "title": "Tập huấn nòng cốt cấp huyện", "window": {"start": "2025-01", "end": "2025-02"},
         "phase": 1, "lead_units": ["UBND huyện Phú Bình"], "quantities": {"learners": 300}},
        {"number": 2, "title": "Mở lớp tại các xã", "window": {"start": "2025-03", "end": "2025-10"}, "phase": 1,
         "depends_on": [{"activity": 1, "lag_days": 0}]},
    ],
}


def build_plan_world() -> None:
    phu_binh = db.session.scalar(select(Area).where(Area.code == "D173").order_by(Area.valid_from).limit(1))
    plan = store_plan(load_plan(PHU_BINH_PLAN), source="tests").plan
    first = db.session.scalar(select(Activity).where(Activity.plan_id == plan.id, Activity.number == 1))
    district_plan = DistrictPlan(area_id=phu_binh.id, number="45/KH-UBND", issued_on=date(2025, 1, 10),
                                 launched_on=date(2025, 1, 20), note="")
    db.session.add(district_plan)
    db.session.flush()
    for n, subject in enumerate(({"activity_id": first.id}, {"district_plan_id": district_plan.id}), start=1):
        db.session.add(Evidence(kind="pdf", original_name=f"ke-hoach-phu-binh-{n}.pdf",
                                stored_name=f"{n:032x}.pdf", size_bytes=1024, sha256="0" * 64,
                                area_id=phu_binh.id, description="", **subject))
    db.session.add(Gap(rule_code="activity_not_started", subject_kind="activity", subject_id=str(first.id),
                       area_id=phu_binh.id, severity="medium", state="open",
                       params={"number": 1, "title": first.title, "planned_start": "2025-01-01", "days_late": 30}))
    db.session.flush()


@dataclass
class PlanWorld:
    plan: Plan
    activity: Activity
    dependency: ActivityDependency
    evidence: Evidence
    gap: Gap

    @classmethod
    def load(cls) -> PlanWorld:
        plan = db.session.scalar(select(Plan).where(Plan.number == "45/KH-UBND"))
        activity = db.session.scalar(select(Activity).where(Activity.plan_id == plan.id, Activity.number == 1))
        return cls(
            plan, activity,
            db.session.scalar(select(ActivityDependency).where(ActivityDependency.plan_id == plan.id)),
            db.session.scalar(select(Evidence).where(Evidence.activity_id == activity.id)),
            db.session.scalar(select(Gap).where(Gap.subject_id == str(activity.id))),
        )
