"""One-step completion from the class page: a day between the start and today, all learners or the ticked ones."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.errors import OperationError
from app.extensions import db
from app.models import Certificate, Enrollment, PointEntry, TrainingClass
from app.training import operations
from tests.conftest import post_form
from tests.factories import enrol, make_class, make_person

TODAY = date(2025, 6, 15)


@pytest.fixture
def pinned(pinned_today):
    return pinned_today(TODAY)


@pytest.fixture
def running(world):
    c = make_class(world.trainers["Nguyễn Văn Đại"], world.dai_tu, status="running", level=3,
                   start_on=date(2025, 5, 1), end_on=date(2025, 7, 30), topic="Lớp đang học",
                   opened_on=date(2025, 4, 20), started_on=date(2025, 5, 1))
    learners = [enrol(c, make_person(f"Học Viên {n}", world.dai_tu), completed=False) for n in "ABC"]
    return c, learners


def _complete(client, c, **data):
    return post_form(client, f"/classes/{c.id}/complete", data, token_page=f"/classes/{c.id}")


def _counts(c):
    return (db.session.scalar(select(func.count(Certificate.id)).where(Certificate.class_id == c.id)),
            db.session.scalar(select(func.count(PointEntry.id))),
            dict(db.session.execute(select(Enrollment.status, func.count()).where(Enrollment.class_id == c.id)
                                    .group_by(Enrollment.status)).all()))


def test_the_class_page_offers_completion_with_a_date_and_a_tick_per_learner(client, login_as, running, pinned):
    c, learners = running
    login_as("trainer_daitu")
    html = client.get(f"/classes/{c.id}").get_data(as_text=True)
    assert 'id="complete-form"' in html and 'name="completed_on"' in html
    assert 'min="2025-05-01"' in html and 'max="2025-06-15"' in html and 'value="2025-06-15"' in html
    for e in learners:
        assert f'name="enrollment_ids" value="{e.id}" form="complete-form"' in html


def test_all_learners_complete_on_the_chosen_day_with_certificates_of_that_day(client, login_as, running, pinned):
    c, learners = running
    login_as("trainer_daitu")
    response = _complete(client, c, completed_on="2025-06-10", who="all")
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    db.session.expire_all()
    c = db.session.get(TrainingClass, c.id)
    assert (c.status, c.completed_on, c.started_on) == ("completed", date(2025, 6, 10), date(2025, 5, 1))
    rows = db.session.execute(select(Enrollment.status, Enrollment.completed_on)
                              .where(Enrollment.class_id == c.id)).all()
    assert rows == [("completed", date(2025, 6, 10))] * 3
    certs = db.session.scalars(select(Certificate).where(Certificate.class_id == c.id)).all()
    assert len(certs) == 3 and {x.issued_on for x in certs} == {date(2025, 6, 10)} and {x.level for x in certs} == {3}
    page = client.get(f"/classes/{c.id}").get_data(as_text=True)
    assert page.count("Xem chứng nhận") == 3 and "đã cấp chứng nhận" in page


def test_only_the_ticked_learners_complete_and_the_others_stay_enrolled(client, login_as, running, pinned):
    c, (a, b, rest) = running
    login_as("trainer_daitu")
    response = _complete(client, c, completed_on="2025-06-01", who="some", enrollment_ids=[str(a.id), str(b.id)])
    assert response.status_code == 302
    db.session.expire_all()
    statuses = dict(db.session.execute(select(Enrollment.id, Enrollment.status)
                                       .where(Enrollment.class_id == c.id)).all())
    assert statuses == {a.id: "completed", b.id: "completed", rest.id: "enrolled"}
    assert db.session.get(TrainingClass, c.id).status == "completed"
    # the one left is completed later from the same form, on a later day
    html = client.get(f"/classes/{c.id}").get_data(as_text=True)
    assert "Hoàn thành thêm học viên" in html
    assert _complete(client, c, completed_on="2025-06-12", who="some",
                     enrollment_ids=[str(rest.id)]).status_code == 302
    db.session.expire_all()
    late = db.session.get(Enrollment, rest.id)
    assert (late.status, late.completed_on) == ("completed", date(2025, 6, 12))
    cert = db.session.scalar(select(Certificate).where(Certificate.person_id == rest.person_id))
    assert cert.issued_on == date(2025, 6, 12)
    assert db.session.get(TrainingClass, c.id).completed_on == date(2025, 6, 1)  # the class's own day stays


def test_unticked_learners_are_dropped_only_when_asked(client, login_as, running, pinned):
    c, (a, b, rest) = running
    login_as("trainer_daitu")
    response = _complete(client, c, completed_on="2025-06-01", who="some", enrollment_ids=[str(a.id)],
                         drop_others="y")
    assert response.status_code == 302
    db.session.expire_all()
    statuses = dict(db.session.execute(select(Enrollment.id, Enrollment.status)
                                       .where(Enrollment.class_id == c.id)).all())
    assert statuses == {a.id: "completed", b.id: "dropped", rest.id: "dropped"}


def test_a_planned_class_completes_in_one_step(client, login_as, world, pinned):
    trainer = world.trainers["Nguyễn Văn Đại"]
    c = make_class(trainer, world.dai_tu, status="planned", start_on=date(2025, 6, 2), end_on=date(2025, 6, 30),
                   topic="Lớp một bước")
    for n in range(3):
        enrol(c, make_person(f"Một Bước {n}", world.dai_tu), completed=False)
    login_as("trainer_daitu")
    assert _complete(client, c, completed_on="2025-06-14", who="all").status_code == 302
    db.session.expire_all()
    c = db.session.get(TrainingClass, c.id)
    assert (c.status, c.opened_on, c.started_on, c.completed_on) == (
        "completed", date(2025, 6, 2), date(2025, 6, 2), date(2025, 6, 14))
    opened = db.session.scalar(select(PointEntry).where(PointEntry.reason == "class_opened",
                                                        PointEntry.source_id == c.id))
    assert opened is not None and opened.earned_on == date(2025, 6, 2)


@pytest.mark.parametrize(("day", "message"), [
    ("2025-04-30", "Ngày hoàn thành (30/04/2025) không được trước ngày bắt đầu lớp (01/05/2025)."),
    ("2025-06-16", "Ngày hoàn thành (16/06/2025) không được sau hôm nay (15/06/2025)."),
    ("", "Vui lòng chọn ngày hoàn thành."),
    ("31/02/2025", "Ngày không hợp lệ."),
])
def test_a_day_outside_the_class_is_refused_naming_the_field(client, login_as, running, pinned, day, message):
    c, _ = running
    login_as("trainer_daitu")
    before = _counts(c)
    response = _complete(client, c, completed_on=day, who="all")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert "Ngày hoàn thành" in html.split(message)[0].rsplit('class="field', 1)[1]  # under its field
    db.session.expire_all()
    assert _counts(c) == before and db.session.get(TrainingClass, c.id).status == "running"


def test_ticking_nobody_or_an_unknown_choice_is_refused(client, login_as, running, pinned):
    c, _ = running
    login_as("trainer_daitu")
    response = _complete(client, c, completed_on="2025-06-01", who="some")
    assert response.status_code == 200
    assert "Vui lòng chọn ít nhất một học viên đã hoàn thành." in response.get_data(as_text=True)
    response = _complete(client, c, completed_on="2025-06-01", who="everyone")
    assert response.status_code == 200
    assert "Vui lòng chọn: tất cả học viên hoặc chỉ những học viên được đánh dấu." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(TrainingClass, c.id).status == "running"


def test_a_completed_class_with_nobody_left_says_so(client, login_as, world, pinned):
    c = world.classes["Soạn thảo văn bản với AI"]  # completed, its one learner too
    login_as("trainer_daitu")
    response = _complete(client, c, completed_on="2025-04-01", who="all")
    assert response.status_code == 200 and "Lớp không còn học viên nào đang học." in response.get_data(as_text=True)


def test_an_enrolment_of_another_class_is_refused_and_nothing_is_written(client, login_as, world, running, pinned):
    c, (a, _b, _c) = running
    theirs = db.session.scalar(select(Enrollment.id).where(
        Enrollment.class_id == world.classes["Làm video ngắn với AI"].id))
    login_as("trainer_daitu")
    before = _counts(c)
    for foreign in (theirs, 0, "99999999999999999999"):
        response = _complete(client, c, completed_on="2025-06-01", who="some",
                             enrollment_ids=[str(a.id), str(foreign)])
        assert response.status_code == 200 and "Học viên không thuộc lớp này." in response.get_data(as_text=True)
    db.session.expire_all()
    assert _counts(c) == before


def test_another_districts_class_and_a_viewer_get_404(client, login_as, world, pinned):
    theirs = world.classes["Tư duy giải quyết vấn đề cùng AI"]
    login_as("coord_daitu")
    assert post_form(client, f"/classes/{theirs.id}/complete", {"completed_on": "2025-06-01", "who": "all"},
                     token_page="/classes/").status_code == 404
    client.get("/logout")
    login_as("viewer")
    assert post_form(client, f"/classes/{theirs.id}/complete", {"completed_on": "2025-06-01", "who": "all"},
                     token_page="/classes/").status_code == 404


def test_the_lifecycle_button_and_the_results_table_date_completions_today(app, world, running):
    c, (a, b, rest) = running
    operations.record_results(c, {a.id: ("completed", 90.0)}, TODAY)
    db.session.expire_all()
    assert (db.session.get(Enrollment, a.id).completed_on,
            db.session.scalar(select(Certificate.issued_on).where(Certificate.person_id == a.person_id))) == (
        TODAY, TODAY)
    operations.transition(c, "completed", TODAY)
    db.session.expire_all()
    assert {db.session.get(Enrollment, e.id).completed_on for e in (a, b, rest)} == {TODAY}


def test_the_lifecycle_button_refuses_completing_before_the_start(app, world):
    c = make_class(world.trainers["Nguyễn Văn Đại"], world.dai_tu, status="running", start_on=date(2025, 7, 1),
                   end_on=date(2025, 7, 30), topic="Chưa tới ngày")
    with pytest.raises(OperationError, match="không được trước ngày bắt đầu lớp"):
        operations.transition(c, "completed", TODAY)
