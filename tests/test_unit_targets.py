"""T2 and T3 per unit, rolled up the unit tree, and the unit indicator page: a trainer completing a civil-servant
class hosted by a department with three of its staff moves T3 for the department, its parent and the province."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Unit
from app.targets.dashboard import dashboard_for
from app.targets.indicators import measure_units, unit_totals
from app.timeutil import local_today
from app.training.settings import plan_setting
from tests.conftest import csrf_from, post_form
from tests.factories import make_class, make_trainer, make_unit, make_user


@pytest.fixture
def tree(world):
    parent = make_unit("UBND huyện Đại Từ", world.dai_tu, headcount=40)
    department = make_unit("Phòng Nội vụ Đại Từ", world.dai_tu, parent=parent, headcount=20)
    make_user("coord_ubnd", "coordinator", unit=parent)
    db.session.flush()
    return parent, department


def _unit_figures(code: str) -> dict[int, tuple[int, int | None]]:
    paths = dict(db.session.execute(select(Unit.id, Unit.path)).all())
    return unit_totals(measure_units(local_today(), plan_setting("core_group_min_trainers"))[code], paths)


def _province_t3(world) -> int:
    board = dashboard_for(world.users["steering"], local_today())
    assert not board.from_snapshot
    return next(v for v in board.indicators if v.target.code == "civil_servants_trained").result.numerator


def _page_numerator(html: str, code: str) -> int:
    found = re.search(rf'id="unit-{code}".*?<span class="numerator">([\d.]+)</span>', html, re.S)
    assert found, html[:2000]
    return int(found.group(1).replace(".", ""))


def test_a_completed_civil_servant_class_moves_t3_for_the_department_its_parents_and_the_province(
        client, login_as, world, tree):
    parent, department = tree
    before_units, before_province = _unit_figures("civil_servants_trained"), _province_t3(world)
    assert before_units[department.id] == (0, 20) and before_units[parent.id] == (0, 60)
    training_class = make_class(world.trainers["Nguyễn Văn Đại"], world.dai_tu, department, status="running",
                                topic="Lớp công chức Phòng Nội vụ", audience_group="civil_servant")
    login_as("trainer_daitu")
    roster = "Họ và tên,Số điện thoại,Đơn vị công tác\n" + "\n".join(
        f"Công Chức {i},098720000{i}," for i in range(1, 4)) + "\n"
    url = f"/classes/{training_class.id}/roster"
    token = csrf_from(client.get(url).get_data(as_text=True))
    html = client.post(url, content_type="multipart/form-data", data={
        "csrf_token": token, "action": "import",
        "file": (io.BytesIO(roster.encode()), "a.csv")}).get_data(as_text=True)
    assert "Đã nhập 3 học viên" in html
    response = post_form(client, f"/classes/{training_class.id}/status", {"to": "completed"},
                         token_page=f"/classes/{training_class.id}")
    assert response.status_code == 302
    after = _unit_figures("civil_servants_trained")
    assert after[department.id] == (3, 20)
    assert after[parent.id] == (3, 60)
    assert _province_t3(world) == before_province + 3
    post_form(client, "/logout", {}, token_page="/")
    login_as("coord_ubnd")
    page = client.get(f"/targets/units/{parent.id}").get_data(as_text=True)
    assert _page_numerator(page, "civil_servants_trained") == 3
    assert "Phòng Nội vụ Đại Từ" in page


def test_t2_counts_units_with_a_core_group_up_the_tree(world, tree):
    parent, department = tree
    venue = db.session.get(type(world.dai_tu), world.trainers["Nguyễn Văn Đại"].area_id)
    for i in range(plan_setting("core_group_min_trainers")):
        make_trainer(venue, mentor=world.trainers["Nguyễn Văn Đại"], unit=department, name=f"Nòng Cốt {i}")
    figures = _unit_figures("units_with_core_group")
    assert figures[department.id] == (1, 1)
    assert figures[parent.id] == (1, 2)


def test_a_unit_coordinator_gets_their_unit_page_from_the_menu(client, login_as, world, tree):
    parent, department = tree
    login_as("coord_ubnd")
    home = client.get("/targets/").get_data(as_text=True)
    assert 'href="/targets/units/"' in home
    response = client.get("/targets/units/")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/targets/units/{parent.id}")
    page = client.get(f"/targets/units/{department.id}").get_data(as_text=True)
    assert "UBND huyện Đại Từ" in page  # the way back up
    home = client.get("/", follow_redirects=True).get_data(as_text=True)  # their home: the unit's page
    assert f'href="/targets/units/{parent.id}"' in home
    assert client.get(f"/targets/units/{world.units['Sở Giáo dục và Đào tạo'].id}").status_code == 404


@pytest.mark.parametrize("username", ["coord_daitu", "trainer_daitu"])
def test_area_coordinators_and_trainers_have_no_unit_page(client, login_as, world, username):
    login_as(username)
    assert 'href="/targets/units/"' not in client.get("/").get_data(as_text=True)
    assert client.get("/targets/units/").status_code == 404
    assert client.get(f"/targets/units/{world.units['Trường THPT Đại Từ'].id}").status_code == 404


def test_steering_sees_the_top_of_the_unit_tree(client, login_as, world, tree):
    parent, _ = tree
    login_as("steering")
    page = client.get("/targets/units/").get_data(as_text=True)
    assert "UBND huyện Đại Từ" in page and "Sở Giáo dục và Đào tạo" in page
    assert "Phòng Nội vụ Đại Từ" not in page  # below its parent, on the parent's page
