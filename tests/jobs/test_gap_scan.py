"""The gap scan over the stored plan: findings stored as gaps with a lifecycle, idempotent runs, scoping."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.gaps.scan import SCANNED_RULES, scan
from app.models import Area, DistrictPlan, Gap, GapEvent
from app.plan.operations import update_progress
from tests.conftest import post_form
from tests.plan.conftest import logout
from tests.plan_world import PlanWorld


def _gaps(rule: str) -> dict[str, Gap]:
    return {g.subject_id: g for g in db.session.scalars(select(Gap).where(Gap.rule_code == rule))}


def _events(gap: Gap) -> list[str]:
    return list(db.session.scalars(select(GapEvent.action).where(GapEvent.gap_id == gap.id).order_by(GapEvent.id)))


def test_the_scan_stores_activity_and_district_gaps(kh137, activities):
    summary = scan(date(2025, 3, 15))
    overdue = _gaps("activity_overdue")
    assert {activities[n].id for n in (1, 2, 3, 4)} == {int(i) for i in overdue if i != str(PlanWorld.load().activity.id)}
    gap = overdue[str(activities[1].id)]
    assert gap.state == "open" and gap.severity == "high" and gap.area_id == kh137.area_id
    assert gap.params["number"] == 1 and gap.params["days_late"] == 74 and gap.params["plan_number"] == "137/KH-UBND"
    not_started = _gaps("activity_not_started")
    assert str(activities[5].id) in not_started and str(activities[6].id) in not_started
    districts = _gaps("district_without_plan")
    names = {db.session.get(Area, int(i)).name for i in districts}
    assert len(names) == 8 and "Huyện Phú Bình" not in names  # Phú Bình issued its plan on 10/01/2025
    assert "cảnh báo mới" in summary


def test_a_second_scan_on_the_same_day_changes_nothing(kh137):
    scan(date(2025, 3, 15))
    before = [(g.id, g.state, g.params, g.opened_at, g.resolved_at) for g in db.session.scalars(select(Gap))]
    events = db.session.scalar(select(db.func.count(GapEvent.id)))
    assert scan(date(2025, 3, 15)).startswith("0 cảnh báo mới, 0 mở lại, 0 đã khắc phục, 0 cập nhật số liệu")
    assert [(g.id, g.state, g.params, g.opened_at, g.resolved_at) for g in db.session.scalars(select(Gap))] == before
    assert db.session.scalar(select(db.func.count(GapEvent.id))) == events


def test_lifecycle_acknowledge_resolve_reopen(kh137, activities, world):
    today = date(2025, 3, 15)
    scan(today)
    gap = _gaps("activity_overdue")[str(activities[1].id)]
    from app.gaps.operations import acknowledge

    acknowledge(gap, world.users["steering"])
    scan(today)
    assert gap.state == "acknowledged"  # still found: the state is kept
    update_progress(activities[1], {"status": "done", "progress": 0, "started_on": date(2024, 12, 1),
                                    "finished_on": date(2025, 3, 10)}, None, today)
    scan(today)
    assert gap.state == "resolved" and gap.resolved_at is not None
    update_progress(activities[1], {"status": "in_progress", "progress": 90, "started_on": date(2024, 12, 1)},
                    None, today)
    scan(today)
    assert gap.state == "open" and gap.resolved_at is None
    assert _events(gap) == ["opened", "acknowledged", "resolved", "reopened"]


def test_days_late_are_refreshed_without_a_new_event(kh137, activities):
    scan(date(2025, 3, 15))
    gap = _gaps("activity_overdue")[str(activities[1].id)]
    scan(date(2025, 3, 16))
    assert gap.params["days_late"] == 75 and _events(gap) == ["opened"]


def test_recording_a_district_plan_resolves_its_gap(world, kh137):
    scan(date(2025, 3, 15))
    gap = _gaps("district_without_plan")[str(world.dai_tu.id)]
    db.session.add(DistrictPlan(area_id=world.dai_tu.id, number="1/KH-UBND", issued_on=date(2025, 3, 1), note=""))
    db.session.flush()
    scan(date(2025, 3, 15))
    assert gap.state == "resolved"


def test_district_gaps_fall_silent_after_the_map_change(kh137):
    scan(date(2025, 3, 15))
    scan(date(2025, 7, 2))  # the 2024 map (with districts) ended on 30/06/2025
    assert all(g.state == "resolved" for g in _gaps("district_without_plan").values())


def test_gaps_of_other_rules_are_left_alone(kh137):
    other = Gap(rule_code="commune_without_trainer", subject_kind="commune", subject_id="1", severity="high",
                params={"area_name": "Xã Thử"}, state="open")
    db.session.add(other)
    db.session.flush()
    scan(date(2025, 3, 15))
    assert other.state == "open" and "commune_without_trainer" not in SCANNED_RULES


def test_the_gaps_page_is_scoped_and_gaps_can_be_acknowledged(client, login_as, world, kh137):
    scan(date(2025, 3, 15))
    dai_tu_gap = _gaps("district_without_plan")[str(world.dai_tu.id)]
    login_as("coord_phubinh")
    page = client.get("/gaps/").get_data(as_text=True)
    assert "Huyện Đại Từ chưa ban hành kế hoạch" not in page
    assert client.post(f"/gaps/{dai_tu_gap.id}/acknowledge").status_code in (400, 404)
    logout(client)
    login_as("coord_daitu")
    page = client.get("/gaps/").get_data(as_text=True)
    assert "Huyện Đại Từ chưa ban hành kế hoạch triển khai chương trình “Bình dân học AI”." in page
    assert "Hoạt động 1 “" not in page  # a province activity led by others is not theirs
    response = post_form(client, f"/gaps/{dai_tu_gap.id}/acknowledge", {}, token_page="/gaps/")
    assert response.status_code == 302
    assert dai_tu_gap.state == "acknowledged"
    assert "Đã tiếp nhận" in client.get("/gaps/").get_data(as_text=True)
