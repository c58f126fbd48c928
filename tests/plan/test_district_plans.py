"""District plans: district coordinators record theirs (target T1: 100% of districts issue a plan)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import DistrictPlan, Evidence
from tests.conftest import post_form
from tests.plan.conftest import logout
from tests.plan.test_evidence import PDF


def _record(client, district, **data):
    return post_form(client, f"/plan/districts/{district.id}", data, content_type="multipart/form-data")


def test_a_district_coordinator_records_their_plan_with_its_file(client, login_as, world, kh137, pinned_today):
    pinned_today(date(2025, 1, 31))
    login_as("coord_daitu")
    response = _record(client, world.dai_tu, number="12/KH-UBND", issued_on="2025-01-06", launched_on="2025-01-15",
                       note="", file=(io.BytesIO(PDF), "KH 12 Đại Từ.pdf"))
    assert response.status_code == 302
    plan = db.session.scalar(select(DistrictPlan).where(DistrictPlan.area_id == world.dai_tu.id))
    assert (plan.number, plan.issued_on, plan.launched_on) == ("12/KH-UBND", date(2025, 1, 6), date(2025, 1, 15))
    evidence = db.session.scalar(select(Evidence).where(Evidence.district_plan_id == plan.id))
    assert evidence.area_id == world.dai_tu.id and evidence.original_name == "KH 12 Đại Từ.pdf"
    page = client.get("/plan/districts").get_data(as_text=True)
    assert "12/KH-UBND" in page and "1/1" in page  # the coordinator sees their one district
    with client.get(f"/plan/evidence/{evidence.id}") as download:
        assert download.status_code == 200


def test_steering_sees_every_district_and_the_share_with_a_plan(client, login_as, world, kh137, pinned_today):
    pinned_today(date(2025, 3, 1))
    login_as("steering")
    page = client.get("/plan/districts").get_data(as_text=True)
    assert "1/9" in page  # only Phú Bình recorded one (tests/plan_world.py)
    assert page.count("Chưa ban hành") == 8


def test_another_districts_plan_is_out_of_reach(client, login_as, world):
    login_as("coord_daitu")
    assert client.get(f"/plan/districts/{world.phu_binh.id}").status_code == 404
    logout(client)
    login_as("coord_edu")  # a unit coordinator has no area scope
    assert client.get(f"/plan/districts/{world.dai_tu.id}").status_code == 404


@pytest.mark.parametrize(("data", "message"), [
    ({"number": "12/KH-UBND", "issued_on": "2025-02-10"}, "Ngày ban hành không được sau hôm nay"),
    ({"number": "12/KH-UBND", "issued_on": "2025-01-10", "launched_on": "2025-01-05"},
     "Ngày phát động không được trước ngày ban hành."),
    ({"number": "", "issued_on": "2025-01-10"}, "Nhập số hiệu của kế hoạch đã ban hành."),
    ({"number": "12/KH-UBND", "issued_on": "10/01/2025"}, "Ngày không hợp lệ."),
])
def test_bad_district_plans_are_refused(client, login_as, world, pinned_today, data, message):
    pinned_today(date(2025, 1, 31))
    login_as("coord_daitu")
    response = _record(client, world.dai_tu, note="", **data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(DistrictPlan).where(DistrictPlan.area_id == world.dai_tu.id)) is None
