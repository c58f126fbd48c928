"""The unit import (template, dry run, all or nothing) and the unit export, which imports back unchanged as
steering and as a unit coordinator; edited rows are updates, new rows new units."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Unit, UnitName
from tests.conftest import post_form

HEADER = ("Mã đơn vị,Tên đơn vị,Tên viết tắt,Loại,Mã đơn vị cấp trên,Mã địa bàn,Số cán bộ, nhân sự,Năm của số liệu,"
          "Nguồn số liệu,Liên hệ,Hoạt động từ ngày")


def _csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Mã đơn vị", "Tên đơn vị", "Tên viết tắt", "Loại", "Mã đơn vị cấp trên", "Mã địa bàn",
                     "Số cán bộ, nhân sự", "Năm của số liệu", "Nguồn số liệu", "Liên hệ", "Hoạt động từ ngày"])
    writer.writerows(rows)
    return out.getvalue().encode()


def _post(client, data: bytes, name: str = "don-vi.csv", dry_run: bool = False) -> tuple[int, str]:
    form = {"file": (io.BytesIO(data), name)} | ({"dry_run": "y"} if dry_run else {})
    response = post_form(client, "/units/import", form, content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def _export(client, fmt: str) -> bytes:
    response = client.get(f"/exports/units.{fmt}")
    assert response.status_code == 200
    data = response.data
    response.close()
    return data


def _state() -> list[tuple]:
    db.session.expire_all()
    return [(u.id, u.name, u.short_name, u.kind, u.parent_id, u.area_id, u.headcount, u.headcount_year,
             u.headcount_source, u.contact, u.valid_from, u.valid_to, u.path)
            for u in db.session.scalars(select(Unit).order_by(Unit.id))]


def test_the_template_imports_back_unchanged(client, login_as):
    login_as("steering")
    template = client.get("/units/import/template.xlsx").data
    before = _state()
    status, html = _post(client, template, "mau.xlsx")
    assert status == 200 and "Bỏ qua dòng ví dụ của tệp mẫu (dòng 2)" in html
    assert _state() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("username", ["steering", "coord_edu"])
def test_the_export_imports_back_unchanged(client, login_as, world, fmt, username):
    login_as(username)
    edu = world.units["Sở Giáo dục và Đào tạo"]
    edu.headcount_year, edu.headcount_source, edu.contact = 2025, "Sở Nội vụ", "0208 3 856 000"
    db.session.flush()
    data = _export(client, fmt)
    before = _state()
    seen = len(before) if username == "steering" else 2
    status, html = _post(client, data, f"don-vi.{fmt}", dry_run=True)
    assert status == 200 and f"Tệp hợp lệ: {seen} dòng (0 đơn vị mới, 0 cập nhật, {seen} không đổi)" in html, \
        html[-2000:]
    status, html = _post(client, data, f"don-vi.{fmt}")
    assert status == 200 and f"Đã nhập: 0 đơn vị mới, 0 cập nhật, {seen} không đổi." in html
    assert _state() == before
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "unit.edit")) == 0


def test_an_edited_export_updates_and_renames_with_history(client, login_as, world):
    login_as("coord_edu")
    school = world.units["Trường THPT Đại Từ"]
    rows = list(csv.reader(io.StringIO(_export(client, "csv").decode("utf-8-sig"))))
    for row in rows[1:]:
        if row[0] == str(school.id):
            row[1], row[2], row[6], row[7], row[8] = "Trường THPT Đại Từ (sáp nhập)", "THPT ĐT", "97", "2025", "Sở GD"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    status, html = _post(client, out.getvalue().encode())
    assert status == 200 and "Đã nhập: 0 đơn vị mới, 1 cập nhật, 1 không đổi." in html, html[-2000:]
    db.session.refresh(school)
    assert (school.name, school.short_name, school.headcount, school.headcount_year) == (
        "Trường THPT Đại Từ (sáp nhập)", "THPT ĐT", 97, 2025)
    assert db.session.scalars(select(UnitName.name).where(UnitName.unit_id == school.id)
                              .order_by(UnitName.valid_from)).all() == ["Trường THPT Đại Từ",
                                                                        "Trường THPT Đại Từ (sáp nhập)"]


def test_twenty_new_units_are_created_under_their_parent(client, login_as, world):
    login_as("steering")
    edu = world.units["Sở Giáo dục và Đào tạo"]
    rows = [["", f"Trường Tiểu học Số {n}", "", "Trường học", edu.id, "D171", 30 + n, 2025, "Sở GD", "", "05/09/2025"]
            for n in range(1, 21)]
    status, html = _post(client, _csv(rows), dry_run=True)
    assert status == 200 and "Tệp hợp lệ: 20 dòng (20 đơn vị mới, 0 cập nhật, 0 không đổi)" in html
    assert db.session.scalar(select(func.count()).select_from(Unit).where(Unit.name.like("Trường Tiểu học Số%"))) == 0
    status, html = _post(client, _csv(rows))
    assert "Đã nhập: 20 đơn vị mới" in html
    created = db.session.scalars(select(Unit).where(Unit.name.like("Trường Tiểu học Số%"))).all()
    assert len(created) == 20 and all(u.path == f"{edu.path}{u.id}/" and u.parent_id == edu.id for u in created)
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "unit.import")) == 1
    status, html = _post(client, _csv(rows[:1]))  # the same file again: a sibling of that name exists
    assert status == 400 and "Đã có đơn vị tên này" in html


def test_bad_rows_are_listed_and_nothing_is_written(client, login_as, world):
    login_as("coord_edu")
    edu, coop = world.units["Sở Giáo dục và Đào tạo"], world.units["Hợp tác xã Chè Phú Bình"]
    rows = [
        ["", "Trường Tốt", "", "Trường học", edu.id, "D171", "", "", "", "", ""],
        [coop.id, coop.name, "", "Hợp tác xã", "", "D173", "", "", "", "", ""],
        ["", "Trường Ngoài", "", "Trường học", coop.id, "D171", "", "", "", "", ""],
        ["", "Trường Không Địa Bàn", "", "Trường học", edu.id, "X999", "", "", "", "", ""],
        ["", "Trường Thiếu Năm", "", "Trường học", edu.id, "D171", 40, "", "", "", ""],
        ["", "Trường Gốc", "", "Trường học", "", "D171", "", "", "", "", ""],
        ["", "Trường Tốt", "", "Trường học", edu.id, "D171", "", "", "", "", ""],
        ["", "Trường Loại Lạ", "", "Chợ", edu.id, "D171", "", "", "", "", ""],
    ]
    before = _state()
    status, html = _post(client, _csv(rows))
    assert status == 400
    for text in (f"Không có đơn vị mã {coop.id} trong phạm vi quản lý của bạn.",
                 "Đơn vị cấp trên không có hoặc nằm ngoài phạm vi quản lý của bạn.", "Không có địa bàn mã X999.",
                 "Ghi năm của số cán bộ, nhân sự.", "Chọn đơn vị cấp trên trong phạm vi quản lý của bạn.",
                 "Trùng tên với dòng 2", "Loại không hợp lệ"):
        assert text in html, text
    assert "7 lỗi — chưa ghi dòng nào" in html
    assert _state() == before


def test_the_unit_export_follows_the_list_filters_and_scope(client, login_as, world):
    login_as("coord_daitu")  # an area coordinator sees the units of their area, and exports them
    text = _export(client, "csv").decode("utf-8-sig")
    assert "Trường THPT Đại Từ" in text and "Hợp tác xã Chè Phú Bình" not in text
    assert text.splitlines()[0].startswith(HEADER.replace("Số cán bộ, nhân sự", '"Số cán bộ, nhân sự"'))


def test_a_parent_outside_the_scope_is_not_named(client, login_as, world):
    from tests.factories import area, make_unit

    edu, coop = world.units["Sở Giáo dục và Đào tạo"], world.units["Hợp tác xã Chè Phú Bình"]
    edu.parent_id, edu.path = coop.id, f"{coop.path}{edu.id}/"
    school = world.units["Trường THPT Đại Từ"]
    school.path = f"{edu.path}{school.id}/"
    make_unit("Tổ Thử", area("D171"), parent=school)
    db.session.flush()
    login_as("coord_edu")
    text = _export(client, "csv").decode("utf-8-sig")
    assert coop.name not in text and f"{edu.id},Sở Giáo dục và Đào tạo,,Cơ quan, sở, ngành,{coop.id}," in text.replace(
        '"', "")
    assert coop.name not in client.get("/units/").get_data(as_text=True)
    status, html = _post(client, _export(client, "csv"), dry_run=True)  # its parent comes back unchanged
    assert status == 200 and "0 đơn vị mới, 0 cập nhật, 3 không đổi" in html


def test_a_trainer_exports_no_units(client, login_as):
    login_as("trainer_daitu")
    assert client.get("/exports/units.csv").status_code == 404
