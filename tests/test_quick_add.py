"""Several learners typed on the class page ("Thêm nhanh học viên"): through the roster import (matching, audit),
all or nothing, the bad line named; and the class form's defaults (today, two weeks, the trainer's commune)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Enrollment, Person
from app.training.roster_routes import quick_rows
from tests.conftest import post_form
from tests.factories import make_class, make_person


def _open_class(world):
    return make_class(world.trainers["Nguyễn Văn Đại"], world.dai_tu, status="open", start_on=date(2025, 5, 1),
                      end_on=date(2025, 5, 20), topic="Lớp thêm nhanh")


def _add(client, c, text):
    return post_form(client, f"/classes/{c.id}/quick-add", {"people": text}, token_page=f"/classes/{c.id}")


def test_three_learners_typed_on_the_class_page_are_enrolled(client, login_as, world):
    c = _open_class(world)
    known = make_person("Lê Thị Quen", world.dai_tu, phone="+84912000111")
    login_as("trainer_daitu")
    page = client.get(f"/classes/{c.id}").get_data(as_text=True)
    assert "Thêm nhanh học viên" in page
    response = _add(client, c, "Nguyễn Thị Lan, 0912 345 678\nTrần Văn Minh\t0987654321\n\nLê Thị Quen 0912 000 111\n")
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    assert db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.class_id == c.id)) == 3
    assert db.session.scalar(select(func.count(Person.id)).where(Person.phone == "+84912000111")) == 1  # matched
    assert db.session.scalar(select(Enrollment.id).where(Enrollment.person_id == known.id)) is not None
    shown = client.get(f"/classes/{c.id}").get_data(as_text=True)
    assert "Đã thêm 3 học viên vào lớp (1 người đã có hồ sơ, không tạo trùng)." in shown
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "class.roster_import"))


def test_a_line_without_a_phone_or_with_a_bad_one_is_named_and_nobody_is_added(client, login_as, world):
    c = _open_class(world)
    login_as("trainer_daitu")
    response = _add(client, c, "Nguyễn Thị Lan, 0912 345 678\nTrần Văn Minh\n")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Dòng 2: cần họ và tên rồi số điện thoại" in text
    assert "Trần Văn Minh" in text  # the box keeps what was typed
    response = _add(client, c, "Nguyễn Thị Lan, 0912 345 678\nTrần Văn Minh, 12345678901234\n")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Dòng 2: Số điện thoại" in text
    assert db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.class_id == c.id)) == 0


def test_an_empty_box_and_a_closed_class(client, login_as, world):
    c = _open_class(world)
    login_as("trainer_daitu")
    response = _add(client, c, "  \n")
    assert response.status_code == 200 and "Nhập ít nhất một dòng" in response.get_data(as_text=True)
    done = make_class(world.trainers["Nguyễn Văn Đại"], world.dai_tu, status="completed")
    assert _add(client, done, "Nguyễn Thị Lan, 0912 345 678").status_code == 404


def test_another_trainers_class_is_not_found(client, login_as, world):
    mine = _open_class(world)
    theirs = make_class(world.trainers["Phạm Văn Bình"], world.phu_binh, status="open")
    login_as("trainer_daitu")
    response = post_form(client, f"/classes/{theirs.id}/quick-add", {"people": "A B, 0912345678"},
                         token_page=f"/classes/{mine.id}")  # a real token, from a page of their own
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.class_id == theirs.id)) == 0


def test_quick_rows_reads_names_then_phones():
    data, problems = quick_rows("Nguyễn Thị Lan, 0912 345 678\n  \nA;+84 912 000 111\nChỉ tên\n")
    assert data.decode().splitlines() == ["Họ và tên,Số điện thoại", "Nguyễn Thị Lan,0912 345 678",
                                          "A,+84 912 000 111"]
    assert problems == ["Dòng 4: cần họ và tên rồi số điện thoại (ví dụ: Nguyễn Thị Lan, 0912 345 678)."]


def test_the_class_form_starts_today_for_two_weeks_in_the_trainers_commune(client, login_as, world):
    from app.timeutil import local_today

    login_as("trainer_daitu")
    page = client.get("/classes/new").get_data(as_text=True)
    today = local_today()
    assert f'value="{today.isoformat()}"' in page and f'value="{(today + timedelta(days=13)).isoformat()}"' in page
