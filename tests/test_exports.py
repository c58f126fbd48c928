"""Exports: scope and filters as on the list pages, CSV with a BOM, xlsx readable, round trips through imports."""

from __future__ import annotations

import csv
import io

import openpyxl
from sqlalchemy import func, select

from app.extensions import db
from app.models import Enrollment, TrainingClass, User
from app.network.imports import COLUMNS as TRAINER_COLUMNS
from app.network.imports import check, read_rows
from app.scope import visible
from app.training.roster import COLUMNS as ROSTER_COLUMNS
from app.training.roster_load import Outcome, import_steps
from tests.factories import make_class


def _csv(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["Content-Type"].startswith("text/csv")
    raw = response.data
    response.close()
    assert raw.startswith("\ufeff".encode())  # Excel opens Vietnamese UTF-8 with a BOM
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def _xlsx(client, url: str) -> list[tuple]:
    response = client.get(url)
    assert response.status_code == 200, url
    data = response.data
    response.close()
    return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_a_dai_tu_coordinator_exports_no_phu_binh_rows(client, login_as):
    login_as("coord_daitu")
    trainers = _csv(client, "/exports/trainers.csv")
    names = {row[0] for row in trainers[1:]}
    assert names == {"Nguyễn Văn Đại", "Trần Thị Từ"}
    for kind in ("classes", "learners", "certificates", "assignments", "gaps"):
        text = "\n".join(",".join(r) for r in _csv(client, f"/exports/{kind}.csv"))
        assert "Phú Bình" not in text and "Phạm Văn Bình" not in text and "PBKT000001" not in text, kind
    assert "DTKT000001" in "\n".join(",".join(r) for r in _csv(client, "/exports/certificates.csv"))


def test_exports_follow_the_list_filters(client, login_as):
    login_as("steering")
    district = _csv(client, "/exports/trainers.csv?tier=district")
    assert {r[0] for r in district[1:]} == {"Trần Thị Từ", "Hoàng Thị Phú"}
    assert {r[0] for r in _csv(client, "/exports/trainers.csv?q=binh")[1:]} == {"Phạm Văn Bình"}
    level2 = _csv(client, "/exports/certificates.csv?level=2")
    assert [r[1] for r in level2[1:]] == ["PBKT000001"]
    running = _csv(client, "/exports/classes.csv?status=running")
    assert [r[1] for r in running[1:]] == ["Tư duy giải quyết vấn đề cùng AI"]
    assert len(_csv(client, "/exports/assignments.csv?status=cancelled")) == 1  # the header only


def test_xlsx_exports_have_the_headers_and_the_scoped_rows(client, login_as):
    login_as("coord_phubinh")
    rows = _xlsx(client, "/exports/classes.xlsx")
    user = db.session.scalar(select(User).where(User.username == "coord_phubinh"))
    assert rows[0][:3] == ("Mã lớp", "Chủ đề", "Bậc")
    assert len(rows) - 1 == db.session.scalar(select(func.count(TrainingClass.id)).where(visible(TrainingClass, user)))
    learners = _xlsx(client, "/exports/learners.xlsx")
    assert list(learners[0][:len(ROSTER_COLUMNS)]) == [header for _, header, _ in ROSTER_COLUMNS]


def test_trainer_export_imports_back_with_no_error(client, login_as):
    login_as("steering")
    steering = db.session.scalar(select(User).where(User.username == "steering"))
    rows = _xlsx(client, "/exports/trainers.xlsx")
    assert list(rows[0][:len(TRAINER_COLUMNS)]) == [label for _, label in TRAINER_COLUMNS]
    for name in ("giang-vien.xlsx", "giang-vien.csv"):
        url = "/exports/trainers." + name.rsplit(".", 1)[1]
        response = client.get(url)
        parsed = read_rows(name, response.data)
        response.close()
        assert len(parsed) == 4
        assert check(steering, parsed) == []  # the dry run finds nothing to change or refuse


def test_class_learners_export_imports_back_into_a_roster_dry_run(client, login_as, world):
    login_as("coord_daitu")
    source = world.classes["Soạn thảo văn bản với AI"]
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/exports/classes/{source.id}/learners.{fmt}")
        assert response.status_code == 200
        data = response.data
        response.close()
        target = make_class(world.trainers["Trần Thị Từ"], db.session.get(type(world.dai_tu), source.venue_area_id),
                            status="open")
        outcome = Outcome()
        for _ in import_steps(target, f"hoc-vien.{fmt}", data, outcome, dry_run=True):
            pass
        assert outcome.errors == [] and not outcome.file_error, (outcome.errors, outcome.file_error)
        assert outcome.checked.total == len(outcome.checked.rows) == db.session.scalar(select(func.count(Enrollment.id))
                                                  .where(Enrollment.class_id == source.id))


def test_exports_outside_the_scope_or_role_answer_404(client, login_as, world):
    login_as("coord_daitu")
    pb_class = world.classes["Làm video ngắn với AI"]
    assert client.get(f"/exports/classes/{pb_class.id}/learners.csv").status_code == 404
    assert client.get("/exports/unknown.csv").status_code == 404
    assert client.get("/exports/trainers.pdf").status_code == 404


def test_a_trainer_exports_their_own_classes_and_no_assignments(client, login_as):
    login_as("trainer_daitu")
    assert client.get("/exports/assignments.csv").status_code == 404
    mine = _csv(client, "/exports/classes.csv")
    assert [r[1] for r in mine[1:]] == ["Soạn thảo văn bản với AI"]


def test_list_pages_link_their_exports_with_the_filters(client, login_as):
    login_as("steering")
    page = client.get("/trainers/?tier=district&page=1").get_data(as_text=True)
    assert "/exports/trainers.xlsx?tier=district" in page.replace("&amp;", "&")
    assert "Xuất CSV" in page and "page=1" not in page.split("export-links")[1].split("</p>")[0]
    for url in ("/classes/", "/people/", "/certificates/", "/assignments/list"):
        assert "Xuất Excel" in client.get(url).get_data(as_text=True), url


def test_gap_export_follows_the_state_and_rule_filters(client, login_as):
    login_as("coord_phubinh")
    rows = _csv(client, "/exports/gaps.csv")
    assert rows[0][:3] == ["Mức độ", "Loại cảnh báo", "Nội dung"]
    assert [r[1] for r in rows[1:]] == ["Hoạt động chưa bắt đầu"]
    assert len(_csv(client, "/exports/gaps.csv?rule=commune_without_trainer")) == 1
    assert len(_csv(client, "/exports/gaps.csv?state=resolved")) == 1
    assert _xlsx(client, "/exports/gaps.xlsx")[1][3] == "Huyện Phú Bình"
    assert "Xuất Excel" in client.get("/gaps/").get_data(as_text=True)
