"""Roster import: template, dry run listing every bad row, all or nothing, matching persons, progress."""

from __future__ import annotations

import io

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from app.extensions import db
from app.imports.read import FileError
from app.imports.table import parse
from app.models import Enrollment, Person
from app.training.roster import SPEC
from tests.conftest import csrf_from
from tests.factories import make_class, make_person

HEADER = "Họ và tên,Số điện thoại,Số định danh,Năm sinh,Giới tính,Dân tộc,Email\n"


def _csv(lines: list[str]) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode("utf-8")


def _xlsx(rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate([HEADER.strip().split(","), *rows]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def _post(client, class_id: int, filename: str, data: bytes, action: str = "import"):
    token = csrf_from(client.get(f"/classes/{class_id}/roster").get_data(as_text=True))
    return client.post(f"/classes/{class_id}/roster", content_type="multipart/form-data",
                       data={"csrf_token": token, "action": action, "file": (io.BytesIO(data), filename)})


@pytest.fixture
def open_class(world):
    return make_class(world.trainers["Nguyễn Văn Đại"], world.dai_tu, status="open", topic="Lớp nhập danh sách")


def test_every_bad_row_is_listed_with_row_column_and_reason():
    checked = parse(SPEC, "a.csv", _csv([
        "Nguyễn Văn An,0912 345 678,,1990,Nam,Kinh,",
        ",0912345679,,,,,",
        "Trần Bình,12345,,19x0,Trai,,bad-email",
        "Lê Cúc,0912345678,,,,,",
        "Phạm Dung,,,,,,",
    ]))
    found = {(e.row, e.column) for e in checked.errors}
    assert (3, "Họ và tên") in found
    assert {(4, "Số điện thoại"), (4, "Năm sinh"), (4, "Giới tính"), (4, "Email")} <= found
    assert any(e.row == 5 and "trùng với dòng 2" in e.reason for e in checked.errors)
    assert any(e.row == 6 and "số định danh" in e.reason for e in checked.errors)
    assert checked.rows[0]["phone"] == "+84912345678" and checked.rows[0]["gender"] == "male"


def test_file_type_and_headers_are_checked():
    with pytest.raises(FileError):
        parse(SPEC, "a.pdf", b"%PDF")
    with pytest.raises(FileError):
        parse(SPEC, "a.xlsx", b"not a zip")
    with pytest.raises(FileError, match="Họ và tên"):
        parse(SPEC, "a.csv", b"Ten,So dien thoai\nA,1\n")


def test_template_is_an_xlsx_with_vietnamese_headers(client, login_as):
    login_as("trainer_daitu")
    response = client.get("/classes/roster-template.xlsx")
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.data)).get_sheet_by_index(0).to_python()
    assert sheet[0][:3] == ["Họ và tên (*)", "Số điện thoại", "Số định danh"]


def test_the_template_imports_back_unchanged(client, login_as, open_class):
    login_as("trainer_daitu")
    template = client.get("/classes/roster-template.xlsx").data
    persons = db.session.scalar(select(func.count(Person.id)))
    html = _post(client, open_class.id, "mau.xlsx", template, action="dry_run").get_data(as_text=True)
    assert "Tệp hợp lệ: 0 dòng" in html and "Bỏ qua dòng ví dụ của tệp mẫu (dòng 2)" in html
    html = _post(client, open_class.id, "mau.xlsx", template).get_data(as_text=True)
    assert "Đã nhập 0 học viên" in html and "Thiếu cột" not in html
    assert db.session.scalar(select(func.count(Person.id))) == persons


def test_numeric_phones_and_ids_from_a_workbook_keep_their_leading_zero(client, login_as, open_class):
    login_as("trainer_daitu")
    data = _xlsx([["Số Kiểu Số", 912345611.0, 19190005555.0, 1990.0, "Nữ"]])
    html = _post(client, open_class.id, "a.xlsx", data).get_data(as_text=True)
    assert "Đã nhập 1 học viên" in html, html[-2000:]
    person = db.session.scalar(select(Person).where(Person.full_name == "Số Kiểu Số"))
    assert (person.phone, person.national_id, person.birth_year) == ("+84912345611", "019190005555", 1990)


def test_dry_run_writes_nothing_and_import_is_all_or_nothing(client, login_as, open_class):
    login_as("trainer_daitu")
    persons = db.session.scalar(select(func.count(Person.id)))
    good = _csv([f"Học Viên {i},09123450{i:02d},,1990,Nữ,Tày," for i in range(10)])
    html = _post(client, open_class.id, "a.csv", good, action="dry_run").get_data(as_text=True)
    assert "Tệp hợp lệ: 10 dòng" in html
    assert db.session.scalar(select(func.count(Person.id))) == persons
    bad = _csv([f"Học Viên {i},09123450{i:02d},,,,," for i in range(10)] + ["Sai Số,123,,,,,"])
    html = _post(client, open_class.id, "a.csv", bad).get_data(as_text=True)
    assert "Chưa ghi dòng nào" in html and "<td class=\"num\">12</td>" in html
    assert db.session.scalar(select(func.count(Person.id))) == persons
    html = _post(client, open_class.id, "a.xlsx", _xlsx([[f"Học Viên {i}", f"09123450{i:02d}"] for i in range(10)]))\
        .get_data(as_text=True)
    assert "Đã nhập 10 học viên" in html and "Đang" in html  # progress lines streamed before the result
    assert db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.class_id == open_class.id)) == 10


def test_existing_persons_are_matched_not_duplicated(client, login_as, open_class, world):
    known = make_person("Người Đã Có", phone="+84987000111", national_id="019090001111")
    login_as("trainer_daitu")
    html = _post(client, open_class.id, "a.csv", _csv(["Người Đã Có,0987 000 111,,,,,",
                                                        "Người Mới,0987000222,,,,,"])).get_data(as_text=True)
    assert "1 người mới, 1 người đã có hồ sơ" in html
    assert db.session.scalar(select(func.count(Person.id)).where(Person.phone == "+84987000111")) == 1
    assert db.session.scalar(select(Enrollment.id).where(Enrollment.person_id == known.id,
                                                         Enrollment.class_id == open_class.id))


def test_phone_of_one_person_and_id_of_another_is_an_error(client, login_as, open_class):
    make_person("Người A", phone="+84987000333")
    make_person("Người B", phone="+84987000444", national_id="019090002222")
    login_as("trainer_daitu")
    html = _post(client, open_class.id, "a.csv", _csv(["Người A,0987000333,019090002222,,,,"])).get_data(as_text=True)
    assert "thuộc về hai người khác nhau" in html
    assert db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.class_id == open_class.id)) == 0


def test_add_one_learner_matches_by_id_number(client, login_as, open_class):
    from tests.conftest import post_form

    known = make_person("Người Có Định Danh", phone=None, national_id="019090003333")
    login_as("trainer_daitu")
    response = post_form(client, f"/classes/{open_class.id}/learners/new",
                         {"full_name": "Người Có Định Danh", "national_id": "019090003333", "phone": "0987000555"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, known.id).phone == "+84987000555"  # the missing phone is filled in
    response = post_form(client, f"/classes/{open_class.id}/learners/new", {"full_name": "Không Liên Lạc"})
    assert "số điện thoại hoặc số định danh" in response.get_data(as_text=True)
