"""Importing trainers: the template reads back, the dry run lists every bad row, the import is all or nothing."""

from __future__ import annotations

import io

from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import Person, Trainer
from app.network.imports import COLUMNS, SPEC
from tests.conftest import post_form

HEADER = ",".join(label for _, label in COLUMNS)


def _upload(client, csv_text: str, action: str):
    data = {"file": (io.BytesIO(csv_text.encode("utf-8")), "danh-sach.csv"), "action": action}
    return post_form(client, "/network/import", data, content_type="multipart/form-data")


def _commune_code(world) -> str:
    from app.models import Area

    return db.session.scalar(select(Area.code).where(Area.parent_id == world.dai_tu.id).order_by(Area.code).limit(1))


def test_template_is_a_workbook_with_the_columns(client, login_as):
    login_as("coord_daitu")
    response = client.get("/network/import/template.xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.data))
    assert book.get_sheet_by_index(0).to_python()[0] == SPEC.template_headers


def test_the_template_imports_back_unchanged(client, login_as):
    login_as("coord_daitu")
    template = client.get("/network/import/template.xlsx").data
    count = db.session.scalar(select(func.count(Trainer.id)))
    data = {"file": (io.BytesIO(template), "mau.xlsx"), "action": "check"}
    html = post_form(client, "/network/import", data, content_type="multipart/form-data").get_data(as_text=True)
    assert "Bỏ qua dòng ví dụ của tệp mẫu (dòng 2)" in html and "Tệp hợp lệ: 0 dòng" in html
    data = {"file": (io.BytesIO(template), "mau.xlsx"), "action": "apply"}
    html = post_form(client, "/network/import", data, content_type="multipart/form-data",
                     follow_redirects=True).get_data(as_text=True)
    assert "Đã nhập 0 giảng viên mới" in html
    assert db.session.scalar(select(func.count(Trainer.id))) == count


def test_numeric_phones_title_rows_and_ignored_columns(client, login_as, world):
    login_as("coord_daitu")
    code = _commune_code(world)
    root_phone = db.session.get(Person, world.trainers["Nguyễn Văn Đại"].person_id).phone.replace("+84", "")
    text = "\n".join(["Danh sách giảng viên xã;;;;;;;;;", HEADER.replace(",", ";") + ";Ghi chú",
                      f"Số Kiểu Số;981000021;;{root_phone};Giảng viên cơ sở;1;{code};;2025-05-20;;;x"])
    data = {"file": (io.BytesIO(text.encode("utf-8-sig")), "a.csv"), "action": "check"}
    html = post_form(client, "/network/import", data, content_type="multipart/form-data").get_data(as_text=True)
    assert "Tệp hợp lệ: 1 dòng" in html and "Bỏ qua các cột không dùng: Ghi chú." in html


def test_dry_run_lists_every_bad_row_and_import_writes_nothing(client, login_as, world):
    login_as("coord_daitu")
    code = _commune_code(world)
    root_phone = db.session.get(Person, world.trainers["Nguyễn Văn Đại"].person_id).phone.replace("+84", "0")
    pb_phone = db.session.get(Person, world.trainers["Phạm Văn Bình"].person_id).phone.replace("+84", "0")
    rows = [
        f"Lê Thị Đúng,0981000001,,{root_phone},Giảng viên cơ sở,1,{code},,20/05/2025",  # row 2: fine
        f"Sai Số,12345,,{root_phone},Giảng viên cơ sở,1,{code},,20/05/2025",  # row 3: phone
        f"Ngoài Phạm Vi,0981000003,,{pb_phone},Giảng viên cơ sở,1,{code},,20/05/2025",  # row 4: mentor scope
        f"Vòng Một,0981000004,,0981000005,Giảng viên cơ sở,1,{code},,",  # rows 5-6: a loop in the batch
        f"Vòng Hai,0981000005,,0981000004,Giảng viên cơ sở,1,{code},,",
        f"Không Mã,0981000006,,{root_phone},Cấp gì đó,9,X99999,,31/02/2025",  # row 7: tier, level, area, date
        f"Không Thầy,0981000007,,0909999999,Giảng viên cơ sở,1,{code},,",  # row 8: unknown mentor
    ]
    count = db.session.scalar(select(func.count(Trainer.id)))
    for action in ("check", "apply"):
        html = _upload(client, "\n".join([HEADER, *rows]), action).get_data(as_text=True)
        assert "chưa ghi gì" in html
        for expected in ("Số điện thoại “12345” không hợp lệ", "nằm ngoài phạm vi quản lý", "vòng lặp",
                         "Cấp không hợp lệ", "Bậc phải là số từ 1 đến 5.", "Không có địa bàn mã “X99999”",
                         "Ngày “31/02/2025” không hợp lệ", "Không có giảng viên nào với số điện thoại 0909999999"):
            assert expected in html, expected
        numbers = {int(n) for n in __import__("re").findall(r'<td class="num">(\d+)</td><td>', html)}
        assert numbers == {3, 4, 5, 6, 7, 8}
    assert db.session.scalar(select(func.count(Trainer.id))) == count


def test_a_clean_file_imports_mentors_first(client, login_as, world):
    login_as("coord_daitu")
    code = _commune_code(world)
    root = world.trainers["Nguyễn Văn Đại"]
    root_phone = db.session.get(Person, root.person_id).phone.replace("+84", "0")
    csv_text = "\n".join([
        HEADER,
        f"Cháu Trong Tệp,0981000012,,0981000011,Giảng viên cơ sở,1,{code},,21/05/2025",
        f"Con Trong Tệp,0981000011,,{root_phone},Nòng cốt cấp huyện,2,{code},,20/05/2025",
    ])
    assert "Tệp hợp lệ: 2 dòng" in _upload(client, csv_text, "check").get_data(as_text=True)
    assert "Đã nhập 2 giảng viên mới" in _upload(client, csv_text, "apply").get_data(as_text=True)
    by_phone = dict(db.session.execute(select(Person.phone, Trainer).join(Trainer, Trainer.person_id == Person.id)
                                       .where(Person.phone.in_(["+84981000011", "+84981000012"]))).all())
    child, grandchild = by_phone["+84981000011"], by_phone["+84981000012"]
    assert child.mentor_id == root.id and grandchild.mentor_id == child.id
    assert grandchild.path == f"{root.path}{child.id}/{grandchild.id}/" and grandchild.generation == 2


def test_link_errors_name_rows_and_mentors_never_internal_ids(client, login_as, world):
    login_as("coord_daitu")
    code = _commune_code(world)
    root = world.trainers["Nguyễn Văn Đại"]
    root_person = db.session.get(Person, root.person_id)
    root_phone = root_person.phone.replace("+84", "0")
    root.max_level = 1
    db.session.flush()
    rows = [
        f"Cao Hơn Thầy,0981000021,,{root_phone},Giảng viên cơ sở,2,{code},,",  # row 2: above the mentor's level
        f"Vòng Một,0981000024,,0981000025,Giảng viên cơ sở,1,{code},,",  # rows 3-4: a loop in the batch
        f"Vòng Hai,0981000025,,0981000024,Giảng viên cơ sở,1,{code},,",
    ]
    html = _upload(client, "\n".join([HEADER, *rows]), "check").get_data(as_text=True)
    assert (f"Bậc giảng dạy (2) cao hơn bậc của người hướng dẫn {root_person.full_name} ({root_phone}) (1)."
            in html)
    assert "vòng lặp trong mạng lưới: dòng 3 (Vòng Một) → dòng 4 (Vòng Hai) → dòng 3 (Vòng Một)" in html or \
        "vòng lặp trong mạng lưới: dòng 4 (Vòng Hai) → dòng 3 (Vòng Một) → dòng 4 (Vòng Hai)" in html
    assert "(mã " not in html
