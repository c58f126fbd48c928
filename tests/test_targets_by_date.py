"""The targets dashboard as of a chosen day ("Ngày tính", `?ngay=dd/mm/yyyy`) and targets kept per plan.

As of a day the page shows the programme's area of that day (old Thái Nguyên before 1/7/2025; the merged province
after — old Thái Nguyên and old Bắc Kạn while the 2024 map is the working map, the 2025 province after `lantoa areas
migrate`), the plan in force that day and that day's figures (its snapshot, else measured live). Each plan keeps
its own targets: editing the successor's leaves KH 137's as they were."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.areas.migration import migrate_to
from app.demo.plan import EXAMPLE
from app.extensions import db
from app.models import Area, AuditEvent, Plan, Target
from app.plan.loading import store_plan
from app.targets.targets import current_targets, seed_targets, targets_of
from rollout import PLANS_DIR
from rollout.plan import load_plan_file
from tests.conftest import post_form
from tests.factories import make_class, make_trainer
from tests.plan_world import PlanWorld

BEFORE, AFTER, TODAY = date(2025, 6, 15), date(2025, 7, 15), date(2025, 8, 15)
OLD, NEW = date(2024, 12, 1), date(2025, 7, 1)


@pytest.fixture
def kh137() -> Plan:
    return store_plan(load_plan_file(PLANS_DIR / "kh137.yaml"), source="kh137.yaml").plan


@pytest.fixture
def example(kh137) -> Plan:
    return store_plan(load_plan_file(EXAMPLE), source=EXAMPLE.name).plan


@pytest.fixture
def bac_kan(world):
    """A class held in old Bắc Kạn (2024 map) in March 2025."""
    province = db.session.scalar(select(Area).where(Area.code == "P06", Area.valid_from == OLD))
    district = db.session.scalar(select(Area).where(Area.parent_id == province.id).order_by(Area.code).limit(1))
    commune = db.session.scalar(select(Area).where(Area.parent_id == district.id).order_by(Area.code).limit(1))
    trainer = make_trainer(commune, name="Triệu Văn Kạn")
    make_class(trainer, commune, start_on=date(2025, 3, 1), topic="Lớp ở Bắc Kạn")
    db.session.flush()
    return province


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _area_line(html: str) -> str:
    return re.search(r'<p id="programme-area">(.*?)</p>', html, re.S).group(1)


def _count(html: str, key: str) -> int:
    found = re.search(rf'data-count="{key}"><span class="stat-value">([\d.]+)<', html)
    return int(found.group(1).replace(".", ""))


def test_before_1_july_2025_only_thai_nguyen_after_it_bac_kan_too(client, login_as, pinned_today, world, bac_kan,
                                                                   kh137):
    pinned_today(TODAY)
    login_as("steering")
    before = _page(client, "/targets/?ngay=15/06/2025")
    line = _area_line(before)
    assert "Tỉnh Thái Nguyên" in line and "sau sáp nhập" not in line
    assert "Bắc Kạn" not in before  # neither the area line nor a district below the trajectory
    assert "ngày tính 15/06/2025" in line
    assert re.search(r'id="plan-in-force">Theo <a [^>]*>Kế hoạch 137/KH-UBND', before)
    assert "kế hoạch có hiệu lực ngày 15/06/2025" in before
    assert "Số liệu chung đến ngày 15/06/2025" in before and "Số liệu đến ngày 15/06/2025" in before

    after = _page(client, "/targets/?ngay=15/07/2025")
    line = _area_line(after)
    assert "sau sáp nhập, từ 01/07/2025" in line
    parts = re.findall(r'<span class="programme-part">([^<]+)</span>', line)
    assert parts == ["Tỉnh Bắc Kạn", "Tỉnh Thái Nguyên"] or sorted(parts) == ["Tỉnh Bắc Kạn", "Tỉnh Thái Nguyên"]
    assert "bản đồ 2024" in line
    assert re.search(r'id="plan-in-force">Theo <a [^>]*>Kế hoạch 137/KH-UBND', after)  # until 31/12/2025
    # the figures are of the merged province: the class held in old Bắc Kạn counts after 1/7/2025 only
    assert _count(after, "classes_registered") == _count(before, "classes_registered") + 1


def test_after_areas_migrate_the_2025_province(client, login_as, pinned_today, world, bac_kan, kh137):
    pinned_today(TODAY)
    migrate_to(NEW)
    db.session.flush()
    login_as("steering")
    after = _page(client, "/targets/?ngay=15/07/2025")
    line = _area_line(after)
    assert "Tỉnh Thái Nguyên" in line and "sau sáp nhập, từ 01/07/2025" in line
    assert "programme-part" not in line and "Bắc Kạn" not in line  # one area: the 2025 province
    # a day before the merger is shown on the map in force that day: old Thái Nguyên alone
    before = _page(client, "/targets/?ngay=15/06/2025")
    assert "Bắc Kạn" not in before and "sau sáp nhập" not in _area_line(before)
    assert _count(after, "classes_registered") == _count(before, "classes_registered") + 1
    # a day before every map: the oldest map's province (old Thái Nguyên), never the 2025 province
    early = _page(client, "/targets/?ngay=01/01/2024")
    assert "Bắc Kạn" not in early and "sau sáp nhập" not in _area_line(early)


def test_the_plan_in_force_on_the_day_chosen(client, login_as, pinned_today, world, example):
    pinned_today(date(2026, 4, 1))
    login_as("steering")
    late = _page(client, "/targets/?ngay=15/03/2026")
    assert re.search(r'id="plan-in-force">Theo <a [^>]*>Kế hoạch MH-2026', late)
    assert 'id="target-communes_plan_issued"' in late and 'id="target-districts_plan_issued"' not in late
    early = _page(client, "/targets/?ngay=15/12/2025")
    assert re.search(r'id="plan-in-force">Theo <a [^>]*>Kế hoạch 137/KH-UBND', early)
    assert 'id="target-districts_plan_issued"' in early
    # the edit links name the plan shown
    assert f"/targets/communes_plan_issued/edit?plan={example.id}" in late


def test_a_bad_date_says_so_and_shows_today(client, login_as, pinned_today, world):
    pinned_today(BEFORE)
    login_as("steering")
    for raw in ("31/02/2025", "hôm qua", "2025-13-01"):
        html = _page(client, f"/targets/?ngay={raw}")
        assert 'id="date-error"' in html and "Ngày tính không hợp lệ" in html, raw
        assert "ngày tính 15/06/2025" in _area_line(html)


def test_a_future_date_is_refused_and_today_shown(client, login_as, pinned_today, world):
    pinned_today(BEFORE)
    login_as("steering")
    html = _page(client, "/targets/?ngay=15/07/2025")
    assert "Ngày tính không được sau hôm nay" in html
    assert "ngày tính 15/06/2025" in _area_line(html) and "Bắc Kạn" not in html


def test_the_default_is_today(client, login_as, pinned_today, world):
    pinned_today(BEFORE)
    login_as("steering")
    html = _page(client, "/targets/")
    assert 'id="date-error"' not in html and 'value="15/06/2025"' in html
    assert "ngày tính 15/06/2025" in _area_line(html)


def test_the_snapshot_of_the_day_else_measured_live(client, login_as, pinned_today, world, kh137):
    from app.gaps.scan import scan

    pinned_today(BEFORE)
    scan(date(2025, 6, 10))
    db.session.flush()
    login_as("steering")
    snapped = _page(client, "/targets/?ngay=10/06/2025")
    assert "Số liệu đến ngày 10/06/2025." in snapped and "chưa có ảnh chụp" not in snapped
    live = _page(client, "/targets/?ngay=09/06/2025")
    assert "Số liệu đến ngày 09/06/2025 (chưa có ảnh chụp hằng ngày: số liệu tổng hợp đến" in live
    default = _page(client, "/targets/")  # today: the latest snapshot, as before
    assert "Số liệu đến ngày 10/06/2025." in default


def test_a_snapshot_after_the_merger_holds_old_bac_kan_too(pinned_today, world, bac_kan, kh137):
    from app.gaps.scan import scan
    from app.models import IndicatorSnapshot

    scan(AFTER)
    db.session.flush()
    areas = set(db.session.scalars(select(IndicatorSnapshot.area_id).where(IndicatorSnapshot.day == AFTER)))
    assert bac_kan.id in areas


def test_a_coordinator_keeps_their_district_on_any_day(client, login_as, pinned_today, world):
    pinned_today(TODAY)
    login_as("coord_daitu")
    html = _page(client, "/targets/?ngay=15/07/2025")
    assert "Huyện Đại Từ" in _area_line(html) and "Bắc Kạn" not in html


# ---- targets per plan -------------------------------------------------------------------------------------------

def _rows(plan: Plan) -> dict[str, Target]:
    return {t.indicator_code: t for t in db.session.scalars(select(Target).where(Target.plan_id == plan.id))}


def test_loading_a_plan_seeds_its_own_targets(kh137, example):
    kh, mh = _rows(kh137), _rows(example)
    assert set(kh) == {i["code"] for t in kh137.targets for i in t["indicators"]}
    assert set(mh) == {i["code"] for t in example.targets for i in t["indicators"]}
    assert kh["business_owners_trained"].target_percent == 80 and mh["business_owners_trained"].target_percent == 90
    assert mh["business_owners_trained"].start_on == date(2026, 1, 1)
    mh["business_owners_trained"].target_percent = 70
    again = store_plan(load_plan_file(EXAMPLE), source=EXAMPLE.name)
    assert again.changed is False and again.counts["targets_seeded"] == 0
    assert _rows(example)["business_owners_trained"].target_percent == 70  # an edit survives a reload
    assert seed_targets(date(2026, 3, 1)) == 0


def test_editing_the_successors_target_leaves_kh137s(client, login_as, pinned_today, world, example):
    kh137 = db.session.scalar(select(Plan).where(Plan.number == "137/KH-UBND"))
    pinned_today(BEFORE)  # KH 137 is in force today: the successor is edited by naming it
    login_as("steering")
    page = _page(client, f"/targets/business_owners_trained/edit?plan={example.id}")
    assert "Kế hoạch MH-2026" in page and 'value="90' in page
    response = post_form(client, f"/targets/business_owners_trained/edit?plan={example.id}",
                         {"target_percent": "95", "start_on": "2026-01-01", "deadline": "2026-10-31"})
    assert response.status_code == 302
    assert (targets_of(example)["business_owners_trained"].percent, targets_of(example)["business_owners_trained"]
            .deadline) == (95, date(2026, 10, 31))
    assert current_targets(date(2026, 3, 1))["business_owners_trained"].percent == 95
    kept = current_targets(BEFORE)["business_owners_trained"]
    assert (kept.percent, kept.deadline) == (80, date(2025, 12, 31))
    assert _rows(kh137)["business_owners_trained"].target_percent == 80
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "target.update")
                              .order_by(AuditEvent.id.desc()).limit(1))
    assert event.after["plan_id"] == example.id and event.before["target_percent"] == 90
    assert event.after["target_percent"] == 95
    # without ?plan= the plan in force today: KH 137
    post_form(client, "/targets/business_owners_trained/edit",
              {"target_percent": "85", "start_on": "2024-11-01", "deadline": "2025-12-31"})
    assert current_targets(BEFORE)["business_owners_trained"].percent == 85
    assert targets_of(example)["business_owners_trained"].percent == 95


def test_a_plan_to_edit_must_be_a_programme_plan(client, login_as, world, kh137):
    login_as("steering")
    district_plan = PlanWorld.load().plan  # Phú Bình's own plan: not one of the programme's
    missing = (db.session.scalar(select(func.max(Plan.id))) or 0) + 1000
    for value in (district_plan.id, missing, "abc", "0", "-1", "99999999999"):
        assert client.get(f"/targets/business_owners_trained/edit?plan={value}").status_code == 404, value
    assert client.get(f"/targets/business_owners_trained/edit?plan={kh137.id}").status_code == 200
    # an indicator of another plan is not one of this plan's
    assert client.get(f"/targets/communes_plan_issued/edit?plan={kh137.id}").status_code == 404


def test_kh137_adopts_the_targets_edited_before_it_was_stored(client, login_as, pinned_today, world):
    pinned_today(BEFORE)
    login_as("steering")
    post_form(client, "/targets/communes_with_trainer/edit",
              {"target_percent": "90", "start_on": "2024-11-01", "deadline": "2025-12-31"})
    assert db.session.scalar(select(Target.plan_id).where(Target.indicator_code == "communes_with_trainer")) is None
    plan = store_plan(load_plan_file(PLANS_DIR / "kh137.yaml"), source="kh137.yaml").plan
    assert _rows(plan)["communes_with_trainer"].target_percent == 90
    assert db.session.scalar(select(func.count(Target.id)).where(Target.plan_id.is_(None))) == 0
    assert current_targets(BEFORE)["communes_with_trainer"].percent == 90


def test_the_trends_of_all_indicators_in_one_read_are_each_indicators_series(pinned_today, world, bac_kan, kh137):
    """`series_all` (the dashboard's trends, one statement) gives each indicator its series counted from the
    snapshot rows: one area or several taken together (a day counts only when every area has its row), up to a
    day or not."""
    from app.gaps.scan import scan
    from app.models import IndicatorSnapshot
    from app.targets.snapshots import series_all

    for day in (date(2025, 6, 10), date(2025, 6, 20), AFTER):
        pinned_today(day)
        scan(day)
        db.session.flush()
    old_tn = db.session.scalar(select(Area).where(Area.code == "P19", Area.valid_from == date(2024, 12, 1)))
    codes = sorted(set(db.session.scalars(select(IndicatorSnapshot.indicator_code))))
    assert codes
    for area_ids in ([old_tn.id], [old_tn.id, bac_kan.id]):
        for until in (None, date(2025, 6, 20)):
            together = series_all(codes, area_ids, until)
            assert together == {code: _series(code, area_ids, until) for code in codes}
            assert any(together.values()) or (len(area_ids) == 2 and until is not None)  # Bắc Kạn from 1/7


def _series(code: str, area_ids: list[int], until: date | None) -> list[tuple[date, float]]:
    """The reference: the snapshot rows of `code` for the areas summed per day in Python."""
    from collections import defaultdict

    from app.models import IndicatorSnapshot

    days = defaultdict(lambda: [0, 0, set()])
    for day, area_id, num, den in db.session.execute(
            select(IndicatorSnapshot.day, IndicatorSnapshot.area_id, IndicatorSnapshot.numerator,
                   IndicatorSnapshot.denominator).where(IndicatorSnapshot.indicator_code == code,
                                                        IndicatorSnapshot.area_id.in_(area_ids))):
        if until is None or day <= until:
            days[day][0] += num
            days[day][1] += den or 0
            days[day][2].add(area_id)
    return [(day, num / den) for day, (num, den, areas) in sorted(days.items())
            if den and areas == set(area_ids)]
