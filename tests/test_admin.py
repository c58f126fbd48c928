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
    table = html[html.index('id="audit-log"'):]
    assert "<td>Tạo tài khoản</td>" in table and "user.create" not in table and "admin" in table


def test_the_audit_log_reads_as_vietnamese_with_links_and_changes(client, login_as, world):
    from app.audit import record

    trainer = world.trainers["Trần Thị Từ"]
    record("trainer.update", trainer, before={"max_level": 3, "tier": "district"},
           after={"max_level": 2, "tier": "district", "phone": "+84977000111"})
    klass = world.classes["Soạn thảo văn bản với AI"]
    record("class.completed", klass, before={"status": "running"}, after={"status": "completed",
                                                                              "completed_on": "2025-05-30"})
    record("setting.set", entity="settings", before={"ghi_chu": "Đầu tiên"}, after={"ghi_chu": "Đổi lại"})
    db.session.flush()
    login_as("admin")
    html = client.get("/admin/audit").get_data(as_text=True)
    html = html[html.index('id="audit-log"'):]
    assert "\\u" not in html and "&#34;" not in html
    assert "Sửa thông tin giảng viên" in html and "Kết thúc lớp học" in html and "Đổi thiết lập" in html
    assert f'<a href="/trainers/{trainer.id}">Trần Thị Từ</a>' in html
    assert f'<a href="/classes/{klass.id}">Soạn thảo văn bản với AI</a>' in html
    assert "Bậc được dạy:</span> 3 → 2" in html and "Ngày hoàn thành:</span> 30/05/2025" in html
    assert "ghi_chu:</span> Đầu tiên → Đổi lại" in html and "Cấp:" not in html  # unchanged fields are left out
    def table(url: str) -> str:
        page = client.get(url).get_data(as_text=True)
        return page.split('id="audit-log"', 1)[1] if 'id="audit-log"' in page else ""

    only = table("/admin/audit?action=trainer.update")
    assert "Sửa thông tin giảng viên" in only and "Kết thúc lớp học" not in only
    by_object = table(f"/admin/audit?entity=training_classes&entity_id={klass.id}")
    assert "Kết thúc lớp học" in by_object and "Sửa thông tin giảng viên" not in by_object
    assert "Kết thúc lớp học" not in table("/admin/audit?until=2000-01-01")
    export = client.get("/exports/audit.csv?action=trainer.update")
    text = export.data.decode("utf-8-sig")
    export.close()
    assert "Sửa thông tin giảng viên" in text and "Bậc được dạy: 3 → 2" in text and "Kết thúc lớp học" not in text
    assert '""tier"": ""district""' in text and "\\u" not in text


def test_every_recorded_action_has_a_vietnamese_label():
    import re
    from pathlib import Path

    from app.admin.audit_log import ACTIONS

    app_dir = Path(__file__).resolve().parent.parent / "app"
    found = set()
    for path in app_dir.rglob("*.py"):
        text = path.read_text("utf-8")
        found |= set(re.findall(r'record\(\s*"([a-z_]+\.[a-z_]+)"', text))
        found |= set(re.findall(r'else "([a-z_]+\.[a-z_]+)"', text))
        found |= set(re.findall(r'AuditEvent\(action="([a-z_]+\.[a-z_]+)"', text))
    found |= {f"class.{status}" for status in ("open", "running", "completed", "cancelled")}  # f"class.{to}"
    found |= {"assignment.end", "assignment.cancel"}  # f"assignment.{…}"
    assert found and not found - set(ACTIONS), sorted(found - set(ACTIONS))


def test_non_admins_do_not_see_admin_pages(client, login_as):
    login_as("steering")
    assert client.get("/admin/users").status_code == 404


def test_the_audit_log_masks_national_ids(client, login_as, world):
    from app.audit import record

    record("person.merge", entity="persons", entity_id=1,
           before={"survivor": {"national_id": "019190001234"}, "duplicate": {"national_id": None}},
           after={"national_id": "019190001234", "full_name": "Lê Văn Học"})
    db.session.flush()
    login_as("admin")
    html = client.get("/admin/audit?action=person.merge").get_data(as_text=True)
    export = client.get("/exports/audit.csv?action=person.merge")
    text = export.data.decode("utf-8-sig")
    export.close()
    for shown in (html, text):
        assert "019190001234" not in shown and "••••••••1234" in shown
