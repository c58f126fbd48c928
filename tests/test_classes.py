"""Classes: registration rules, the lifecycle and its dates, the 2–3 rule, results and whole-class completion."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.errors import OperationError
from app.extensions import db
from app.models import Area, AuditEvent, Certificate, Enrollment, Person, PointEntry, TrainingClass, User
from app.training import operations
from app.training.settings import set_setting
from tests.conftest import post_form
from tests.factories import enrol, make_class, make_person


def _commune(district: Area, n: int = 0) -> Area:
    return db.session.scalars(select(Area).where(Area.parent_id == district.id).order_by(Area.code)).all()[n]


def _form(world, **kw):
    data = {"level": "1", "topic": "Dùng AI soạn công văn", "audience_group": "civil_servant", "mode": "in_person",
            "venue_area_id": str(_commune(world.dai_tu, 3).id), "host_unit_id": "0", "start_on": "2025-07-01",
            "end_on": "2025-07-20", "sessions": "6", "capacity": "30"}
    data.update(kw)
    return data


def test_trainer_registers_a_class_in_their_district(client, login_as, world):
    login_as("trainer_daitu")
    response = post_form(client, "/classes/new", _form(world))
    assert response.status_code == 302
    created = db.session.scalar(select(TrainingClass).where(TrainingClass.topic == "Dùng AI soạn công văn"))
    assert created.status == "planned" and created.trainer_id == world.trainers["Nguyễn Văn Đại"].id
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "class.create",
                                                      AuditEvent.entity_id == created.id))


def test_level_above_the_trainers_own_is_refused(client, login_as, world):
    login_as("trainer_daitu")  # max_level 3
    response = post_form(client, "/classes/new", _form(world, level="4"))
    assert response.status_code == 200
    assert "chỉ được dạy đến Bậc 3" in response.get_data(as_text=True)
    assert not db.session.scalar(select(TrainingClass).where(TrainingClass.topic == "Dùng AI soạn công văn"))


def test_venue_outside_the_trainers_district_is_refused(client, login_as, world):
    login_as("trainer_daitu")
    response = post_form(client, "/classes/new", _form(world, venue_area_id=str(_commune(world.phu_binh).id)))
    assert "ngoài địa bàn" in response.get_data(as_text=True)
    assert not db.session.scalar(select(TrainingClass).where(TrainingClass.topic == "Dùng AI soạn công văn"))


def test_coordinator_registers_on_behalf_of_a_trainer_in_scope_only(client, login_as, world):
    login_as("coord_daitu")
    mine = world.trainers["Trần Thị Từ"].id
    assert post_form(client, "/classes/new", _form(world, trainer_id=str(mine))).status_code == 302
    other = world.trainers["Phạm Văn Bình"].id
    response = post_form(client, "/classes/new", _form(world, trainer_id=str(other), topic="Lớp khác"))
    assert "trong phạm vi" in response.get_data(as_text=True)


def test_host_unit_outside_the_coordinators_scope_is_refused(client, login_as, world):
    login_as("coord_daitu")
    foreign = world.units["Sở Giáo dục và Đào tạo"].id
    response = post_form(client, "/classes/new", _form(world, trainer_id=str(world.trainers["Trần Thị Từ"].id),
                                                       host_unit_id=str(foreign)))
    assert response.status_code == 200
    assert "Đơn vị chủ trì nằm ngoài phạm vi" in response.get_data(as_text=True)
    assert not db.session.scalar(select(TrainingClass).where(TrainingClass.topic == "Dùng AI soạn công văn"))


def test_venue_search_is_scoped_and_ignores_diacritics(client, login_as, world):
    login_as("trainer_daitu")
    rows = client.get("/classes/venues.json?q=hung son").get_json()
    assert rows and all("Hùng Sơn" in r["name"] for r in rows)
    names = {r["name"] for r in client.get("/classes/venues.json?q=").get_json()}
    assert _commune(world.dai_tu).name in names and _commune(world.phu_binh).name not in names


def test_lifecycle_dates_each_transition_and_refuses_skips(app, world, today):
    c = make_class(world.trainers["Nguyễn Văn Đại"], world.dai_tu, status="planned")
    with pytest.raises(OperationError):
        operations.transition(c, "running", today)
    operations.transition(c, "open", today)
    operations.transition(c, "running", date(2025, 6, 2))
    assert (c.opened_on, c.started_on, c.status) == (today, date(2025, 6, 2), "running")
    with pytest.raises(OperationError, match="lý do"):
        operations.transition(c, "cancelled", today)
    operations.transition(c, "cancelled", today, "Mưa lũ")
    assert c.cancelled_on == today and c.cancel_reason == "Mưa lũ"


def test_fourth_running_class_needs_a_reason(app, world, today):
    trainer = world.trainers["Nguyễn Văn Đại"]
    for _ in range(3):
        make_class(trainer, world.dai_tu, status="running")
    fourth = make_class(trainer, world.dai_tu, status="open")
    with pytest.raises(OperationError) as info:
        operations.transition(fourth, "running", today)
    assert info.value.code == "over_limit"
    operations.transition(fourth, "running", today, "Xã đề nghị mở thêm lớp cho hợp tác xã")
    assert fourth.over_limit_reason.startswith("Xã đề nghị")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "class.over_limit",
                                                      AuditEvent.entity_id == fourth.id))


def test_the_limit_is_a_plan_setting(app, world, today):
    set_setting("classes_max_running", 1)
    trainer = world.trainers["Trần Thị Từ"]
    make_class(trainer, world.dai_tu, status="running")
    second = make_class(trainer, world.dai_tu, status="open")
    with pytest.raises(OperationError):
        operations.transition(second, "running", today)


def test_the_over_limit_page_asks_for_a_reason(client, login_as, world):
    trainer = world.trainers["Nguyễn Văn Đại"]
    for _ in range(3):
        make_class(trainer, world.dai_tu, status="running")
    fourth = make_class(trainer, world.dai_tu, status="open", topic="Lớp thứ tư")
    login_as("trainer_daitu")
    response = post_form(client, f"/classes/{fourth.id}/status", {"to": "running"}, token_page=f"/classes/{fourth.id}")
    assert response.status_code == 200 and "Nêu lý do" in response.get_data(as_text=True)
    response = post_form(client, f"/classes/{fourth.id}/status", {"to": "running", "reason": "Nhu cầu lớn"},
                         token_page=f"/classes/{fourth.id}")
    assert response.status_code == 302
    assert db.session.get(TrainingClass, fourth.id).status == "running"


def test_rule_page_lists_trainers_below_two(client, login_as, world):
    login_as("coord_daitu")
    html = client.get("/classes/rule").get_data(as_text=True)
    assert "Trần Thị Từ" in html and "Dưới 2 lớp" in html and "Phạm Văn Bình" not in html


def test_completing_the_class_issues_certificates_once_and_points(app, world, today):
    trainer = world.trainers["Nguyễn Văn Đại"]
    c = make_class(trainer, world.dai_tu, status="planned", level=2)
    people = [make_person(area_obj=world.dai_tu) for _ in range(3)]
    for p in people:
        enrol(c, p, completed=False)
    operations.transition(c, "open", today)
    operations.transition(c, "running", today)
    operations.transition(c, "completed", today)
    certs = db.session.scalars(select(Certificate).where(Certificate.class_id == c.id)).all()
    assert len(certs) == 3 and {x.level for x in certs} == {2}
    assert all(x.serial == f"BDHAI-2025-{x.id:06d}" and len(x.code) == 10 for x in certs)
    # a second class of the same level issues nothing new to the same people
    again = make_class(trainer, world.dai_tu, status="running", level=2)
    enrol(again, people[0], completed=False)
    operations.transition(again, "completed", today)
    assert db.session.scalar(select(func.count()).where(Certificate.person_id == people[0].id)) == 1
    points = dict(db.session.execute(select(PointEntry.reason, func.sum(PointEntry.points))
                                     .where(PointEntry.earned_on == today).group_by(PointEntry.reason)).all())
    assert points == {"class_opened": 10, "learner_completed": 8, "certificate": 15}


def test_points_are_idempotent(app, world, today):
    from app.rankings.ledger import award

    person = make_person()
    assert award("certificate", 999_001, person.id, today) == 1
    assert award("certificate", 999_001, person.id, today) == 0


def test_per_learner_results_and_scores(client, login_as, world):
    c = make_class(world.trainers["Nguyễn Văn Đại"], world.dai_tu, status="running", level=1)
    a = enrol(c, make_person("Học Viên A", world.dai_tu), completed=False)
    b = enrol(c, make_person("Học Viên B", world.dai_tu), completed=False)
    login_as("trainer_daitu")
    response = post_form(client, f"/classes/{c.id}/results",
                         {f"status_{a.id}": "completed", f"score_{a.id}": "92,5",
                          f"status_{b.id}": "dropped", f"score_{b.id}": ""}, token_page=f"/classes/{c.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Enrollment, a.id).score == 92.5 and db.session.get(Enrollment, b.id).status == "dropped"
    assert db.session.scalar(select(Certificate).where(Certificate.person_id == a.person_id))
    assert not db.session.scalar(select(Certificate).where(Certificate.person_id == b.person_id))
    response = post_form(client, f"/classes/{c.id}/results", {f"status_{a.id}": "completed", f"score_{a.id}": "120"},
                         token_page=f"/classes/{c.id}", follow_redirects=True)
    assert "Điểm phải từ 0 đến 100" in response.get_data(as_text=True)


def test_viewer_cannot_register(client, login_as):
    login_as("viewer")
    assert client.get("/classes/new").status_code == 404
    _ = User


def test_settings_cli_sets_and_shows(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["settings", "set", "classes_min", "4"])
    assert result.exit_code == 0, result.output
    assert "classes_min" in runner.invoke(args=["settings", "show"]).output
    assert runner.invoke(args=["settings", "set", "nope", "1"]).exit_code != 0
    from app.training.settings import plan_setting

    assert plan_setting("classes_min") == 4


def test_rule_page_lists_all_active_trainers_below_the_minimum_first_then_by_name(client, login_as, world):
    login_as("steering")
    html = client.get("/classes/rule?all=1").get_data(as_text=True)
    active = [t for t in world.trainers.values() if t.status == "active"]
    shown = [t for t in sorted(active, key=lambda t: html.find(t.person.full_name)) if t.person.full_name in html]
    assert len(shown) == len(active) >= 3
    below = [t for t in shown if "Dưới 2 lớp" in html[html.find(t.person.full_name):][:2000].split("</tr>")[0]]
    assert shown[:len(below)] == below  # those below the minimum come first
    assert [t.search_key for t in below] == sorted(t.search_key for t in below)


def test_rule_page_does_not_flag_a_trainer_promoted_today_but_one_past_the_grace_period(client, login_as, world):
    from app.timeutil import local_today
    from tests.factories import make_trainer
    make_trainer(world.dai_tu, name="Lê Văn Mới Lên", certified_on=local_today())
    make_trainer(world.dai_tu, name="Lê Văn Lâu Rồi", certified_on=date(2020, 1, 1))
    login_as("coord_daitu")
    html = client.get("/classes/rule").get_data(as_text=True)
    assert "Lê Văn Lâu Rồi" in html and "Lê Văn Mới Lên" not in html
    assert "Lớp đang học lúc này" in html and "Lớp đã mở (từ khi là giảng viên)" in html


def test_an_empty_class_says_so_once_and_offers_no_empty_export(client, login_as, world):
    from tests.factories import make_class

    root = world.trainers["Nguyễn Văn Đại"]
    empty = make_class(root, db.session.get(type(world.dai_tu), root.area_id), status="open", topic="Lớp trống")
    login_as("trainer_daitu")
    html = client.get(f"/classes/{empty.id}").get_data(as_text=True)
    assert html.count('class="empty"') == 1 and "Lớp chưa có học viên." in html
    assert "Không có dữ liệu phù hợp" not in html and "learners.xlsx" not in html and "learners.csv" not in html
    full = world.classes["Soạn thảo văn bản với AI"]
    html = client.get(f"/classes/{full.id}").get_data(as_text=True)
    assert "learners.xlsx" in html and 'id="no-learners"' not in html


def test_a_coordinator_finds_the_trainer_by_search_not_a_capped_list(client, login_as, world):
    from tests.test_foreign_ids import class_data

    login_as("coord_daitu")
    page = client.get("/classes/new").get_data(as_text=True)
    assert 'list="trainer-options"' in page and "js/mentor-search.js" in page
    assert '<select id="trainer_id"' not in page and '<select name="trainer_id"' not in page
    tu = world.trainers["Trần Thị Từ"]
    suggestions = client.get("/network/mentors.json?q=tran thi").get_json()
    label = next(s["label"] for s in suggestions if s["id"] == tu.id)
    phone = db.session.scalar(select(Person.phone).where(Person.id == tu.person_id))
    for value, topic in ((label, "Chọn từ gợi ý"), (phone.replace("+84", "0"), "Chọn theo số điện thoại")):
        response = post_form(client, "/classes/new", class_data(world, trainer_id=value, topic=topic),
                             token_page="/classes/new")
        assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
        assert db.session.scalar(select(TrainingClass.trainer_id).where(TrainingClass.topic == topic)) == tu.id
    html = post_form(client, "/classes/new", class_data(world, trainer_id="Không Có Ai", topic="Không ai"),
                     token_page="/classes/new").get_data(as_text=True)
    assert "Vui lòng chọn giảng viên trong phạm vi của bạn." in html
