"""Every export's CSV holds the same rows as its xlsx, whatever the request boundary did to the session first."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from flask_sqlalchemy.session import Session as FlaskSession

from app.exports.tables import TABLES
from app.extensions import db
from app.models import Gap
from app.web import boundary
from tests.factories import make_assignment

KINDS = sorted(TABLES)


@pytest.fixture
def committing_boundary(monkeypatch):
    """Every request counts as one that changed something, so the boundary commits before the body is sent."""
    monkeypatch.setattr(boundary, "_changed", lambda: True)


class PoolClosingSession(FlaskSession):
    """A session whose commit gives its connection back to the pool, which then closes it (on PostgreSQL the
    commit alone already ends a server-side cursor; SQLite keeps reading a result across a commit)."""

    def commit(self) -> None:
        super().commit()
        if db.engine.dialect.name == "sqlite":
            db.engine.dispose()


@pytest.fixture
def own_connections(login_as):
    """The app's own sessions, as in production: a commit at the boundary gives the connection back.

    (The test transaction binds every session to one connection, where a commit only releases a savepoint and a
    result opened before it would still be read.) The requests below only read the committed world.
    """
    login_as("steering")
    bound = db.session
    db.session = db._make_scoped_session({"class_": PoolClosingSession})
    try:
        yield
    finally:
        db.session.remove()
        db.session = bound


def _body(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    data = response.data
    response.close()
    return data


def csv_rows(client, url: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_body(client, url).decode("utf-8-sig"))))


def _as_csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):  # an xlsx date is already Vietnam's time: formatted, not converted again
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def xlsx_rows(client, url: str) -> list[list[str]]:
    book = openpyxl.load_workbook(io.BytesIO(_body(client, url)))
    return [[_as_csv_text(v) for v in row] for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def _dai_tu_rows(world) -> None:
    """The world has no assignment and no gap in Đại Từ: one of each, so the coordinator's exports have rows."""
    make_assignment(world.trainers["Trần Thị Từ"], world.dai_tu, reason="Đại Từ")
    db.session.add(Gap(rule_code="commune_without_trainer", subject_kind="area", subject_id=str(world.dai_tu.id),
                       area_id=world.dai_tu.id, severity="high", params={"area": "Huyện Đại Từ"}))
    db.session.flush()


# exports only some roles may make: the others get 404
RESERVED = {"denominators": {"steering", "admin"}, "audit": {"admin"}}


@pytest.mark.parametrize("username", ["steering", "coord_daitu", "admin"])
def test_every_export_has_the_same_rows_in_csv_and_xlsx(client, login_as, committing_boundary, world, username):
    _dai_tu_rows(world)
    if username == "admin":
        from app.audit import record

        record("setting.set", entity="settings", before={"x": "cũ"}, after={"x": "mới"})
    login_as(username)
    for kind in KINDS:
        if username not in RESERVED.get(kind, {username}):
            assert client.get(f"/exports/{kind}.csv").status_code == 404, kind
            continue
        from_csv = csv_rows(client, f"/exports/{kind}.csv")
        from_xlsx = xlsx_rows(client, f"/exports/{kind}.xlsx")
        assert len(from_csv) > 1, kind  # the world has rows of every kind for both users
        assert from_csv == from_xlsx, kind


def test_the_gaps_csv_has_its_rows_after_the_boundary_committed(client, committing_boundary, own_connections):
    rows = csv_rows(client, "/exports/gaps.csv")
    assert rows[0][:3] == ["Mức độ", "Loại cảnh báo", "Nội dung"]
    assert len(rows) > 1 and all(row[2] for row in rows[1:])
    for kind in (k for k in KINDS if "steering" in RESERVED.get(k, {"steering"})):
        assert csv_rows(client, f"/exports/{kind}.csv") == xlsx_rows(client, f"/exports/{kind}.xlsx"), kind


def test_class_learners_have_the_same_rows_in_csv_and_xlsx(client, login_as, committing_boundary, world):
    login_as("coord_daitu")
    source = world.classes["Soạn thảo văn bản với AI"]
    url = f"/exports/classes/{source.id}/learners"
    from_csv = csv_rows(client, url + ".csv")
    assert len(from_csv) > 1 and from_csv == xlsx_rows(client, url + ".xlsx")
