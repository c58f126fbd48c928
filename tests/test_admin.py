"""Admin pages: create and change accounts through real forms; every change is audited."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, User
from tests.conftest import post_form


def _new_user(client, **overrides):
    data = {"username": "dp.vonhai", "full_name": "Điều phối Võ Nhai", "email": "", "password": "mat-khau-du-dai",
            "role": "coordinator", "scope_area_id": "0", "scope_unit_id": "0", "person_phone": "", "active": "y"}
    data.update(overrides)
    return post_form(client, "/admin/users/new", data)


def test_admin_creates_a_coordinator_and_it_is_audited(client, login_as, world):
    login_as("admin")
    response = _new_user(client, scope_area_id=str(world.dai_tu.id))
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "dp.vonhai"))
    assert user.scope_area_id == world.dai_tu.id and user.check_password("mat-khau-du-dai")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert event.entity_id == user.id and event.after["role"] == "coordinator"
    assert event.actor_id == world.users["admin"].id
    assert "password" not in str(event.after)


def test_coordinator_without_scope_is_refused_on_the_field(client, login_as, world):
    login_as("admin")
    response = _new_user(client)
    assert response.status_code == 200
    assert "Điều phối viên cần có phạm vi địa bàn hoặc đơn vị." in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "dp.vonhai")) is None


def test_both_scopes_and_duplicate_usernames_are_refused(client, login_as, world):
    login_as("admin")
    unit = world.units["Sở Giáo dục và Đào tạo"]
    html = _new_user(client, scope_area_id=str(world.dai_tu.id), scope_unit_id=str(unit.id)).get_data(as_text=True)
    assert "Chỉ chọn một phạm vi" in html
    html = _new_user(client, username="Coord_DaiTu", scope_area_id=str(world.dai_tu.id)).get_data(as_text=True)
    assert "Tên đăng nhập đã được dùng." in html


def test_trainer_account_links_a_person_by_phone(client, login_as, world):
    login_as("admin")
    html = _new_user(client, role="trainer", person_phone="0999 999 999").get_data(as_text=True)
    assert "Không có người nào với số điện thoại này." in html
    trainer = world.trainers["Trần Thị Từ"]
    from app.models import Person

    phone = db.session.get(Person, trainer.person_id).phone
    response = _new_user(client, username="gv.tu", role="trainer", person_phone="0" + phone[3:])
    assert response.status_code == 302
    assert db.session.scalar(select(User.person_id).where(User.username == "gv.tu")) == trainer.person_id


def test_editing_keeps_the_password_when_left_empty(client, login_as, world):
    login_as("admin")
    target = world.users["viewer"]
    response = post_form(client, f"/admin/users/{target.id}/edit", {
        "username": "viewer", "full_name": "Người xem mới", "email": "", "password": "", "role": "viewer",
        "scope_area_id": "0", "scope_unit_id": "0", "person_phone": "", "active": "y"})
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.full_name == "Người xem mới" and target.check_password("mat-khau-thu-nghiem")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.before["full_name"] == "viewer" and event.after["full_name"] == "Người xem mới"


def test_audit_page_lists_changes(client, login_as, world):
    login_as("admin")
    _new_user(client, scope_area_id=str(world.dai_tu.id))
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "user.create" in html and "admin" in html


def test_non_admins_do_not_see_admin_pages(client, login_as):
    login_as("steering")
    assert client.get("/admin/users").status_code == 404
