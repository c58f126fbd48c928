"""What matched learning records do once the `online_effects` job has run: an online enrolment in the platform's
class, completion at the lesson threshold, a point per day long enough, the learner's streak; idempotent; also
after "Khớp lại"."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.api.effects import apply_pending, streaks
from app.extensions import db
from app.models import Enrollment, LearningRecord, Person, PointEntry, TrainingClass
from app.training.settings import set_setting
from tests.api_helpers import bearer, make_client
from tests.conftest import post_form

URL = "/api/v1/learning-records"


@pytest.fixture
def platform(world):
    return make_client(world.dai_tu, name="LuyenAI.vn", ingest=True)


@pytest.fixture
def learner(world):
    return db.session.get(Person, world.trainers["Trần Thị Từ"].person_id)


def _day(n: int, phone: str, **kw) -> dict:
    day = dt.date(2025, 5, 1) + dt.timedelta(days=n)
    return {"platform": "LuyenAI.vn", "external_id": "tu", "phone": phone, "date": day.isoformat(), "minutes": 20,
            "lessons": 1, "score": 80, "level": 1, **kw}


def _send(client, records: list[dict], secret: str) -> dict:
    """Post a batch, then run what the `online_effects` job runs."""
    answer = client.post(URL, json={"records": records}, headers=bearer(secret)).json
    apply_pending()
    return answer


def _local(person: Person) -> str:
    return "0" + person.phone.removeprefix("+84")


def _state(person_id: int):
    enrolment = db.session.execute(
        select(Enrollment.status, Enrollment.completed_on, TrainingClass.mode, TrainingClass.platform,
               TrainingClass.trainer_id)
        .join(TrainingClass, TrainingClass.id == Enrollment.class_id)
        .where(Enrollment.person_id == person_id, TrainingClass.platform.is_not(None))).all()
    points = db.session.scalar(select(func.coalesce(func.sum(PointEntry.points), 0)).where(
        PointEntry.person_id == person_id, PointEntry.reason == "online_day"))
    return enrolment, points


def test_matched_days_enrol_complete_and_earn_points_once(client, world, platform, learner):
    set_setting("online_completion_lessons", 3)
    days = [_day(0, _local(learner)), _day(1, _local(learner), minutes=10), _day(2, _local(learner)),
            _day(4, _local(learner)), _day(5, _local(learner))]
    assert _send(client, days[:2], platform[2])["matched"] == 2
    enrolment, points = _state(learner.id)
    assert enrolment == [("enrolled", None, "online", "LuyenAI.vn", None)]  # one online platform class, no trainer
    assert points == 1  # the 10-minute day earns nothing
    assert _send(client, days, platform[2])["inserted"] == 3
    enrolment, points = _state(learner.id)
    assert enrolment == [("completed", dt.date(2025, 5, 3), "online", "LuyenAI.vn", None)]  # the third lesson's day
    assert points == 4
    before = (db.session.scalar(select(func.count(Enrollment.id))), db.session.scalar(select(func.count(PointEntry.id))),
              db.session.scalar(select(func.count(TrainingClass.id))))
    assert _send(client, days, platform[2])["inserted"] == 0
    after = (db.session.scalar(select(func.count(Enrollment.id))), db.session.scalar(select(func.count(PointEntry.id))),
             db.session.scalar(select(func.count(TrainingClass.id))))
    assert after == before  # the same batch again: nothing new


def test_one_class_per_platform_and_level(client, world, platform, learner):
    other = db.session.get(Person, world.trainers["Nguyễn Văn Đại"].person_id)
    records = [_day(0, _local(learner)), _day(1, _local(learner), level=2, external_id="tu2"),
               _day(0, _local(other), external_id="dai")]
    _send(client, records, platform[2])
    classes = db.session.execute(select(TrainingClass.level, TrainingClass.mode, TrainingClass.topic)
                                 .where(TrainingClass.platform == "LuyenAI.vn").order_by(TrainingClass.level)).all()
    assert [(c.level, c.mode) for c in classes] == [(1, "online"), (2, "online")]
    assert "LuyenAI.vn" in classes[0].topic
    level_one = db.session.scalar(select(TrainingClass.id).where(TrainingClass.platform == "LuyenAI.vn",
                                                                 TrainingClass.level == 1))
    assert db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.class_id == level_one)) == 2


def test_streaks_count_consecutive_days_of_enough_minutes(client, world, platform, learner):
    days = [_day(n, _local(learner)) for n in (0, 1, 2, 4, 5)] + [_day(6, _local(learner), minutes=14)]
    _send(client, days, platform[2])
    streak = streaks(learner.id, dt.date(2025, 5, 8))
    assert (streak.current, streak.longest, streak.days) == (0, 3, 5)  # 7 May had 14 minutes: the run ended
    streak = streaks(learner.id, dt.date(2025, 5, 7))
    assert (streak.current, streak.longest) == (2, 3)  # 5–6 May, and 7 May is not over yet


def test_held_records_take_effect_when_matched_later(client, login_as, world, platform):
    phone = "0987 000 222"
    _send(client, [_day(0, phone), _day(1, phone)], platform[2])
    assert db.session.scalar(select(func.count(LearningRecord.id)).where(LearningRecord.state == "held")) == 2
    commune = db.session.get(type(world.dai_tu), world.trainers["Trần Thị Từ"].area_id)
    from tests.factories import make_person

    person = make_person("Người Học Sau", commune, phone="+84987000222")
    login_as("coord_daitu")
    response = post_form(client, "/learning-records/rematch", {}, token_page="/learning-records/")
    assert response.status_code in (200, 302)
    assert _state(person.id) == ([], 0)  # the job has not run yet
    apply_pending()
    enrolment, points = _state(person.id)
    assert enrolment == [("enrolled", None, "online", "LuyenAI.vn", None)] and points == 2


def test_online_completions_count_for_t5_online(client, world, platform, learner):
    from app.areas.maps import AreaGraph, working_map
    from app.targets.indicators import measure_all, totals

    def t5() -> int:
        graph = AreaGraph.load()
        measure = measure_all(working_map(), dt.date(2025, 6, 1), 2, graph)["working_age_trained_online"]
        return totals(measure, world.dai_tu.id, graph)[0]

    set_setting("online_completion_lessons", 1)
    learner.birth_year = 1990
    db.session.flush()
    before = t5()
    _send(client, [_day(0, _local(learner))], platform[2])
    enrolled = db.session.scalar(select(Enrollment.status).join(TrainingClass, TrainingClass.id == Enrollment.class_id)
                                 .where(Enrollment.person_id == learner.id, TrainingClass.platform.is_not(None)))
    assert enrolled == "completed"
    assert t5() == before + 1


def test_a_platform_class_page_names_the_platform_and_offers_no_hand_changes(client, login_as, world, platform,
                                                                                 learner):
    _send(client, [_day(0, _local(learner))], platform[2])
    klass = db.session.scalar(select(TrainingClass).where(TrainingClass.platform == "LuyenAI.vn"))
    login_as("steering")
    html = client.get(f"/classes/{klass.id}").get_data(as_text=True)
    assert "Nền tảng trực tuyến" in html and "LuyenAI.vn" in html and "Quy tắc 2–3" not in html
    assert "Thêm học viên" not in html and "Mở tuyển sinh" not in html
    assert client.get(f"/classes/{klass.id}/learners/new").status_code == 404
    person_page = client.get(f"/people/{learner.id}").get_data(as_text=True)
    assert 'id="online-streak"' in person_page


def test_the_leaderboard_totals_follow_the_online_points(client, world, platform, learner):
    from app.models import PointTotal
    from app.rankings import totals

    days = [_day(n, _local(learner)) for n in range(0, 40, 3)]  # across two quarters' worth of days
    _send(client, days[:5], platform[2])
    _send(client, days, platform[2])

    def rows():
        return sorted(db.session.execute(select(PointTotal.kind, PointTotal.key_id, PointTotal.period,
                                                PointTotal.points)).all())

    added = rows()
    assert any(r.kind == "area" and r.key_id == learner.home_area_id and r.period == "all" for r in added)
    totals.refresh(everything=True)
    assert rows() == added  # what `add` kept equals the ledger summed again


def test_the_online_effects_job_applies_each_record_once(app, client, world, platform, learner):
    from app.jobs.registry import JobContext, JobSkipped, get_job

    client.post(URL, json={"records": [_day(n, _local(learner)) for n in range(3)]}, headers=bearer(platform[2]))
    job = get_job("online_effects")
    context = JobContext(dt.date(2025, 5, 10), dt.datetime(2025, 5, 10, 8, tzinfo=dt.UTC), app.config, "test")
    assert "3 kết quả học trực tuyến" in job.run(context)
    with pytest.raises(JobSkipped):
        job.run(context)  # nothing new: nothing done twice
    assert _state(learner.id)[1] == 3


def test_a_coordinator_sees_the_online_enrolment_of_a_learner_of_their_area(client, login_as, world, platform,
                                                                               learner):
    _send(client, [_day(0, _local(learner))], platform[2])
    klass = db.session.scalar(select(TrainingClass).where(TrainingClass.platform == "LuyenAI.vn"))
    login_as("coord_daitu")
    page = client.get(f"/people/{learner.id}").get_data(as_text=True)
    assert klass.topic in page and f"/classes/{klass.id}" not in page  # their own online enrolment, no link
    assert client.get(f"/classes/{klass.id}").status_code == 404  # the province-wide class: steering's
