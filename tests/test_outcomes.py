"""Outcomes ("áp dụng được") recorded on the class page, the three outcome sub-targets they measure (T3, T4, T5),
T5's age and mode rules, and the plan's 9 sub-targets on the targets dashboard and in the quarterly workbook."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from app.areas.maps import AreaGraph, programme_root, working_map
from app.extensions import db
from app.models import AreaPopulation, AuditEvent, Enrollment, User
from app.reports.operations import create_report, report_path
from app.reports.quarters import Quarter
from app.targets.indicators import MEASURED, measure_all, totals
from app.targets.targets import current_targets
from app.training.settings import set_setting
from tests.conftest import post_form
from tests.factories import enrol, make_class, make_person

TODAY = date(2025, 6, 15)
OUTCOME_CODES = ("civil_servants_improved", "business_owners_improved", "working_age_basic_skills")
NOT_IN_CLASS = "Học viên không thuộc lớp này."


@pytest.fixture
def pinned(pinned_today):
    return pinned_today(TODAY)


@pytest.fixture
def basic_class(world):
    """A running Bậc 1 blended class in Hùng Sơn (Đại Từ): a civil servant of the school, a business owner and a
    third learner, all of working age."""
    trainer = world.trainers["Nguyễn Văn Đại"]
    commune = db.session.get(type(world.dai_tu), trainer.area_id)
    c = make_class(trainer, commune, status="running", level=1, mode="blended", start_on=date(2025, 6, 1),
                   end_on=date(2025, 6, 14), topic="Lớp AI cơ bản kết hợp", opened_on=date(2025, 5, 25),
                   started_on=date(2025, 6, 1))
    civil = enrol(c, make_person("Cán Bộ Trường", commune, world.units["Trường THPT Đại Từ"], birth_year=1985),
                  completed=False)
    owner = enrol(c, make_person("Chủ Hộ Kinh Doanh", commune, audience_group="business", birth_year=1978),
                  completed=False)
    other = enrol(c, make_person("Người Lao Động", commune, birth_year=1999), completed=False)
    return c, civil, owner, other


def _page(client, c) -> str:
    return client.get(f"/classes/{c.id}").get_data(as_text=True)


def _applies(*enrolments) -> list[bool | None]:
    db.session.expire_all()
    return [db.session.get(Enrollment, e.id).applies for e in enrolments]


def _table_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def _measure(code: str, area_id: int, today: date = TODAY):
    graph = AreaGraph.load()
    return totals(measure_all(working_map(), today, 2, graph)[code], area_id, graph)


# ---- recording on the class page ----------------------------------------------------------------------------------

def test_each_learner_card_offers_applies_unset_by_default(client, login_as, basic_class, pinned):
    c, civil, owner, other = basic_class
    login_as("trainer_daitu")
    html = _page(client, c)
    for e in (civil, owner, other):
        select_html = re.search(rf'<select class="applies" name="applies_{e.id}" form="complete-form"[^>]*>(.*?)</select>',
                                html, re.S)
        assert select_html, f"no applies choice for enrolment {e.id}"
        options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]+)</option>', select_html.group(1))
        assert [(v, label) for v, _s, label in options] == [("", "Chưa ghi"), ("1", "Có"), ("0", "Không")]
        assert [v for v, s, _label in options if s] == [""]  # unset by default
    assert 'data-label="Áp dụng được"' in html


def test_outcomes_are_recorded_with_the_one_step_completion(client, login_as, basic_class, pinned):
    c, civil, owner, other = basic_class
    login_as("trainer_daitu")
    response = post_form(client, f"/classes/{c.id}/complete",
                         {"completed_on": "2025-06-14", "who": "all", f"applies_{civil.id}": "1",
                          f"applies_{owner.id}": "0", f"applies_{other.id}": ""}, token_page=f"/classes/{c.id}")
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    assert _applies(civil, owner, other) == [True, False, None]
    assert db.session.get(Enrollment, civil.id).applies_on == TODAY
    assert db.session.get(Enrollment, other.id).applies_on is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "class.outcomes"))
    assert event.after == {"changed": 2, "yes": 1, "no": 1, "unset": 0}
    # the completed learners now carry their outcome on the results form, the recorded values selected
    html = _page(client, c)
    assert re.search(rf'name="applies_{civil.id}" form="results-form".*?<option value="1" selected>Có', html, re.S)
    assert re.search(rf'name="applies_{owner.id}" form="results-form".*?<option value="0" selected>Không', html,
                     re.S)


def test_outcomes_are_changed_and_cleared_later_on_the_results_form(client, login_as, world, pinned):
    c = world.classes["Soạn thảo văn bản với AI"]  # completed, one learner
    e = db.session.scalar(select(Enrollment).where(Enrollment.class_id == c.id))
    login_as("trainer_daitu")
    response = post_form(client, f"/classes/{c.id}/results", {f"status_{e.id}": "completed", f"score_{e.id}": "85",
                                                             f"applies_{e.id}": "1"}, token_page=f"/classes/{c.id}")
    assert response.status_code == 302
    assert _applies(e) == [True]
    assert "ghi “Áp dụng được” cho 1 học viên" in client.get(response.location).get_data(as_text=True)
    post_form(client, f"/classes/{c.id}/results", {f"status_{e.id}": "completed", f"score_{e.id}": "85",
                                                  f"applies_{e.id}": ""}, token_page=f"/classes/{c.id}")
    assert _applies(e) == [None] and db.session.get(Enrollment, e.id).applies_on is None


@pytest.mark.parametrize("route", ["results", "complete"])
@pytest.mark.parametrize("which", ["foreign", "huge", "zero"])
def test_an_outcome_for_an_enrolment_of_another_class_is_refused(client, login_as, world, route, which):
    mine = world.classes["Soạn thảo văn bản với AI"]
    own = db.session.scalar(select(Enrollment.id).where(Enrollment.class_id == mine.id))
    theirs = db.session.scalar(select(Enrollment.id).where(
        Enrollment.class_id == world.classes["Làm video ngắn với AI"].id))
    eid = {"foreign": theirs, "huge": "99999999999999999999", "zero": 0}[which]
    if route == "complete":  # a learner still to complete, so the completion itself would go through
        extra = enrol(mine, make_person("Học Viên Muộn", world.dai_tu), completed=False)
        data = {"completed_on": "2025-04-01", "who": "some", "enrollment_ids": [str(extra.id)]}
    else:
        data = {f"status_{own}": "completed", f"score_{own}": ""}
    login_as("coord_daitu")
    before = _table_counts()
    response = post_form(client, f"/classes/{mine.id}/{route}", {**data, f"applies_{eid}": "1"},
                         token_page=f"/classes/{mine.id}", follow_redirects=True)
    assert response.status_code == 200 and NOT_IN_CLASS in response.get_data(as_text=True)
    assert _table_counts() == before
    if which == "foreign":
        assert db.session.get(Enrollment, theirs).applies is None


def test_a_bad_value_and_a_learner_not_completed_are_refused_by_name(client, login_as, basic_class, pinned):
    c, civil, owner, _other = basic_class
    login_as("trainer_daitu")
    before = _table_counts()
    bad = post_form(client, f"/classes/{c.id}/results", {f"status_{civil.id}": "enrolled", f"score_{civil.id}": "",
                                                         f"applies_{civil.id}": "có"},
                    token_page=f"/classes/{c.id}", follow_redirects=True)
    assert "“Áp dụng được” phải là Chưa ghi, Có hoặc Không." in bad.get_data(as_text=True)
    early = post_form(client, f"/classes/{c.id}/results", {f"status_{owner.id}": "enrolled", f"score_{owner.id}": "",
                                                           f"applies_{owner.id}": "1"},
                      token_page=f"/classes/{c.id}", follow_redirects=True)
    assert "Chỉ ghi “Áp dụng được” cho học viên đã hoàn thành." in early.get_data(as_text=True)
    # in the one-step completion, a yes for a learner not ticked is refused and nothing completes
    some = post_form(client, f"/classes/{c.id}/complete", {"completed_on": "2025-06-14", "who": "some",
                                                            "enrollment_ids": [str(civil.id)],
                                                            f"applies_{owner.id}": "1"}, token_page=f"/classes/{c.id}")
    assert some.status_code == 200 and "Chỉ ghi “Áp dụng được” cho học viên đã hoàn thành." in some.get_data(
        as_text=True)
    assert _table_counts() == before and _applies(civil, owner) == [None, None]


def test_a_viewer_cannot_record_outcomes(client, login_as, world):
    c = world.classes["Soạn thảo văn bản với AI"]
    e = db.session.scalar(select(Enrollment).where(Enrollment.class_id == c.id))
    login_as("viewer")
    assert 'name="applies_' not in _page(client, c)
    response = post_form(client, f"/classes/{c.id}/results", {f"status_{e.id}": "completed", f"applies_{e.id}": "1"},
                         token_page=f"/classes/{c.id}")
    assert response.status_code == 404 and _applies(e) == [None]


# ---- the three outcome sub-targets --------------------------------------------------------------------------------

def test_the_three_sub_targets_move_when_a_trainer_records_outcomes(client, login_as, world, basic_class, pinned):
    c, civil, owner, other = basic_class
    province = programme_root()
    before = {code: _measure(code, province.id) for code in OUTCOME_CODES}
    login_as("trainer_daitu")
    # completing without outcomes: the learners enter the denominators, not the numerators
    assert post_form(client, f"/classes/{c.id}/complete", {"completed_on": "2025-06-14", "who": "all"},
                     token_page=f"/classes/{c.id}").status_code == 302
    completed = {code: _measure(code, province.id) for code in OUTCOME_CODES}
    assert completed["civil_servants_improved"] == (before["civil_servants_improved"][0],
                                                    before["civil_servants_improved"][1] + 1)
    assert completed["business_owners_improved"] == (before["business_owners_improved"][0],
                                                     before["business_owners_improved"][1] + 1)
    assert completed["working_age_basic_skills"] == (before["working_age_basic_skills"][0],
                                                     before["working_age_basic_skills"][1] + 3)
    unrecorded, _ = _measure("working_age_basic_skills_unrecorded", province.id)
    assert unrecorded >= 3
    # the trainer records "áp dụng được: có" for the civil servant and the business owner
    assert post_form(client, f"/classes/{c.id}/results", {
        f"status_{civil.id}": "completed", f"applies_{civil.id}": "1", f"status_{owner.id}": "completed",
        f"applies_{owner.id}": "1", f"status_{other.id}": "completed", f"applies_{other.id}": "0"},
        token_page=f"/classes/{c.id}").status_code == 302
    after = {code: _measure(code, province.id) for code in OUTCOME_CODES}
    assert after["civil_servants_improved"][0] == completed["civil_servants_improved"][0] + 1
    assert after["business_owners_improved"][0] == completed["business_owners_improved"][0] + 1
    assert after["working_age_basic_skills"][0] == completed["working_age_basic_skills"][0] + 2
    assert {code: after[code][1] for code in OUTCOME_CODES} == {code: completed[code][1] for code in OUTCOME_CODES}
    assert _measure("working_age_basic_skills_unrecorded", province.id)[0] == unrecorded - 3
    # measured as of a day before the outcomes were recorded, nothing had moved yet
    assert _measure("civil_servants_improved", province.id, date(2025, 6, 14))[0] == before[
        "civil_servants_improved"][0]


def test_a_no_or_an_unset_outcome_never_counts_as_improved(world, basic_class):
    c, civil, owner, other = basic_class
    province = programme_root()
    start = {code: _measure(code, province.id)[0] for code in OUTCOME_CODES}
    for e, value in ((civil, False), (owner, None), (other, False)):
        e.status, e.completed_on, e.applies, e.applies_on = "completed", date(2025, 6, 14), value, TODAY
    db.session.flush()
    assert {code: _measure(code, province.id)[0] for code in OUTCOME_CODES} == start


def test_the_dashboard_shows_the_outcome_sub_targets_moving(client, login_as, world, basic_class, pinned):
    c, civil, owner, other = basic_class
    for e in (civil, owner, other):
        e.status, e.completed_on = "completed", date(2025, 6, 14)
    db.session.flush()
    login_as("steering")

    def numerators() -> dict[str, str]:
        html = client.get("/targets/").get_data(as_text=True)
        return {code: re.search(rf'id="target-{code}".*?class="numerator">([\d.]+)<', html, re.S).group(1)
                for code in OUTCOME_CODES}

    start = numerators()
    html = client.get("/targets/").get_data(as_text=True)
    section = re.search(r'id="target-civil_servants_improved".*?</section>', html, re.S).group(0)
    # completed, no outcome recorded yet: no figure, and the reason
    assert "Chưa có số liệu: chưa ghi kết quả “Áp dụng được” cho học viên nào đã hoàn thành." in section
    assert re.search(r"chưa ghi “Áp dụng được”: <strong>[1-9]", section)
    for e in (civil, owner, other):
        e.applies, e.applies_on = True, TODAY
    db.session.flush()
    moved = numerators()
    assert int(moved["civil_servants_improved"]) == int(start["civil_servants_improved"]) + 1
    assert int(moved["business_owners_improved"]) == int(start["business_owners_improved"]) + 1
    assert int(moved["working_age_basic_skills"]) == int(start["working_age_basic_skills"]) + 3


# ---- T5 as worded: age and mode ----------------------------------------------------------------------------------

def test_t5_counts_ages_15_to_60_by_birth_year_on_the_measurement_day(world):
    trainer = world.trainers["Nguyễn Văn Đại"]
    commune = db.session.get(type(world.dai_tu), trainer.area_id)
    c = make_class(trainer, commune, level=1, mode="online", start_on=date(2024, 12, 1), end_on=date(2024, 12, 20),
                   topic="Lớp trực tuyến cuối năm")
    start_2025, _ = _measure("working_age_trained_online", world.dai_tu.id, date(2025, 1, 10))
    start_2024, _ = _measure("working_age_trained_online", world.dai_tu.id, date(2024, 12, 31))
    for year in (2010, 1965, 1964, 1985):  # in 2025: 15, 60, 61, 40; in 2024: 14, 59, 60, 39
        enrol(c, make_person(area_obj=commune, birth_year=year))
    db.session.flush()
    assert _measure("working_age_trained_online", world.dai_tu.id, date(2025, 1, 10))[0] == start_2025 + 3  # 15, 60, 40
    assert _measure("working_age_trained_online", world.dai_tu.id, date(2024, 12, 31))[0] == start_2024 + 3  # 59, 60, 39


def test_t5_modes_are_a_plan_setting_defaulting_to_online_and_blended(world):
    trainer = world.trainers["Nguyễn Văn Đại"]
    commune = db.session.get(type(world.dai_tu), trainer.area_id)
    start, _ = _measure("working_age_trained_online", world.dai_tu.id)
    unknown_start, _ = _measure("working_age_unknown_age", world.dai_tu.id)
    for mode in ("online", "blended", "in_person"):
        c = make_class(trainer, commune, level=1, mode=mode, start_on=date(2025, 5, 1), end_on=date(2025, 5, 30),
                       topic=f"Lớp {mode}")
        enrol(c, make_person(area_obj=commune, birth_year=1990))
        enrol(c, make_person(area_obj=commune))  # unknown age: never in T5, counted apart
    db.session.flush()
    assert _measure("working_age_trained_online", world.dai_tu.id)[0] == start + 2
    assert _measure("working_age_unknown_age", world.dai_tu.id)[0] == unknown_start + 2
    set_setting("t5_counts_blended", 0)
    assert _measure("working_age_trained_online", world.dai_tu.id)[0] == start + 1
    assert _measure("working_age_unknown_age", world.dai_tu.id)[0] == unknown_start + 1


def test_the_dashboard_always_shows_the_unknown_age_count(client, login_as, pinned):
    login_as("steering")
    html = client.get("/targets/").get_data(as_text=True)
    section = re.search(r'id="target-working_age_trained_online".*?</section>', html, re.S).group(0)
    assert "chưa rõ năm sinh" in section and "(trực tuyến, kết hợp)" in section


# ---- the 9 sub-targets on the dashboard and in the workbook -------------------------------------------------------

def _plan_codes() -> list[str]:
    return list(current_targets())


def test_the_plan_has_nine_sub_targets_all_measured():
    # MEASURED also holds communes_plan_issued, T1 of a plan on the 2025 map (tests/plan/test_succession.py)
    assert len(_plan_codes()) == 9 and set(_plan_codes()) == set(MEASURED) - {"communes_plan_issued"}


def test_every_sub_target_is_on_the_dashboard_and_one_without_figures_says_why(client, login_as, world, pinned):
    login_as("steering")
    html = client.get("/targets/").get_data(as_text=True)
    sections = re.findall(r'<section class="card target[^"]*" id="target-(\w+)"', html)
    assert sections == _plan_codes()
    # no business-owner figures are imported in the test world: T4 says so, and why
    db.session.execute(AreaPopulation.__table__.update().values(business_owners=None))
    html = client.get("/targets/").get_data(as_text=True)
    t4 = re.search(r'id="target-business_owners_trained".*?</section>', html, re.S).group(0)
    assert "Chưa có số liệu: chưa nhập số chủ doanh nghiệp, hợp tác xã, hộ kinh doanh theo địa bàn." in t4


def test_every_sub_target_is_a_row_of_the_workbook(app, ctx, world, basic_class):
    c, civil, owner, other = basic_class
    for e in (civil, owner, other):
        e.status, e.completed_on = "completed", date(2025, 6, 14)
    civil.applies, civil.applies_on = True, date(2025, 6, 20)
    db.session.flush()
    steering = db.session.scalar(select(User).where(User.username == "steering"))
    report = create_report(Quarter(2025, 2), programme_root(), steering, today=date(2025, 7, 10))
    rows = list(openpyxl.load_workbook(report_path(report))["Chỉ tiêu"].iter_rows(values_only=True))[1:]
    labels = {t.label: t for t in current_targets().values()}
    listed = [r for r in rows if r[1] in labels]
    assert [r[1] for r in listed] == [t.label for t in current_targets().values()]
    assert [r[0] for r in listed] == ["T1", "T2", "T3", "T3", "T4", "T4", "T5", "T5", "T6"]
    by_code = {labels[r[1]].code: r for r in listed}
    improved = by_code["civil_servants_improved"]
    assert improved[2] >= 1 and improved[3] >= 1 and "Áp dụng được: Có" in improved[8]
    for r in listed:
        if r[7] == "Chưa có số liệu":
            assert r[8].startswith("Chưa có số liệu: "), r
    assert "Chưa rõ năm sinh" in by_code["working_age_trained_online"][8]


# ---- the follow-up self-assessment linked from the certificate -----------------------------------------------------

def test_the_holder_answers_the_follow_up_without_signing_in_and_the_trainer_sees_it(client, login_as, world,
                                                                                      pinned):
    from app.models import Certificate

    cert = db.session.scalar(select(Certificate).where(Certificate.code == "DTKT000001"))
    province = programme_root()
    before = {code: _measure(code, province.id) for code in OUTCOME_CODES}
    url = "/verify/DTKT000001/follow-up"
    html = client.get(url).get_data(as_text=True)  # the holder, not signed in
    assert "Lê Văn Học" in html and "đã áp dụng được điều đã học" in html
    empty = post_form(client, url, {})
    assert empty.status_code == 200 and "Vui lòng chọn một câu trả lời." in empty.get_data(as_text=True)
    answered = post_form(client, url, {"answer": "1"})
    assert answered.status_code == 302
    e = db.session.scalar(select(Enrollment).where(Enrollment.class_id == cert.class_id,
                                                   Enrollment.person_id == cert.person_id))
    db.session.refresh(e)
    assert (e.self_applies, e.self_applies_on, e.applies) == (True, TODAY, None)  # the trainer's record untouched
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "enrollment.self_assessment"))
    assert event.actor_id is None and event.after["self_applies"] is True
    # information for the trainer, not counted in the indicators
    assert {code: _measure(code, province.id) for code in OUTCOME_CODES} == before
    login_as("trainer_daitu")
    page = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert "Tự đánh giá sau khóa học:" in page and "/verify/DTKT000001/follow-up" in page
    assert "Học viên tự đánh giá (15/06/2025): Có" in client.get(f"/classes/{cert.class_id}").get_data(as_text=True)


def test_the_follow_up_of_an_unknown_or_revoked_certificate_is_refused(client, world, pinned):
    from app.models import Certificate

    assert client.get("/verify/ZZZZZZZZZZ/follow-up").status_code == 404
    cert = db.session.scalar(select(Certificate).where(Certificate.code == "DTKT000001"))
    cert.revoked_on, cert.revoke_reason = date(2025, 6, 1), "Cấp nhầm"
    db.session.flush()
    html = client.get("/verify/DTKT000001/follow-up").get_data(as_text=True)
    assert "đã bị thu hồi, không thể tự đánh giá" in html
    refused = post_form(client, "/verify/DTKT000001/follow-up", {"answer": "1"}, token_page="/login")
    assert refused.status_code == 200 and "Chứng nhận này đã bị thu hồi, không thể tự đánh giá." in refused.get_data(
        as_text=True)
    e = db.session.scalar(select(Enrollment).where(Enrollment.class_id == cert.class_id,
                                                   Enrollment.person_id == cert.person_id))
    db.session.refresh(e)
    assert e.self_applies is None


def test_a_refused_completion_keeps_the_outcomes_chosen(client, login_as, basic_class, pinned):
    c, civil, owner, _other = basic_class
    login_as("trainer_daitu")
    response = post_form(client, f"/classes/{c.id}/complete", {"completed_on": "2025-05-01", "who": "all",
                                                                f"applies_{civil.id}": "1",
                                                                f"applies_{owner.id}": "0"},
                         token_page=f"/classes/{c.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "không được trước ngày bắt đầu lớp" in html
    assert re.search(rf'name="applies_{civil.id}" form="complete-form".*?<option value="1" selected>Có', html, re.S)
    assert re.search(rf'name="applies_{owner.id}" form="complete-form".*?<option value="0" selected>Không', html, re.S)
    assert _applies(civil, owner) == [None, None]


def test_t4_and_t5_in_one_pass_count_what_one_query_per_count_does(world, basic_class):
    """`learner_counts` reads the enrolments once on PostgreSQL (`_learner_counts`) and runs a query per count on
    SQLite (`_learner_counts_each`): both give the same counts, here on both databases, on learners of every kind
    (outcome yes / no / unset, recorded after the day, a completion after the day, a dropped enrolment, a class
    not yet started, another level or mode, unknown age, a matched online day with or without an enrolment)."""
    from app.models import LearningRecord
    from app.targets.indicators import _learner_counts, _learner_counts_each
    from tests.api_helpers import make_client

    c, civil, owner, other = basic_class
    commune = db.session.get(type(world.dai_tu), c.venue_area_id)
    for e, applies, on in ((owner, True, date(2025, 6, 14)), (other, False, date(2025, 6, 20))):
        e.status, e.completed_on, e.applies, e.applies_on = "completed", date(2025, 6, 14), applies, on
    trainer = world.trainers["Nguyễn Văn Đại"]
    later = make_class(trainer, commune, status="planned", level=1, mode="online", start_on=date(2025, 7, 1),
                       end_on=date(2025, 7, 5))
    second = make_class(trainer, commune, status="completed", level=2, mode="blended", start_on=date(2025, 5, 1),
                        end_on=date(2025, 5, 10))
    unknown = make_person("Chủ Cửa Hàng", commune, audience_group="business")
    enrol(second, unknown).applies = True
    late = enrol(later, make_person("Học Sau", commune, audience_group="business", birth_year=1990))
    late.applies, late.applies_on = True, date(2025, 7, 5)
    enrol(c, make_person("Bỏ Học", commune, birth_year=1995), completed=False).status = "dropped"
    enrol(c, owner_two := make_person("Chủ Hộ Hai", commune, audience_group="business", birth_year=1980))
    enrol(second, days_too := make_person("Học Cả Hai", commune, birth_year=1992))
    days_only = make_person("Chỉ Học Trực Tuyến", commune, birth_year=2001)
    db.session.flush()
    client, _token, _secret = make_client(world.dai_tu, name="LuyenAI.vn", ingest=True)
    for n, person in enumerate((days_only, days_too, owner_two)):
        db.session.add(LearningRecord(platform="LuyenAI.vn", external_id=f"x{n}", record_date=date(2025, 6, 2),
                                      phone=person.phone, minutes=20, lessons=1, level=1, state="matched",
                                      person_id=person.id, client_id=client.id))
    db.session.flush()
    enrol(c, make_person("Không Rõ Tuổi", commune), completed=False)
    db.session.flush()
    graph, day = AreaGraph.load(), working_map()
    seen = Counter()
    for today in (date(2025, 6, 10), TODAY, date(2025, 12, 31)):
        once, each = _learner_counts(day, today, graph), _learner_counts_each(day, today, graph)
        assert once == each, today
        seen.update({name: sum(counts.values()) for name, counts in once.items()})
    assert len(seen) == 8 and all(seen.values()), seen  # every count has someone in it on some day
