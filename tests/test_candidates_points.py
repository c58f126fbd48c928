"""Learning by teaching (candidates, promotion), person merge, leaderboards and honours."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.errors import OperationError
from app.extensions import db
from app.models import AreaPopulation, AuditEvent, Enrollment, Person, PointEntry, Trainer
from app.rankings.queries import area_board, quarter_bounds, trainer_board
from app.training.candidates import mark_candidate, promote_candidate
from tests.conftest import post_form
from tests.factories import enrol, make_certificate, make_class, make_person


@pytest.fixture
def done(world):
    c = make_class(world.trainers["Nguyễn Văn Đại"], world.dai_tu, status="completed", level=2)
    return c, enrol(c, make_person("Học Viên Xuất Sắc", world.dai_tu))


def test_only_completed_learners_of_completed_classes_are_candidates(world, done, today):
    c, e = done
    running = make_class(world.trainers["Nguyễn Văn Đại"], world.dai_tu, status="running")
    other = enrol(running, make_person(), completed=False)
    with pytest.raises(OperationError):
        mark_candidate(other, running, True, today)
    mark_candidate(e, c, True, today)
    assert e.candidate and e.candidate_on == today


def test_promotion_derives_mentor_tier_generation_path(world, done, today):
    c, e = done
    mark_candidate(e, c, True, today)
    mentor = world.trainers["Nguyễn Văn Đại"]
    trainer = promote_candidate(e, None, today)
    assert (trainer.mentor_id, trainer.origin_class_id, trainer.tier) == (mentor.id, c.id, "district")
    assert trainer.generation == mentor.generation + 1 and trainer.path == f"{mentor.path}{trainer.id}/"
    assert trainer.max_level == 2
    assert db.session.scalar(select(PointEntry.points).where(PointEntry.reason == "trainer_grown",
                                                             PointEntry.source_id == trainer.id)) == 20
    with pytest.raises(OperationError, match="đã là giảng viên"):
        promote_candidate(e, None, today)


def test_promotion_refuses_an_inactive_mentor_and_a_level_above_the_mentor(world, today):
    mentor = world.trainers["Trần Thị Từ"]  # local tier, max level 3
    c = make_class(mentor, world.dai_tu, status="completed", level=3)
    e = enrol(c, make_person())
    mark_candidate(e, c, True, today)
    mentor.max_level = 2
    with pytest.raises(OperationError, match="cao hơn"):
        promote_candidate(e, None, today)
    mentor.max_level, mentor.status = 3, "paused"
    with pytest.raises(OperationError, match="không còn hoạt động"):
        promote_candidate(e, None, today)
    mentor.status = "active"
    assert promote_candidate(e, None, today).tier == "local"


def test_coordinator_promotes_from_the_candidates_page(client, login_as, world, done, today):
    c, e = done
    mark_candidate(e, c, True, today)
    login_as("trainer_daitu")
    assert "Công nhận giảng viên" not in client.get("/classes/candidates").get_data(as_text=True)
    post_form(client, "/logout", {}, token_page="/")
    login_as("coord_daitu")
    assert "Học Viên Xuất Sắc" in client.get("/classes/candidates").get_data(as_text=True)
    response = post_form(client, f"/classes/enrollments/{e.id}/promote", {}, token_page="/classes/candidates")
    assert response.status_code == 302 and "/trainers/" in response.headers["Location"]
    assert db.session.scalar(select(Trainer).where(Trainer.person_id == e.person_id))


def test_merge_repoints_and_drops_the_duplicate_enrolment(client, login_as, world):
    c = make_class(world.trainers["Nguyễn Văn Đại"], world.dai_tu, status="running")
    survivor = make_person("Nguyễn Thị Trùng", world.dai_tu, phone="+84911000001")
    duplicate = make_person("Nguyễn Thị Trùng", world.dai_tu, phone=None, national_id="019090009999")
    enrol(c, survivor, completed=False)
    enrol(c, duplicate, completed=True)
    other = make_class(world.trainers["Nguyễn Văn Đại"], world.dai_tu, status="completed", level=2)
    moved = enrol(other, duplicate)
    login_as("coord_daitu")
    response = post_form(client, f"/people/{survivor.id}/merge", {"duplicate_id": str(duplicate.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, duplicate.id) is None
    kept = db.session.scalars(select(Enrollment).where(Enrollment.person_id == survivor.id)).all()
    assert len(kept) == 2 and {k.status for k in kept} == {"completed"}
    assert db.session.get(Enrollment, moved.id).person_id == survivor.id
    assert db.session.get(Person, survivor.id).national_id == "019090009999"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.merge"))


def test_merge_refuses_two_certificates_of_the_same_level(client, login_as, world):
    c = make_class(world.trainers["Nguyễn Văn Đại"], world.dai_tu, status="completed")
    a, b = make_person(area_obj=world.dai_tu), make_person(area_obj=world.dai_tu)
    make_certificate(enrol(c, a), "AAAA000001")
    make_certificate(enrol(c, b), "AAAA000002")
    login_as("coord_daitu")
    html = post_form(client, f"/people/{a.id}/merge", {"duplicate_id": str(b.id)}).get_data(as_text=True)
    assert "chứng nhận Bậc 1" in html and db.session.get(Person, b.id) is not None


def test_trainer_cannot_merge(client, login_as, world):
    login_as("trainer_daitu")
    person_id = world.trainers["Nguyễn Văn Đại"].person_id
    assert client.get(f"/people/{person_id}/merge").status_code == 404


def test_boards_rank_trainers_and_areas_per_1000_residents(world):
    from app.rankings.ledger import award

    dai_tu_trainer, pb_trainer = world.trainers["Nguyễn Văn Đại"], world.trainers["Phạm Văn Bình"]
    award("class_opened", 800_001, dai_tu_trainer.person_id, date(2025, 5, 2), trainer_id=dai_tu_trainer.id,
          area_id=dai_tu_trainer.area_id)
    award("class_opened", 800_002, pb_trainer.person_id, date(2025, 8, 2), trainer_id=pb_trainer.id,
          area_id=pb_trainer.area_id)
    province = db.session.get(type(world.dai_tu), world.dai_tu.parent_id)
    db.session.add(AreaPopulation(area_id=world.dai_tu.id, year=2019, working_age=100_000, source="test",
                                  is_estimate=True))
    db.session.flush()
    board = trainer_board(province)
    assert [row[1] for row in board[:2]] == ["Nguyễn Văn Đại", "Phạm Văn Bình"] or len(board) == 2
    assert [row[1] for row in trainer_board(province, quarter_bounds("2025-Q3"))] == ["Phạm Văn Bình"]
    areas = area_board(province)
    assert areas[0]["area"].id == world.dai_tu.id and areas[0]["per_1000"] == pytest.approx(0.1)
    assert quarter_bounds("2025-Q4") == (date(2025, 10, 1), date(2025, 12, 31)) and quarter_bounds("x") is None


def test_ranking_pages_render_for_each_role(client, login_as):
    for user in ("trainer_daitu", "coord_daitu", "steering"):
        login_as(user)
        assert client.get("/rankings/").status_code == 200
        assert "Vinh danh" in client.get("/rankings/honours?quarter=2025-Q2").get_data(as_text=True)
        post_form(client, "/logout", {}, token_page="/")
    _ = func


def test_the_leaderboard_offers_the_quarters_that_have_points(client, login_as, world, today):
    from app.rankings.ledger import award
    from app.rankings.queries import quarters_with_points

    trainer = world.trainers["Nguyễn Văn Đại"]
    for n, day in enumerate((date(2025, 2, 3), date(2025, 5, 2), date(2025, 8, 2))):
        award("class_opened", 800_101 + n, trainer.person_id, day, trainer_id=trainer.id, area_id=trainer.area_id)
    db.session.flush()
    first = min(db.session.scalar(select(func.min(PointEntry.earned_on))), date(2025, 2, 3))
    quarters = quarters_with_points(date(2025, 6, 15))
    assert quarters[0] == "2025-Q2" and quarters[-1] == f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    assert "2025-Q1" in quarters and "2025-Q3" not in quarters  # nothing after today
    login_as("steering")
    html = client.get("/rankings/?quarter=2025-Q1").get_data(as_text=True)
    assert '<select name="quarter"' in html and '<option value="2025-Q1" selected>Quý 1/2025</option>' in html
    assert 'type="text" name="quarter"' not in html and "Trong quý 1/2025." in html
    assert "Trong quý" not in client.get("/rankings/?quarter=1999-Q1").get_data(as_text=True)  # not offered
