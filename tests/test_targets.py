"""Targets: indicators measured on the test world, the dashboard by scope, editing a target (audited)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.areas.maps import AreaGraph, working_map
from app.extensions import db
from app.models import AreaPopulation, AuditEvent, DistrictPlan, Target
from app.targets.indicators import measure_all, totals
from app.targets.targets import current_targets
from tests.conftest import post_form
from tests.factories import enrol, make_class, make_person

TODAY = date(2025, 3, 15)


def _measure(code: str, area_id: int):
    graph = AreaGraph.load()
    return totals(measure_all(working_map(), TODAY, 2, graph)[code], area_id, graph)


def test_targets_are_seeded_from_the_plan():
    targets = current_targets()
    assert targets["working_age_trained_online"].percent == 80
    assert targets["districts_plan_issued"].deadline == date(2025, 12, 31)
    assert targets["civil_servants_trained"].target_code == "T3"


def test_working_age_indicator_counts_basic_class_learners(world):
    """T5 as the plan words it: persons aged 15–60 on the day, in an online or blended Bậc 1 class."""
    db.session.add(AreaPopulation(area_id=world.dai_tu.id, year=2024, working_age=1000, source="thử",
                                  is_estimate=True))
    before, den = _measure("working_age_trained_online", world.dai_tu.id)
    unknown_before, _ = _measure("working_age_unknown_age", world.dai_tu.id)
    assert den == 1000
    trainer = world.trainers["Nguyễn Văn Đại"]
    commune = db.session.get(type(world.dai_tu), trainer.area_id)
    klass = make_class(trainer, commune, level=1, mode="online", start_on=date(2025, 2, 10), end_on=date(2025, 3, 10))
    for year in (1965, 1990, 2010):  # 60, 35 and 15 years old in 2025
        enrol(klass, make_person(area_obj=commune, birth_year=year))
    enrol(klass, make_person(area_obj=commune, birth_year=1960))  # 65: not of working age
    enrol(klass, make_person(area_obj=commune, birth_year=2011))  # 14: not of working age
    enrol(klass, make_person(area_obj=commune))  # age unknown: counted apart
    blended = make_class(trainer, commune, level=1, mode="blended", start_on=date(2025, 2, 10),
                         end_on=date(2025, 3, 10), topic="Lớp kết hợp")
    enrol(blended, make_person(area_obj=commune, birth_year=1980))
    in_person = make_class(trainer, commune, level=1, start_on=date(2025, 2, 10), end_on=date(2025, 3, 10),
                           topic="Lớp trực tiếp")
    enrol(in_person, make_person(area_obj=commune, birth_year=1980))
    later = make_class(trainer, commune, level=1, mode="online", start_on=date(2025, 3, 20),
                       end_on=date(2025, 4, 20), topic="Lớp sau ngày tính")
    enrol(later, make_person(area_obj=commune, birth_year=1980))
    higher = make_class(trainer, commune, level=2, mode="online", start_on=date(2025, 2, 10),
                        end_on=date(2025, 3, 10), topic="Lớp Bậc 2")
    enrol(higher, make_person(area_obj=commune, birth_year=1980))
    enrol(klass, make_person(area_obj=commune, birth_year=1980), completed=False).status = "dropped"
    db.session.flush()
    after, _ = _measure("working_age_trained_online", world.dai_tu.id)
    # three of working age online, one blended; not the in-person class, the class starting after TODAY,
    # a Bậc 2 class, a dropped learner, nor anyone under 15 or over 60
    assert after == before + 4
    unknown_after, _ = _measure("working_age_unknown_age", world.dai_tu.id)
    assert unknown_after == unknown_before + 1
    # "can use basic AI skills" is measured from the outcomes trainers record (tests/test_outcomes.py): these
    # completed learners of working age are its denominator, none of them has a yes yet
    skilled, completers = _measure("working_age_basic_skills", world.dai_tu.id)
    assert completers >= 4 and skilled == 0


def test_working_age_indicator_follows_the_plan_setting_for_blended_classes(world):
    from app.training.settings import set_setting

    trainer = world.trainers["Nguyễn Văn Đại"]
    commune = db.session.get(type(world.dai_tu), trainer.area_id)
    blended = make_class(trainer, commune, level=1, mode="blended", start_on=date(2025, 2, 10),
                         end_on=date(2025, 3, 10))
    enrol(blended, make_person(area_obj=commune, birth_year=1980))
    db.session.flush()
    with_blended, _ = _measure("working_age_trained_online", world.dai_tu.id)
    set_setting("t5_counts_blended", 0)
    db.session.flush()
    online_only, _ = _measure("working_age_trained_online", world.dai_tu.id)
    assert online_only == with_blended - 1


def test_districts_with_a_launched_plan(world):
    db.session.add(DistrictPlan(area_id=world.dai_tu.id, issued_on=date(2025, 1, 5), launched_on=date(2025, 1, 10)))
    db.session.flush()
    num, den = _measure("districts_plan_issued", world.dai_tu.parent_id)
    assert den >= 9 and num >= 1


def test_the_dashboard_shows_status_and_steering_edits_a_target(client, login_as, app):
    app.config["LANTOA_TODAY"] = TODAY.isoformat()
    try:
        login_as("steering")
        page = client.get("/targets/").get_data(as_text=True)
        assert "Chỉ tiêu" in page and "rag rag-" in page and "Xã, phường, thị trấn có giảng viên cộng đồng" in page
        response = post_form(client, "/targets/communes_with_trainer/edit",
                             {"target_percent": "90", "start_on": "2025-01-01", "deadline": "2025-12-31"})
        assert response.status_code == 302
        # no plan is stored in the test world: the row of KH 137's file (no plan)
        row = db.session.scalar(select(Target).where(Target.plan_id.is_(None),
                                                     Target.indicator_code == "communes_with_trainer"))
        assert row.target_percent == 90
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "target.update"))
        assert event.after["target_percent"] == 90 and event.before["target_percent"] == 100
        assert event.after["plan_id"] is None and event.entity_id == row.id
        bad = post_form(client, "/targets/communes_with_trainer/edit",
                        {"target_percent": "90", "start_on": "2025-12-31", "deadline": "2025-01-01"})
        assert bad.status_code == 200 and "Hạn hoàn thành phải sau ngày bắt đầu." in bad.get_data(as_text=True)
    finally:
        app.config["LANTOA_TODAY"] = None


def test_coordinators_see_their_district_and_cannot_edit(client, login_as, world):
    login_as("coord_daitu")
    page = client.get("/targets/").get_data(as_text=True)
    assert "Huyện Đại Từ" in page
    assert client.get("/targets/communes_with_trainer/edit").status_code == 404


def test_trainers_have_no_targets_page(client, login_as):
    login_as("trainer_daitu")
    assert client.get("/targets/").status_code == 404


def test_the_forecast_page_draws_today_and_a_what_if(client, login_as):
    login_as("steering")
    page = client.get("/targets/forecast").get_data(as_text=True)
    assert "<svg" in page and "Như hiện nay" in page and "polyline" in page
    page = client.get("/targets/forecast?classes_total=3&conversion=5&extra=50&months=12").get_data(as_text=True)
    assert 'class="forecast"' in page and "Giả định" in page
    bad = client.get("/targets/forecast?months=99").get_data(as_text=True)
    assert "Từ 1 đến 36 tháng." in bad


def test_the_dashboard_shows_basic_learners_of_unknown_age_apart(world, client, login_as, app):
    trainer = world.trainers["Nguyễn Văn Đại"]
    commune = db.session.get(type(world.dai_tu), trainer.area_id)
    klass = make_class(trainer, commune, level=1, mode="online", start_on=date(2025, 2, 10), end_on=date(2025, 3, 10))
    enrol(klass, make_person(area_obj=commune))
    db.session.flush()
    app.config["LANTOA_TODAY"] = TODAY.isoformat()
    try:
        login_as("steering")
        page = client.get("/targets/").get_data(as_text=True)
    finally:
        app.config.pop("LANTOA_TODAY")
    assert "chưa rõ năm sinh" in page


def test_the_forecast_marks_the_plan_deadline_and_what_lies_beyond_it(client, login_as, app):
    app.config["LANTOA_TODAY"] = "2025-06-15"
    try:
        login_as("steering")
        page = client.get("/targets/forecast?months=12").get_data(as_text=True)
    finally:
        app.config.pop("LANTOA_TODAY")
    assert 'class="deadline"' in page and "Hạn kế hoạch 31/12/2025" in page
    assert 'class="beyond-plan"' in page and "sau khi kế hoạch kết thúc" in page
    app.config["LANTOA_TODAY"] = "2025-06-15"
    try:
        short = client.get("/targets/forecast?months=3").get_data(as_text=True)
    finally:
        app.config.pop("LANTOA_TODAY")
    assert 'class="deadline"' not in short  # the deadline lies after a three-month chart
