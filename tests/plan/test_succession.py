"""Plans in succession: KH 137 and the example continuation plan MH-2026 (2026, on the 2025 map, communes as the
lowest tier) load side by side; "the" plan of a day is the plan in force on it (`plan_in_force`); the targets
dashboard and the reports measure against it; its T1 counts the communes' own plans."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app.areas.maps import AreaGraph
from app.demo.plan import EXAMPLE, seed_example_plan
from app.errors import OperationError
from app.extensions import db
from app.models import Area, Plan
from app.plan.loading import store_plan
from app.plan.operations import record_district_plan
from app.plan.queries import plan_in_force, takes_local_plan
from app.reports.quarters import Quarter
from app.reports.workbook import ReportContext
from app.targets.indicators import measure_all, totals
from app.targets.targets import current_targets
from rollout.plan import load_plan_file
from tests.conftest import post_form
from tests.factories import make_user

NEW_MAP = date(2025, 7, 1)


@pytest.fixture
def example() -> Plan:
    return store_plan(load_plan_file(EXAMPLE), source=EXAMPLE.name).plan


def _new_province() -> Area:
    return db.session.scalar(select(Area).where(Area.code == "P19", Area.valid_from == NEW_MAP))


def _new_commune() -> Area:
    return db.session.scalar(select(Area).where(Area.level == "commune", Area.valid_from == NEW_MAP)
                             .order_by(Area.code).limit(1))


def test_both_plans_load_each_with_its_period_area_and_targets(kh137, example):
    assert example.number == "MH-2026" and example.id != kh137.id
    assert (example.period_start, example.period_end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert example.area_id == _new_province().id and example.area_code == "P19"
    assert kh137.period_end == date(2025, 12, 31)
    assert example.is_example and not kh137.is_example
    assert "Kế hoạch minh họa — không phải văn bản thật" in example.title
    t1 = next(t for t in example.targets if t["code"] == "T1")
    assert t1["denominator"] == "commune" and t1["indicators"][0]["code"] == "communes_plan_issued"
    assert store_plan(load_plan_file(EXAMPLE), source=EXAMPLE.name).changed is False  # idempotent


def test_the_plan_in_force_is_the_one_whose_period_holds_the_day(kh137, example):
    assert plan_in_force(date(2025, 6, 15)).id == kh137.id
    assert plan_in_force(date(2026, 3, 15)).id == example.id
    assert plan_in_force(date(2027, 2, 1)).id == example.id  # after every period: the latest started
    assert plan_in_force(date(2024, 1, 1)).id == kh137.id  # before every period: the first
    # a district's own plan (Phú Bình's 45/KH-UBND, 2025) is never the programme's plan
    assert plan_in_force(date(2025, 3, 1)).id == kh137.id


def test_targets_are_those_of_the_plan_in_force(kh137, example):
    old, new = current_targets(date(2025, 6, 15)), current_targets(date(2026, 3, 15))
    assert "districts_plan_issued" in old and "communes_plan_issued" not in old
    assert "communes_plan_issued" in new and "districts_plan_issued" not in new
    assert old["business_owners_trained"].percent == 80 and new["business_owners_trained"].percent == 90
    assert new["business_owners_trained"].start_on == date(2026, 1, 1)
    assert new["communes_plan_issued"].deadline == date(2026, 6, 30)


def _dashboard(client, login_as, pin, day) -> str:
    pin(day)
    login_as("steering")
    response = client.get("/targets/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_dashboard_on_a_pinned_day_shows_that_plans_targets(client, login_as, pinned_today, kh137, example):
    html = _dashboard(client, login_as, pinned_today, date(2026, 3, 15))
    assert re.search(r'id="plan-in-force">Theo <a [^>]*>Kế hoạch MH-2026', html)
    assert 'id="target-communes_plan_issued"' in html and 'id="target-districts_plan_issued"' not in html
    assert "Xã, phường ban hành kế hoạch, phát động chương trình" in html
    section = html.split('id="target-business_owners_trained"')[1].split("</section>")[0]
    assert "mục tiêu 90" in section and "31/12/2026" in section


def test_the_dashboard_before_the_succession_shows_kh137(client, login_as, pinned_today, kh137, example):
    html = _dashboard(client, login_as, pinned_today, date(2025, 6, 15))
    assert re.search(r'id="plan-in-force">Theo <a [^>]*>Kế hoạch 137/KH-UBND', html)
    assert 'id="target-districts_plan_issued"' in html and 'id="target-communes_plan_issued"' not in html
    section = html.split('id="target-business_owners_trained"')[1].split("</section>")[0]
    assert "mục tiêu 80" in section


def test_t1_of_the_2025_map_plan_counts_communes(kh137, example):
    commune = _new_commune()
    assert takes_local_plan(commune)
    record_district_plan(commune, {"number": "12/KH-UBND", "issued_on": date(2026, 1, 20),
                                   "launched_on": date(2026, 1, 27)}, None, date(2026, 3, 15))
    graph = AreaGraph.load()
    measures = measure_all(NEW_MAP, date(2026, 3, 15), 3, graph)
    communes = sum(1 for n in graph.nodes.values() if n.level == "commune" and n.valid_on(NEW_MAP))
    assert totals(measures["communes_plan_issued"], _new_province().id, graph) == (1, communes)
    assert measures["districts_plan_issued"].has_denominator is False  # the 2025 map has no districts
    # before its launch the commune's plan does not count yet
    early = measure_all(NEW_MAP, date(2026, 1, 21), 3, graph)
    assert totals(early["communes_plan_issued"], _new_province().id, graph)[0] == 0


def test_a_commune_records_its_plan_only_under_a_commune_based_plan(kh137):
    commune = _new_commune()
    assert not takes_local_plan(commune)
    with pytest.raises(OperationError, match="cấp xã"):
        record_district_plan(commune, {"number": "12/KH-UBND", "issued_on": date(2026, 1, 20)}, None,
                             date(2026, 3, 15))


def test_an_old_map_commune_is_not_a_tier_of_the_2026_plan(kh137, example):
    old = db.session.scalar(select(Area).where(Area.level == "commune", Area.valid_to == date(2025, 6, 30))
                            .order_by(Area.code).limit(1))
    assert old is not None and not takes_local_plan(old)


def test_the_district_plans_page_lists_and_records_communes_of_the_2026_plan(client, login_as, kh137, example):
    commune = _new_commune()
    login_as("steering")
    page = client.get("/plan/districts").get_data(as_text=True)
    assert f"/plan/districts/{commune.id}" in page
    assert client.get(f"/plan/districts/{commune.id}").status_code == 200


def test_a_commune_page_is_404_without_a_commune_based_plan(client, login_as, kh137):
    login_as("steering")
    assert client.get(f"/plan/districts/{_new_commune().id}").status_code == 404


def test_the_example_plan_is_labelled_on_its_page_and_in_the_list(client, login_as, kh137, example):
    login_as("steering")
    html = client.get(f"/plan/{example.id}").get_data(as_text=True)
    assert 'id="example-plan"' in html and "Kế hoạch minh họa — không phải văn bản thật" in html
    assert "Ví dụ minh họa" in html
    own = client.get(f"/plan/{kh137.id}").get_data(as_text=True)
    assert 'id="example-plan"' not in own
    assert "Ví dụ minh họa" in client.get("/plan/").get_data(as_text=True)


def test_reports_use_the_plan_in_force_at_the_quarters_end(kh137, example):
    def plan_of(quarter):
        return ReportContext(None, quarter, datetime(2026, 4, 1), "test", AreaGraph.load()).plan

    assert plan_of(Quarter(2025, 4)).number == "137/KH-UBND"
    new = plan_of(Quarter(2026, 1))
    assert new.number == "MH-2026"
    assert [i.code for t in new.targets for i in t.indicators][0] == "communes_plan_issued"


def test_the_demo_ships_the_example_plan_once(kh137):
    lines = seed_example_plan()
    assert len(lines) == 1 and "minh họa, không phải văn bản thật" in lines[0]
    assert seed_example_plan() == []
    assert db.session.scalar(select(Plan).where(Plan.number == "MH-2026")).is_example


def test_a_coordinator_of_another_area_cannot_record_a_commune_plan(client, login_as, kh137, example):
    commune = _new_commune()
    make_user("coord_elsewhere", "coordinator", area_obj=db.session.scalar(
        select(Area).where(Area.level == "commune", Area.valid_from == NEW_MAP, Area.id != commune.id)
        .order_by(Area.code).limit(1)))
    login_as("coord_elsewhere")
    assert client.get(f"/plan/districts/{commune.id}").status_code == 404


def test_steering_edits_a_target_of_the_plan_in_force(client, login_as, pinned_today, kh137, example):
    pinned_today(date(2026, 3, 15))
    login_as("steering")
    assert client.get("/targets/districts_plan_issued/edit").status_code == 404  # KH 137's only
    response = post_form(client, "/targets/communes_plan_issued/edit",
                         {"target_percent": "95", "start_on": "2026-01-01", "deadline": "2026-09-30"})
    assert response.status_code == 302, re.findall(r"class=\"[^\"]*(?:error|danger)[^\"]*\"[^>]*>([^<]+)", response.get_data(as_text=True))
    new = current_targets(date(2026, 3, 15))["communes_plan_issued"]
    assert (new.percent, new.deadline) == (95, date(2026, 9, 30))
    assert "districts_plan_issued" in current_targets(date(2025, 6, 15))  # KH 137 keeps its targets
    section = client.get("/targets/").get_data(as_text=True).split('id="target-communes_plan_issued"')[1]
    assert "mục tiêu 95" in section.split("</section>")[0]


def test_the_plan_gap_names_communes_without_a_plan_under_the_2025_map_plan(kh137, example):
    from app.gaps.scan import findings_for

    with_plan, without = db.session.scalars(select(Area).where(Area.level == "commune", Area.valid_from == NEW_MAP)
                                            .order_by(Area.code).limit(2)).all()
    record_district_plan(with_plan, {"number": "12/KH-UBND", "issued_on": date(2026, 1, 20)}, None,
                         date(2026, 3, 15))
    flagged = {int(f.subject_id) for f in findings_for(date(2026, 3, 15), codes=("district_without_plan",))}
    assert without.id in flagged and with_plan.id not in flagged
    communes = db.session.scalar(select(func.count(Area.id)).where(Area.level == "commune",
                                                                   Area.valid_from == NEW_MAP))
    assert len(flagged) == communes - 1  # no district: the 2024 map has ended
    # on 15/06/2025 the 2025 communes are not in force yet: only the old map's districts can be flagged
    early = findings_for(date(2025, 6, 15), codes=("district_without_plan",))
    assert all(db.session.get(Area, int(f.subject_id)).level == "district" for f in early)
