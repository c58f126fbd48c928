"""The unit registry: create, edit (rename with history, re-parent a subtree, headcount with year and source),
close, who may do it, and the list page (diacritic-free search, filters, paging)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.errors import OperationError
from app.extensions import db
from app.models import AuditEvent, Unit, UnitName, User
from app.timeutil import local_today
from app.units import operations
from app.units.operations import UnitFields
from tests.conftest import post_form
from tests.factories import area, make_unit


def _steering():
    return db.session.scalar(select(User).where(User.username == "steering"))


def _form(unit_area, **kw) -> dict:
    return {"name": "Sở Khoa học và Công nghệ", "short_name": "Sở KH&CN", "kind": "agency", "parent_id": "0",
            "area_id": str(unit_area.id), "headcount": "70", "headcount_year": "2025",
            "headcount_source": "Sở Nội vụ", "contact": "0208 3 855 000", "valid_from": "2025-03-01", **kw}


def _fields(unit: Unit, **kw) -> UnitFields:
    values = {k: getattr(unit, k) for k in ("name", "kind", "area_id", "parent_id", "short_name", "headcount",
                                            "headcount_year", "headcount_source", "contact", "valid_from")}
    return UnitFields(**(values | kw))


def test_steering_creates_a_unit_with_its_path_key_first_name_and_audit(client, login_as):
    login_as("steering")
    response = post_form(client, "/units/new", _form(area("D164")))
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    unit = db.session.scalar(select(Unit).where(Unit.name == "Sở Khoa học và Công nghệ"))
    assert unit.path == f"/{unit.id}/" and unit.search_key == "so khoa hoc va cong nghe so kh&cn"
    assert (unit.short_name, unit.headcount, unit.headcount_year, unit.headcount_source, str(unit.valid_from)) == (
        "Sở KH&CN", 70, 2025, "Sở Nội vụ", "2025-03-01")
    names = db.session.scalars(select(UnitName).where(UnitName.unit_id == unit.id)).all()
    assert [(n.name, str(n.valid_from), n.valid_to) for n in names] == [
        ("Sở Khoa học và Công nghệ", "2025-03-01", None)]
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.entity_id == unit.id,
                                                             AuditEvent.entity == "units")) == "unit.create"
    page = client.get(f"/units/{unit.id}").get_data(as_text=True)
    assert "Sở KH&amp;CN" in page and "0208 3 855 000" in page and "năm 2025, nguồn: Sở Nội vụ" in page


def test_a_rename_keeps_the_old_name_until_yesterday_and_a_same_day_rename_corrects(client, login_as, world):
    login_as("steering")
    school = world.units["Trường THPT Đại Từ"]
    today = local_today()
    data = _form(area("D171"), name="Trường THPT Đại Từ mới", short_name="", kind="school",
                 parent_id=str(school.parent_id), headcount="50", headcount_year="", headcount_source="",
                 contact="", valid_from="2024-12-01")
    assert post_form(client, f"/units/{school.id}/edit", data).status_code == 302
    names = db.session.scalars(select(UnitName).where(UnitName.unit_id == school.id)
                               .order_by(UnitName.valid_from)).all()
    assert [(n.name, n.valid_from, n.valid_to) for n in names] == [
        ("Trường THPT Đại Từ", school.valid_from, today - timedelta(days=1)),
        ("Trường THPT Đại Từ mới", today, None)]
    assert post_form(client, f"/units/{school.id}/edit", {**data, "name": "Trường THPT Đại Từ (mới)"}).status_code == 302
    names = db.session.scalars(select(UnitName.name).where(UnitName.unit_id == school.id)
                               .order_by(UnitName.valid_from)).all()
    assert names == ["Trường THPT Đại Từ", "Trường THPT Đại Từ (mới)"]
    assert operations.name_on(school.id, today - timedelta(days=1)) == "Trường THPT Đại Từ"
    assert operations.name_on(school.id, today) == "Trường THPT Đại Từ (mới)"
    db.session.refresh(school)
    assert school.search_key == "truong thpt dai tu (moi)"
    page = client.get(f"/units/{school.id}").get_data(as_text=True)
    assert "Tên qua các thời kỳ" in page


def test_moving_a_unit_rewrites_its_subtree_paths_and_refuses_a_loop(world):
    steering, today = _steering(), local_today()
    top = make_unit("Ban Thử", area("D164"))
    middle = make_unit("Phòng Thử", area("D164"), parent=top)
    leaf = make_unit("Tổ Thử", area("D164"), parent=middle)
    other = make_unit("Ban Khác", area("D164"))
    operations.edit_unit(steering, middle, _fields(middle, parent_id=other.id), today)
    db.session.refresh(leaf)
    assert middle.path == f"/{other.id}/{middle.id}/" and leaf.path == f"/{other.id}/{middle.id}/{leaf.id}/"
    assert top.path == f"/{top.id}/"
    with pytest.raises(OperationError, match="trực thuộc nó"):
        operations.edit_unit(steering, other, _fields(other, parent_id=leaf.id), today)
    with pytest.raises(OperationError):
        operations.edit_unit(steering, other, _fields(other, parent_id=other.id), today)
    operations.edit_unit(steering, middle, _fields(middle, parent_id=None), today)
    db.session.refresh(leaf)
    assert leaf.path == f"/{middle.id}/{leaf.id}/"


def test_a_new_or_changed_headcount_needs_its_year_and_source(world):
    steering, today = _steering(), local_today()
    coop = world.units["Hợp tác xã Chè Phú Bình"]
    operations.edit_unit(steering, coop, _fields(coop, name="Hợp tác xã Chè Phú Bình"), today)  # unchanged
    with pytest.raises(OperationError) as error:
        operations.edit_unit(steering, coop, _fields(coop, headcount=61), today)
    assert error.value.field == "headcount_year"
    with pytest.raises(OperationError) as error:
        operations.edit_unit(steering, coop, _fields(coop, headcount=61, headcount_year=2025), today)
    assert error.value.field == "headcount_source"
    operations.edit_unit(steering, coop, _fields(coop, headcount=61, headcount_year=2025, headcount_source="HTX"),
                         today)
    assert (coop.headcount, coop.headcount_year) == (61, 2025)


def test_closing_waits_for_sub_units_and_accounts(client, login_as, world):
    login_as("steering")
    edu, school = world.units["Sở Giáo dục và Đào tạo"], world.units["Trường THPT Đại Từ"]
    today, yesterday = local_today().isoformat(), (local_today() - timedelta(days=1)).isoformat()
    page = post_form(client, f"/units/{edu.id}/close", {"valid_to": today}).get_data(as_text=True)
    assert "1 đơn vị trực thuộc đang hoạt động" in page and edu.valid_to is None
    assert post_form(client, f"/units/{school.id}/close", {"valid_to": yesterday}).status_code == 302
    page = post_form(client, f"/units/{edu.id}/close", {"valid_to": today}).get_data(as_text=True)
    assert "1 tài khoản đang phụ trách đơn vị này" in page
    db.session.expire_all()
    assert db.session.get(Unit, school.id).valid_to == local_today() - timedelta(days=1)
    assert db.session.get(Unit, edu.id).valid_to is None
    listed = client.get("/units/").get_data(as_text=True)
    assert "Trường THPT Đại Từ" not in listed and "Sở Giáo dục và Đào tạo" in listed
    assert "Trường THPT Đại Từ" in client.get("/units/?state=closed").get_data(as_text=True)
    parents = re.search(r'<select[^>]*name="parent_id".*?</select>', client.get("/units/new").get_data(as_text=True),
                        re.S).group(0)
    assert f'value="{school.id}"' not in parents and f'value="{edu.id}"' in parents  # no longer a parent
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "unit.close")) == 1


def test_a_unit_coordinator_manages_their_own_subtree_only(client, login_as, world):
    edu, school = world.units["Sở Giáo dục và Đào tạo"], world.units["Trường THPT Đại Từ"]
    coop = world.units["Hợp tác xã Chè Phú Bình"]
    login_as("coord_edu")
    new = _form(area("D171"), name="Trường THCS Hùng Sơn", kind="school", parent_id=str(edu.id))
    assert post_form(client, "/units/new", new).status_code == 302
    created = db.session.scalar(select(Unit).where(Unit.name == "Trường THCS Hùng Sơn"))
    assert created.path == f"{edu.path}{created.id}/"
    page = post_form(client, "/units/new", {**new, "name": "Trường gốc", "parent_id": "0"}).get_data(as_text=True)
    assert "Chọn đơn vị cấp trên trong phạm vi quản lý của bạn." in page
    assert client.get(f"/units/{coop.id}/edit").status_code == 404
    own = _form(area("D164"), name=edu.name, short_name="Sở GD&ĐT", headcount="50", headcount_year="",
                headcount_source="", contact="", valid_from="2024-12-01")
    assert post_form(client, f"/units/{edu.id}/edit", own).status_code == 302  # their root keeps no parent
    assert post_form(client, f"/units/{school.id}/edit", {**own, "name": school.name, "kind": "school",
                                                          "parent_id": str(edu.id), "area_id": str(area("D171").id),
                                                          "headcount": "50"}).status_code == 302
    page = post_form(client, f"/units/{edu.id}/edit", {**own, "parent_id": str(school.id)}).get_data(as_text=True)
    assert "trực thuộc nó" in page  # a loop


@pytest.mark.parametrize("username", ["coord_daitu", "trainer_daitu", "viewer"])
def test_others_manage_no_unit(client, login_as, world, username):
    login_as(username)
    school = world.units["Trường THPT Đại Từ"]
    for url in ("/units/new", f"/units/{school.id}/edit", f"/units/{school.id}/close", "/units/import",
                "/units/import/template.xlsx"):
        assert client.get(url).status_code == 404, url


def test_the_list_searches_without_diacritics_filters_and_pages(client, login_as, world, app):
    login_as("steering")
    for n in range(25):
        make_unit(f"Trường Mầm non Thử {n:02d}", area("D171"), "school")
    page = client.get("/units/?q=truong mam non thu").get_data(as_text=True)
    assert "Trang 1/2" in page and "25 dòng" in page
    assert "Trường Mầm non Thử 24" in client.get("/units/?q=truong mam non thu&page=2").get_data(as_text=True)
    edu = world.units["Sở Giáo dục và Đào tạo"]
    edu.set_name(edu.name, "Sở GDĐT")
    assert "Sở Giáo dục và Đào tạo" in client.get("/units/?q=gddt").get_data(as_text=True)
    cooperatives = client.get("/units/?kind=cooperative").get_data(as_text=True)
    assert "Hợp tác xã Chè Phú Bình" in cooperatives and "Trường THPT Đại Từ" not in cooperatives
    dai_tu = client.get(f"/units/?area_id={world.dai_tu.id}&q=thpt").get_data(as_text=True)
    assert "Trường THPT Đại Từ" in dai_tu
    assert "Hợp tác xã Chè Phú Bình" not in client.get(f"/units/?area_id={world.dai_tu.id}&kind=cooperative").get_data(
        as_text=True)
    assert "Hợp tác xã Chè Phú Bình" in client.get(f"/units/?area_id={world.phu_binh.id}").get_data(as_text=True)


def test_an_area_coordinator_lists_the_units_of_their_area(client, login_as, world):
    login_as("coord_daitu")
    page = client.get("/units/").get_data(as_text=True)
    assert "Trường THPT Đại Từ" in page and "Hợp tác xã Chè Phú Bình" not in page and "+ Thêm đơn vị" not in page
    assert client.get(f"/units/?area_id={world.phu_binh.id}").status_code == 404
