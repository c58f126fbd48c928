"""Fixtures: one app and one schema per session, a rolled-back transaction per test.

The database comes from LANTOA_TEST_DATABASE_URL (default: an SQLite file in a temp
folder). On PostgreSQL the session creates its own schema and drops it at the end.
Forms are posted with real CSRF tokens read from the rendered page.
"""

from __future__ import annotations

import os
import re
import uuid
from datetime import date

import pytest
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import create_engine, text

os.environ["LANTOA_ENV"] = "test"

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from tests import factories  # noqa: E402
from tests.own_database import own_database  # noqa: E402, F401 (a fixture: a database of the test's own)

TEST_PASSWORD = "mat-khau-thu-nghiem"


def _database_url(tmp_path_factory) -> tuple[str, callable]:
    url = os.environ.get("LANTOA_TEST_DATABASE_URL")
    if not url:
        path = tmp_path_factory.mktemp("db") / "test.db"
        return f"sqlite:///{path}", lambda: None
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}", drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url, drop = _database_url(tmp_path_factory)
    yield url
    drop()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "LANTOA_PAGE_SIZE": 20,
        "SERVER_NAME": "lantoa.test",
        "LANTOA_UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),
        "LANTOA_REPORTS_DIR": str(tmp_path_factory.mktemp("reports")),
        "LANTOA_EXPORTS_DIR": str(tmp_path_factory.mktemp("exports")),
        # a stale summary is recomputed when read: a test that changes data and reads a page sees the change
        # (tests/test_summaries.py checks "serve", production's default)
        "LANTOA_SUMMARIES": "refresh",
    })
    with app.app_context():
        db.create_all()
        factories.build_world()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


class BoundSession(FlaskSession):
    """Every statement of a test runs on the test's own connection and transaction."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return self.bind


@pytest.fixture(autouse=True)
def _transaction(request):
    if "no_db" in request.keywords:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"class_": BoundSession, "bind": connection, "join_transaction_mode": "create_savepoint"}
        )
        try:
            yield
        finally:
            db.session.remove()
            outer.rollback()
            connection.close()
            db.session = original


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


@pytest.fixture
def world():
    return factories.World.load()


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def post_form(client, url: str, data: dict, token_page: str | None = None, **kwargs):
    """GET the form page, read its CSRF token, POST the data with it."""
    page = client.get(token_page or url, follow_redirects=True)
    token = csrf_from(page.get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


@pytest.fixture
def login_as(client):
    def login(username: str, password: str = TEST_PASSWORD):
        response = post_form(client, "/login", {"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return login


@pytest.fixture
def pinned_today(app):
    """Pin `local_today()` for the app (the views, jobs and operations read it)."""
    previous = app.config.get("LANTOA_TODAY")

    def pin(day):
        app.config["LANTOA_TODAY"] = day.isoformat()
        return day

    yield pin
    app.config["LANTOA_TODAY"] = previous


@pytest.fixture
def today():
    return date(2025, 6, 1)
