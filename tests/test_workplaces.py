"""Learners' workplaces ("Đơn vị công tác"): matched by code or folded name among the choosable units, ambiguous
or unknown is a row error, the host unit of a civil-servant class fills an empty cell, matched persons are filled
or moved, the learner form is prefilled, and the class export carries the workplace back."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Enrollment, Person
from app.training.workplace import label, parse
from tests.conftest import csrf_from, post_form
from tests.factories import enrol, make_class, make_person, make_unit

HEADER = "Họ và tên,Số điện thoại,Đơn vị công tác\n"


def _post(client, class_id: int, lines: list[str], action: str = "import", header: str = HEADER) -> str:
    token = csrf_from(client.get(f"/classes/{class_id}/roster").get_data(as_text=True))
    data = (header + "\n".join(lines) + "\n").encode("utf-8")
    return client.post(f"/classes/{class_id}/roster", content_type="multipart/form-data",
                       data={"csrf_token": token, "action": action, "file": (io.BytesIO(data), "a.csv")}
                       ).get_data(as_text=True)


def _errors(html: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<tr><td class="num">(\d+)</td><td>(.*?)</td><td>(.*?)</td></tr>', html)


def _unit_of(phone: str) -> int | None:
    return db.session.scalar(select(Person.unit_id).where(Person.phone == phone))


@pytest.fixture
def units(world):
    return {"noi_vu": make_unit("Phòng Nội vụ Đại Từ", world.dai_tu),
            "van_hoa": make_unit("Phòng Văn hóa", world.dai_tu),
            "van_hoa_2": make_unit("Phòng Văn Hoá", world.dai_tu),
            "school": world.units["Trường THPT Đại Từ"]}


@pytest.fixture
def host_class(world, units):
    return make_class(world.trainers["Nguyễn Văn Đại"], world.dai_tu, units["noi_vu"], status="open",
                      topic="Lớp công chức Đại Từ", audience_group="civil_servant")


def test_a_value_is_a_code_or_a_folded_name():
    assert parse("12") == (12, "")
    assert parse("Sở Nội vụ (mã 12)") == (12, "")
    assert parse("mã 7") == (7, "")
    assert parse("  Phòng  NỘI VỤ ") == (None, "phong noi vu")
    assert label(12, "Sở Nội vụ") == "Sở Nội vụ (mã 12)"


def test_codes_and_names_without_diacritics_are_matched_and_stored(client, login_as, host_class, units):
    login_as("trainer_daitu")
    html = _post(client, host_class.id, [f"Người Mã,0987100001,{units['school'].id}",
                                        "Người Tên,0987100002,phong noi vu dai tu",
                                        f"Người Nhãn,0987100003,Trường THPT Đại Từ (mã {units['school'].id})"])
    assert "Đã nhập 3 học viên" in html, _errors(html)
    assert [_unit_of(p) for p in ("+84987100001", "+84987100002", "+84987100003")] == [
        units["school"].id, units["noi_vu"].id, units["school"].id]


def test_ambiguous_and_unknown_workplaces_are_row_errors_and_nothing_is_written(client, login_as, host_class, units,
                                                                                 world):
    login_as("trainer_daitu")
    html = _post(client, host_class.id, ["Người Một,0987100011,Phòng Văn hóa",
                                        "Người Hai,0987100012,Hợp tác xã Chè Phú Bình",
                                        "Người Ba,0987100013,999999",
                                        "Người Bốn,0987100014,",
                                        f"Người Năm,0987100015,{world.units['Hợp tác xã Chè Phú Bình'].id}"])
    errors = _errors(html)
    ids = sorted((units["van_hoa"].id, units["van_hoa_2"].id))
    assert ("2", "Đơn vị công tác",
            f"“Phòng Văn hóa” trùng tên với 2 đơn vị (mã {ids[0]}, {ids[1]}); hãy ghi mã đơn vị.") in errors
    assert ("3", "Đơn vị công tác", "Không có đơn vị “Hợp tác xã Chè Phú Bình” trong phạm vi của bạn.") in errors
    assert ("4", "Đơn vị công tác", "Không có đơn vị mã 999999 trong phạm vi của bạn.") in errors
    far = world.units["Hợp tác xã Chè Phú Bình"].id
    assert ("6", "Đơn vị công tác", f"Không có đơn vị mã {far} trong phạm vi của bạn.") in errors  # another district's
    assert len(errors) == 4
    assert db.session.scalar(select(Enrollment.id).where(Enrollment.class_id == host_class.id)) is None


def test_an_empty_cell_takes_the_host_unit_of_a_civil_servant_class(client, login_as, host_class, units, world):
    other = make_class(world.trainers["Nguyễn Văn Đại"], world.dai_tu, units["noi_vu"], status="open",
                       topic="Lớp nông dân", audience_group="rural_worker")
    login_as("trainer_daitu")
    page = client.get(f"/classes/{host_class.id}/roster").get_data(as_text=True)
    assert "ô để trống lấy đơn vị chủ trì" in page
    assert "ô để trống lấy đơn vị chủ trì" not in client.get(f"/classes/{other.id}/roster").get_data(as_text=True)
    assert "Đã nhập 1 học viên" in _post(client, host_class.id, ["Công Chức,0987100021,"])
    assert "Đã nhập 1 học viên" in _post(client, other.id, ["Nông Dân,0987100022,"])
    assert _unit_of("+84987100021") == units["noi_vu"].id
    assert _unit_of("+84987100022") is None


def test_matched_persons_are_filled_or_moved_and_the_import_says_so(client, login_as, host_class, units):
    empty = make_person("Chưa Có Đơn Vị", phone="+84987100031")
    elsewhere = make_person("Ở Trường", phone="+84987100032", unit=units["school"])
    kept = make_person("Giữ Đơn Vị", phone="+84987100033", unit=units["school"])
    login_as("trainer_daitu")
    lines = ["Chưa Có Đơn Vị,0987100031,", "Ở Trường,0987100032,Phòng Nội vụ Đại Từ", "Giữ Đơn Vị,0987100033,"]
    dry = _post(client, host_class.id, lines, action="check")
    assert "1 người được bổ sung, 1 người đổi sang đơn vị ghi trong tệp (khi nhập)" in dry
    html = _post(client, host_class.id, lines)
    assert "1 người được bổ sung, 1 người đổi sang đơn vị ghi trong tệp." in html
    db.session.expire_all()
    assert db.session.get(Person, empty.id).unit_id == units["noi_vu"].id  # filled from the host unit
    assert db.session.get(Person, elsewhere.id).unit_id == units["noi_vu"].id  # the row names another unit
    assert db.session.get(Person, kept.id).unit_id == units["school"].id  # an empty cell never moves anyone
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "class.roster_import",
                                                       AuditEvent.entity_id == host_class.id))
    assert event.after["workplace_filled"] == 1 and event.after["workplace_changed"] == 1
    assert sorted(event.after["workplace_changes"]) == sorted([[empty.id, None, units["noi_vu"].id],
                                                              [elsewhere.id, units["school"].id, units["noi_vu"].id]])


def test_the_learner_form_is_prefilled_with_the_host_unit_and_checks_the_workplace(client, login_as, host_class,
                                                                                     units):
    login_as("trainer_daitu")
    url = f"/classes/{host_class.id}/learners/new"
    page = client.get(url).get_data(as_text=True)
    assert f'value="{label(units["noi_vu"].id, "Phòng Nội vụ Đại Từ")}"' in page
    assert "để trống là đơn vị chủ trì của lớp" in page
    response = post_form(client, url, {"full_name": "Sai Đơn Vị", "phone": "0987100041", "workplace": "Không Tồn Tại"})
    assert "Không có đơn vị “Không Tồn Tại” trong phạm vi của bạn." in response.get_data(as_text=True)
    assert _unit_of("+84987100041") is None
    response = post_form(client, url, {"full_name": "Đúng Đơn Vị", "phone": "0987100042",
                                       "workplace": "truong thpt dai tu"})
    assert response.status_code == 302
    assert _unit_of("+84987100042") == units["school"].id
    response = post_form(client, url, {"full_name": "Để Trống", "phone": "0987100043", "workplace": ""})
    assert response.status_code == 302
    assert _unit_of("+84987100043") == units["noi_vu"].id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "class.learner_add")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.after["unit_id"] == units["noi_vu"].id
    person_id = db.session.scalar(select(Person.id).where(Person.phone == "+84987100043"))
    assert "<dt>Đơn vị công tác</dt><dd>Phòng Nội vụ Đại Từ</dd>" in client.get(f"/people/{person_id}").get_data(
        as_text=True)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_class_export_carries_workplaces_back_even_outside_the_choices(client, login_as, host_class, units,
                                                                          world, fmt):
    far = world.units["Hợp tác xã Chè Phú Bình"]
    enrol(host_class, make_person("Ở Phú Bình", world.dai_tu, unit=far, phone="+84987100051"))
    enrol(host_class, make_person("Ở Văn Hóa", world.dai_tu, unit=units["van_hoa"], phone="+84987100052"))
    target = make_class(world.trainers["Nguyễn Văn Đại"], world.dai_tu, status="open", topic="Lớp sau")
    login_as("trainer_daitu")
    response = client.get(f"/exports/classes/{host_class.id}/learners.{fmt}")
    data = response.data
    response.close()
    if fmt == "csv":
        assert label(far.id, far.name) in data.decode("utf-8-sig")
    token = csrf_from(client.get(f"/classes/{target.id}/roster").get_data(as_text=True))
    html = client.post(f"/classes/{target.id}/roster", content_type="multipart/form-data", data={
        "csrf_token": token, "action": "check", "file": (io.BytesIO(data), f"x.{fmt}")}).get_data(as_text=True)
    assert "Tệp hợp lệ: 2 dòng; 0 người mới, 2 người đã có hồ sơ" in html, _errors(html)
    assert "người đổi sang" not in html


def test_the_learner_list_export_with_workplaces_imports_back(client, login_as, host_class, units, world):
    make_person("Ở Nội Vụ", world.dai_tu, unit=units["noi_vu"], phone="+84987100061")
    make_person("Ở Phú Bình", world.dai_tu, unit=world.units["Hợp tác xã Chè Phú Bình"], phone="+84987100062")
    login_as("coord_daitu")
    response = client.get("/exports/learners.csv")
    data = response.data
    response.close()
    assert label(units["noi_vu"].id, "Phòng Nội vụ Đại Từ") in data.decode("utf-8-sig")
    token = csrf_from(client.get(f"/classes/{host_class.id}/roster").get_data(as_text=True))
    html = client.post(f"/classes/{host_class.id}/roster", content_type="multipart/form-data", data={
        "csrf_token": token, "action": "check", "file": (io.BytesIO(data), "x.csv")}).get_data(as_text=True)
    assert "Tệp hợp lệ" in html and "0 người mới" in html, _errors(html)


def test_a_column_headed_ma_don_vi_is_the_workplace(client, login_as, host_class, units):
    login_as("trainer_daitu")
    html = _post(client, host_class.id, [f"Người Theo Mã,0987100071,{units['school'].id}"],
                 header="Họ và tên,Số điện thoại,Mã đơn vị\n")
    assert "Đã nhập 1 học viên" in html, _errors(html)
    assert _unit_of("+84987100071") == units["school"].id


def test_a_short_name_matches_and_a_closed_unit_is_not_chosen(client, login_as, host_class, units, world):
    from datetime import date

    units["noi_vu"].set_name("Phòng Nội vụ Đại Từ", "PNV Đại Từ")
    closed = make_unit("Phòng Công Thương Đại Từ", world.dai_tu)
    closed.valid_to = date(2025, 6, 30)
    db.session.flush()
    login_as("trainer_daitu")
    html = _post(client, host_class.id, ["Người Viết Tắt,0987100091,pnv dai tu",
                                        "Người Đơn Vị Đóng,0987100092,Phòng Công Thương Đại Từ",
                                        f"Người Mã Đóng,0987100093,{closed.id}"], action="check")
    assert _errors(html) == [
        ("3", "Đơn vị công tác", "Không có đơn vị “Phòng Công Thương Đại Từ” trong phạm vi của bạn."),
        ("4", "Đơn vị công tác", f"Không có đơn vị mã {closed.id} trong phạm vi của bạn.")]
    assert "Đã nhập 1 học viên" in _post(client, host_class.id, ["Người Viết Tắt,0987100091,pnv dai tu"])
    assert _unit_of("+84987100091") == units["noi_vu"].id
