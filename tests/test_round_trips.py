"""Round trips: what a list exports comes back through its import as a dry run with no error, as steering and
as a coordinator (area and unit), including the hard rows: trainers and mentors without a phone, units and
communes outside the importing coordinator's scope. Edited exports are updates, never refused as new."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Enrollment, Person, Trainer, Unit
from tests.conftest import post_form
from tests.factories import enrol, make_class, make_person, make_trainer, make_unit


def _export(client, fmt: str) -> bytes:
    response = client.get(f"/exports/trainers.{fmt}")
    assert response.status_code == 200
    data = response.data
    response.close()
    return data


def _dry_run(client, data: bytes, fmt: str, action: str = "check") -> str:
    form = {"file": (io.BytesIO(data), f"giang-vien.{fmt}"), "action": action}
    return post_form(client, "/network/import", form, content_type="multipart/form-data").get_data(as_text=True)


def _summary(html: str) -> tuple[int, int, int]:
    found = re.search(r"(\d+) giảng viên mới, (\d+) cập nhật, (\d+) không đổi", html)
    assert found, re.findall(r'<td class="error">(.*?)</td>', html)[:10]
    return tuple(int(n) for n in found.groups())


@pytest.fixture
def hard_rows(world):
    """A mentor without a phone with a trainee without a phone, in a unit no Đại Từ coordinator sees."""
    root = world.trainers["Nguyễn Văn Đại"]
    commune = db.session.get(type(world.dai_tu), root.area_id)
    elsewhere = make_unit("Sở Tài chính", world.phu_binh)
    mentor = make_trainer(commune, mentor=root, unit=elsewhere, name="Vi Văn Không Số", tier="district")
    trainee = make_trainer(commune, mentor=mentor, unit=elsewhere, name="Ma Thị Không Số", max_level=2)
    for trainer in (mentor, trainee):
        db.session.get(Person, trainer.person_id).phone = None
    db.session.flush()
    return mentor, trainee


@pytest.mark.parametrize("username", ["steering", "coord_daitu", "coord_edu"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_trainer_export_imports_back_unchanged(client, login_as, hard_rows, username, fmt):
    login_as(username)
    data = _export(client, fmt)
    html = _dry_run(client, data, fmt)
    new, updated, unchanged = _summary(html)
    assert (new, updated) == (0, 0) and unchanged >= 1
    assert "lỗi trong" not in html


def test_the_export_carries_the_codes_a_phoneless_mentor_needs(client, login_as, hard_rows):
    mentor, trainee = hard_rows
    login_as("coord_daitu")
    rows = list(openpyxl.load_workbook(io.BytesIO(_export(client, "xlsx"))).active.iter_rows(values_only=True))
    header = list(rows[0])
    row = next(r for r in rows[1:] if r[header.index("Mã giảng viên")] == trainee.id)
    assert row[header.index("Số điện thoại")] in (None, "")
    assert row[header.index("Mã người hướng dẫn")] == mentor.id


def test_an_edited_export_is_an_update_and_applies(client, login_as, hard_rows):
    mentor, trainee = hard_rows
    login_as("coord_daitu")
    text = _export(client, "csv").decode("utf-8-sig")
    lines = text.splitlines()
    header = lines[0].split(",")
    edited = []
    for line in lines:
        cells = line.split(",")
        if len(cells) == len(header) and cells[header.index("Mã giảng viên")] == str(trainee.id):
            cells[header.index("Bậc được dạy")] = "1"
            cells[header.index("Số điện thoại")] = "0977 123 456"
        edited.append(",".join(cells))
    data = "\n".join(edited).encode("utf-8")
    assert _summary(_dry_run(client, data, "csv"))[:2] == (0, 1)
    assert db.session.get(Trainer, trainee.id).max_level == 2  # a dry run writes nothing
    html = _dry_run(client, data, "csv", action="apply")
    db.session.expire_all()
    assert db.session.get(Trainer, trainee.id).max_level == 1
    assert db.session.get(Person, trainee.person_id).phone == "+84977123456"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "trainer.update",
                                                       AuditEvent.entity_id == trainee.id))
    assert event.before["max_level"] == 2 and event.after == {"max_level": 1, "phone": "+84977123456"}
    assert "lỗi" not in html


def test_a_changed_unit_outside_the_scope_or_another_mentor_is_refused(client, login_as, hard_rows, world):
    mentor, trainee = hard_rows
    login_as("coord_daitu")
    far = db.session.scalar(select(Unit).where(Unit.name == "Hợp tác xã Chè Phú Bình"))
    header = ["Mã giảng viên", "Họ và tên", "Cấp", "Bậc được dạy", "Mã địa bàn", "Đơn vị", "Mã người hướng dẫn"]
    code = db.session.get(type(world.dai_tu), trainee.area_id).code
    rows = [",".join(header),
            f"{trainee.id},Ma Thị Không Số,Giảng viên cơ sở,2,{code},{far.name},{mentor.id}",
            f"{mentor.id},Vi Văn Không Số,Nòng cốt cấp huyện,3,{code},Sở Tài chính,{trainee.id}"]
    html = _dry_run(client, "\n".join(rows).encode("utf-8"), "csv")
    assert "2 lỗi trong 2 dòng" in html
    assert "Không có đơn vị “Hợp tác xã Chè Phú Bình” trong phạm vi của bạn." in html
    assert "Chuyển người hướng dẫn" in html


def test_a_trainer_code_outside_the_scope_is_not_found(client, login_as, world):
    login_as("coord_daitu")
    other = world.trainers["Hoàng Thị Phú"]
    rows = ["Mã giảng viên,Họ và tên,Cấp,Bậc được dạy,Mã địa bàn", f"{other.id},Hoàng Thị Phú,Nòng cốt cấp huyện,3,X"]
    html = _dry_run(client, "\n".join(rows).encode("utf-8"), "csv")
    assert f"Không có giảng viên mã {other.id} trong phạm vi của bạn." in html


def _roster_dry_run(client, training_class, data: bytes, fmt: str) -> str:
    form = {"file": (io.BytesIO(data), f"hoc-vien.{fmt}"), "action": "check"}
    response = post_form(client, f"/classes/{training_class.id}/roster", form, content_type="multipart/form-data",
                         token_page=f"/classes/{training_class.id}/roster")
    return response.get_data(as_text=True)


@pytest.mark.parametrize("username", ["trainer_daitu", "coord_daitu"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_class_roster_export_with_phoneless_learners_imports_back(client, login_as, world, username, fmt):
    source = world.classes["Soạn thảo văn bản với AI"]
    venue = db.session.get(type(world.dai_tu), source.venue_area_id)
    for name in ("Lò Thị Không Số", "Sầm Văn Không Số"):
        enrol(source, make_person(name, venue, phone=None))
    target = make_class(world.trainers["Nguyễn Văn Đại"], venue, status="open", topic="Lớp tiếp theo")
    login_as(username)
    response = client.get(f"/exports/classes/{source.id}/learners.{fmt}")
    assert response.status_code == 200
    data = response.data
    response.close()
    html = _roster_dry_run(client, target, data, fmt)
    assert "Tệp hợp lệ" in html, re.findall(r"<td>(.*?)</td></tr>", html)[:10]
    learners = db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.class_id == source.id))
    assert f"{learners} dòng; 0 người mới, {learners} người đã có hồ sơ" in html


def test_a_person_code_outside_the_scope_is_refused(client, login_as, world):
    source = world.classes["Soạn thảo văn bản với AI"]
    venue = db.session.get(type(world.dai_tu), source.venue_area_id)
    stranger = make_person("Người Phú Bình", world.phu_binh, phone=None)
    target = make_class(world.trainers["Nguyễn Văn Đại"], venue, status="open", topic="Lớp tiếp theo")
    login_as("trainer_daitu")
    html = _roster_dry_run(client, target, f"Họ và tên,Mã hồ sơ\nNgười Phú Bình,{stranger.id}\n".encode(), "csv")
    assert f"Không có học viên mã hồ sơ {stranger.id} trong phạm vi của bạn." in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_denominator_export_imports_back_unchanged(client, login_as, world, fmt):
    from app.models import AreaPopulation

    db.session.add(AreaPopulation(area_id=world.dai_tu.id, year=2025, working_age=105000, business_owners=4200,
                                  source="Cục Thống kê", is_estimate=True))
    db.session.flush()
    login_as("steering")
    response = client.get(f"/exports/denominators.{fmt}")
    assert response.status_code == 200
    data = response.data
    response.close()
    before = [(p.area_id, p.year, p.working_age, p.business_owners, p.source, p.is_estimate)
              for p in db.session.scalars(select(AreaPopulation).order_by(AreaPopulation.id))]
    headcounts = [(u.id, u.headcount) for u in db.session.scalars(select(Unit).order_by(Unit.id))]
    form = {"file": (io.BytesIO(data), f"mau-so.{fmt}")}
    html = post_form(client, "/targets/denominators", form, content_type="multipart/form-data").get_data(as_text=True)
    units = sum(1 for _, h in headcounts if h is not None)
    assert f"Đã nhập {len(before)} dòng địa bàn và {units} dòng đơn vị." in html, re.findall(
        r"<td>(\d+)</td><td>(.*?)</td><td>(.*?)</td>", html)[:5]
    db.session.expire_all()
    assert before == [(p.area_id, p.year, p.working_age, p.business_owners, p.source, p.is_estimate)
                      for p in db.session.scalars(select(AreaPopulation).order_by(AreaPopulation.id))]
    assert headcounts == [(u.id, u.headcount) for u in db.session.scalars(select(Unit).order_by(Unit.id))]


def test_the_denominator_export_is_for_those_who_edit_targets(client, login_as):
    login_as("coord_daitu")
    assert client.get("/exports/denominators.csv").status_code == 404
