"""Large exports as background files: queued by a POST, written by the job with the user's scope, shown with
progress on "Tệp xuất", downloaded only by the user who asked, cleaned after some days."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from flask import g
from sqlalchemy import select

from app.exports import files, tables, writers
from app.extensions import db
from app.jobs.runner import run_job
from app.models import ExportFile, User
from app.timeutil import utcnow
from tests.conftest import TEST_PASSWORD, post_form
from tests.factories import make_assignment


def _body(client, url: str, status: int = 200) -> bytes:
    response = client.get(url)
    assert response.status_code == status, url
    data = response.data
    response.close()
    return data


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _switch_user() -> None:
    """The tests' requests share one app context, so `g` keeps the last request's user, CSRF token and scope;
    in production each request has its own. Cleared before another browser's requests."""
    for key in ("_login_user", "csrf_token", "lantoa_scopes"):
        g.pop(key, None)


def _client_of(app, username: str):
    """A fresh browser logged in as `username` (the fixture's client already holds a login)."""
    _switch_user()
    client = app.test_client()
    assert post_form(client, "/login", {"username": username, "password": TEST_PASSWORD}).status_code == 302
    return client


@pytest.fixture
def small_limit(monkeypatch):
    """Every list with a row counts as large; batches of two rows."""
    monkeypatch.setattr(files, "LARGE_EXPORT", 0)
    monkeypatch.setattr(tables, "BATCH", 2)


def _ask(client, kind: str, fmt: str, query: str = "") -> ExportFile:
    url = f"/exports/{kind}.{fmt}" + (f"?{query}" if query else "")
    page = client.get(url).get_data(as_text=True)
    assert "Tạo tệp xuất" in page and "không tải trực tiếp" in page
    response = post_form(client, "/exports/files", {"kind": kind, "fmt": fmt, "filters": query}, token_page=url)
    assert response.status_code == 302 and response.headers["Location"].endswith("/exports/files/")
    return db.session.scalar(select(ExportFile).order_by(ExportFile.id.desc()).limit(1))


def test_a_large_list_becomes_a_background_file_with_the_same_rows(client, login_as, small_limit, monkeypatch):
    login_as("coord_daitu")
    export = _ask(client, "learners", "csv")
    assert export.state == "queued" and export.filters == {}
    waiting = client.get("/exports/files/").get_data(as_text=True)
    assert "Đang chờ" in waiting and 'http-equiv="refresh"' in waiting and "Tải về" not in waiting
    run = run_job("exports", runner="test")
    assert run.outcome == "ok", run.message
    db.session.refresh(export)
    assert export.state == "done" and export.rows_done == export.rows_total > 2 and export.finished_at
    done = client.get("/exports/files/").get_data(as_text=True)
    assert "Tải về" in done and 'http-equiv="refresh"' not in done
    response = client.get(f"/exports/files/{export.id}")
    assert response.headers["Content-Disposition"].startswith("attachment; filename=hoc-vien-")
    response.close()
    from_file = _body(client, f"/exports/files/{export.id}")
    monkeypatch.setattr(files, "LARGE_EXPORT", 10_000)
    assert from_file == _body(client, "/exports/learners.csv")  # byte for byte the streamed export of the list
    assert len(_csv(from_file)) == export.rows_total + 1


def test_the_background_export_keeps_the_filters_and_the_scope(client, login_as, small_limit, app):
    login_as("steering")
    export = _ask(client, "trainers", "xlsx", "tier=district")
    assert export.filters == {"tier": "district"}
    run_job("exports", runner="test")
    book = openpyxl.load_workbook(io.BytesIO(_body(client, f"/exports/files/{export.id}")))
    assert {row[0] for row in list(book.active.iter_rows(values_only=True))[1:]} == {"Trần Thị Từ", "Hoàng Thị Phú"}
    coordinator = _client_of(app, "coord_daitu")
    mine = _ask(coordinator, "trainers", "csv")
    run_job("exports", runner="test")
    assert {row[0] for row in _csv(_body(coordinator, f"/exports/files/{mine.id}"))[1:]} == {"Nguyễn Văn Đại",
                                                                                         "Trần Thị Từ"}


def test_only_the_user_who_asked_sees_and_downloads_the_file(client, login_as, small_limit, app):
    login_as("coord_daitu")
    export = _ask(client, "learners", "csv")
    run_job("exports", runner="test")
    _body(client, f"/exports/files/{export.id}")
    for other in ("coord_phubinh", "steering", "admin"):
        browser = _client_of(app, other)
        _body(browser, f"/exports/files/{export.id}", status=404)
        assert f"export-{export.id}" not in browser.get("/exports/files/").get_data(as_text=True)


def test_a_queued_export_of_a_list_the_user_no_longer_sees_fails(client, login_as, small_limit, world, app):
    make_assignment(world.trainers["Trần Thị Từ"], world.dai_tu)
    login_as("coord_daitu")
    export = _ask(client, "assignments", "csv")
    db.session.get(User, export.user_id).active = False  # the account was locked while the export waited
    db.session.flush()
    run_job("exports", runner="test")
    db.session.refresh(export)
    assert export.state == "failed" and export.message and export.path is None
    assert not list(Path(app.config["LANTOA_EXPORTS_DIR"]).glob("*.part"))


def test_the_post_needs_a_token_and_a_known_list(client, login_as, app):
    login_as("coord_daitu")
    assert client.post("/exports/files", data={"kind": "learners", "fmt": "csv"}).status_code == 400
    assert post_form(client, "/exports/files", {"kind": "unknown", "fmt": "csv"},
                     token_page="/exports/files/").status_code == 404
    assert post_form(_client_of(app, "trainer_daitu"), "/exports/files", {"kind": "assignments", "fmt": "csv"},
                     token_page="/exports/files/").status_code == 404


def test_no_job_work_without_a_queued_export():
    assert run_job("exports", runner="test").outcome == "skipped"


def test_xlsx_goes_on_in_a_second_sheet_past_the_sheet_limit(client, login_as, small_limit, monkeypatch):
    monkeypatch.setattr(writers, "SHEET_ROWS", 3)  # a header and two rows a sheet
    login_as("steering")
    export = _ask(client, "trainers", "xlsx")
    run_job("exports", runner="test")
    book = openpyxl.load_workbook(io.BytesIO(_body(client, f"/exports/files/{export.id}")))
    assert book.sheetnames == ["Giảng viên", "Giảng viên (2)"]
    sheets = [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]
    assert sheets[0][0] == sheets[1][0] and [len(rows) for rows in sheets] == [3, 3]
    monkeypatch.setattr(files, "LARGE_EXPORT", 10_000)
    streamed = openpyxl.load_workbook(io.BytesIO(_body(client, "/exports/trainers.xlsx"))).worksheets
    assert sheets == [list(sheet.iter_rows(values_only=True)) for sheet in streamed]  # streamed: the same sheets


def test_a_sheet_exactly_full_adds_no_empty_sheet(tmp_path, monkeypatch, app):
    monkeypatch.setattr(writers, "SHEET_ROWS", 3)
    table = tables.ExportTable("t", "Bảng", [tables.Column("A", "int")], None, None, None)
    for rows, sheets in (([], 1), ([[1], [2]], 1), ([[1], [2], [3]], 2), ([[n] for n in range(5)], 3)):
        path = tmp_path / f"{len(rows)}.xlsx"
        assert writers.write_xlsx(table, str(path), rows) == len(rows)
        book = openpyxl.load_workbook(path)
        assert len(book.worksheets) == sheets, rows
        assert [r[0] for s in book.worksheets for r in s.iter_rows(min_row=2, values_only=True)] == [r[0] for r in rows]


def test_a_large_xlsx_written_aside_is_the_same_workbook(client, login_as, small_limit, monkeypatch):
    """Past XLSX_ASIDE rows the job's xlsx is written by a child process: the same sheets, split at the same
    SHEET_ROWS (handed to the child, which does not see this process's module globals)."""
    monkeypatch.setattr(writers, "SHEET_ROWS", 3)
    login_as("steering")
    inline = _ask(client, "trainers", "xlsx")
    run_job("exports", runner="test")
    monkeypatch.setattr(files, "XLSX_ASIDE", 1)
    aside = _ask(client, "trainers", "xlsx")
    run_job("exports", runner="test")
    db.session.refresh(aside)
    assert aside.state == "done" and aside.rows_done == aside.rows_total > 2
    books = [openpyxl.load_workbook(io.BytesIO(_body(client, f"/exports/files/{e.id}"))) for e in (inline, aside)]
    assert books[0].sheetnames == books[1].sheetnames and len(books[1].sheetnames) > 1
    assert [[list(s.iter_rows(values_only=True)), s.freeze_panes] for s in books[0].worksheets] == \
        [[list(s.iter_rows(values_only=True)), s.freeze_panes] for s in books[1].worksheets]


def test_writing_aside_stops_with_the_reading(tmp_path):
    """A failure while reading stops the child and is raised; a failure in the child is raised here."""
    table = tables.ExportTable("t", "Bảng", [tables.Column("A", "int")], None, None, None)

    def failing():
        yield [[1], [2]]
        raise OSError("the database went away")

    with pytest.raises(OSError, match="went away"):
        writers.write_xlsx_aside(table, str(tmp_path / "a.xlsx"), failing())
    with pytest.raises(RuntimeError, match="xlsx export"):
        writers.write_xlsx_aside(table, str(tmp_path / "b.xlsx"), iter([[[1], [2, 3]]]))  # a row too long
    assert writers.write_xlsx_aside(table, str(tmp_path / "c.xlsx"), iter([[[1], [2]], [[3]]])) == 3
    assert [r[0] for r in openpyxl.load_workbook(tmp_path / "c.xlsx").active.iter_rows(min_row=2, values_only=True)] \
        == [1, 2, 3]


def test_old_exports_are_cleaned_and_stuck_ones_failed(client, login_as, small_limit, app):
    login_as("coord_daitu")
    old = _ask(client, "learners", "csv")
    run_job("exports", runner="test")
    db.session.refresh(old)
    path = Path(app.config["LANTOA_EXPORTS_DIR"]) / old.path
    assert path.is_file()
    old.created_at = utcnow() - timedelta(days=8)
    fresh = _ask(client, "classes", "csv")
    stuck = _ask(client, "trainers", "csv")
    stuck.state, stuck.started_at = "running", utcnow() - timedelta(hours=7)
    db.session.flush()
    run = run_job("export_cleanup", runner="test")
    assert run.outcome == "ok", run.message
    assert not path.exists() and db.session.get(ExportFile, old.id) is None
    db.session.refresh(stuck)
    assert db.session.get(ExportFile, fresh.id).state == "queued" and stuck.state == "failed"
