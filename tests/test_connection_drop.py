"""The database connection dropping: the request it breaks gets the app's Vietnamese 500 page, the next one works.

A connection is dropped for real: on PostgreSQL its backend is ended with `pg_terminate_backend` from another
connection; on SQLite the driver's connection is closed under SQLAlchemy. Both drivers then fail the next
statement with an error SQLAlchemy recognises as a disconnect, so the connection is thrown out of the pool.
A connection dropped while it waits in the pool (the database restarted) is caught by `pool_pre_ping` before
a request uses it.

The app here runs as in production (exceptions become the error page, not test failures) on a database of its
own (tests/own_database.py), with a user of its own.
"""

from __future__ import annotations

import os

import pytest
from flask_login import login_required
from sqlalchemy import create_engine, event, func, select, text

from app.extensions import db
from app.models import User
from tests.conftest import TEST_PASSWORD, post_form

pytestmark = pytest.mark.no_db
ERROR_TITLE, ERROR_TEXT = "Lỗi hệ thống", "Đã có lỗi xảy ra. Vui lòng thử lại sau ít phút."


class Dropper:
    """Records the app's driver connections and drops them the way a failing database or network would."""

    def __init__(self, engine):
        self.engine, self.connections = engine, []
        self.admin = create_engine(os.environ["LANTOA_TEST_DATABASE_URL"]) \
            if engine.dialect.name == "postgresql" else None
        event.listen(engine, "connect", self._connected)

    def _connected(self, dbapi_connection, _record) -> None:
        self.connections.append(dbapi_connection)

    def drop(self, dbapi_connection) -> None:
        if self.admin is None:
            dbapi_connection.close()
            return
        with self.admin.connect() as conn:  # waits (up to 5 s) until the backend has gone
            assert conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"),
                                {"pid": dbapi_connection.info.backend_pid}).scalar()

    def drop_all(self) -> None:
        assert self.connections, "no connection recorded"
        for connection in self.connections:
            self.drop(connection)
        self.connections.clear()

    def close(self) -> None:
        event.remove(self.engine, "connect", self._connected)
        if self.admin is not None:
            self.admin.dispose()


@pytest.fixture
def site(own_database):
    """The app (as in production), a signed-in steering user's client, and the dropper of its connections."""
    own, _url = own_database

    @own.get("/__drop-connection")
    @login_required
    def drop_connection():  # a page whose connection dies between two of its queries
        db.session.scalar(select(func.count(User.id)))
        dropper.drop(db.session.connection().connection.dbapi_connection)
        return str(db.session.scalar(select(func.count(User.id))))

    with own.app_context():
        dropper = Dropper(db.engine)
        db.engine.dispose()  # from here on every connection is a recorded one
        user = User(username="bcd", full_name="Ban Chỉ đạo", role="steering")
        user.set_password(TEST_PASSWORD)
        db.session.add(user)
        db.session.commit()
    client = own.test_client()
    response = post_form(client, "/login", {"username": "bcd", "password": TEST_PASSWORD})
    assert response.status_code == 302
    try:
        yield own, client, dropper
    finally:
        dropper.close()


def _works(client) -> None:
    response = client.get("/trainers/")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert "Ban Chỉ đạo" in response.get_data(as_text=True)  # the user was read from the database


def _is_error_page(response) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert ERROR_TITLE in html and ERROR_TEXT in html and 'lang="vi"' in html, html[:300]


def test_a_connection_dropped_mid_request_gives_the_error_page_and_the_next_request_works(site):
    _own, client, _dropper = site
    _works(client)
    _is_error_page(client.get("/__drop-connection"))
    _works(client)


def test_a_connection_dropped_at_the_first_query_of_a_request_gives_the_error_page(site):
    own, client, dropper = site
    _works(client)
    with own.app_context():
        engine = db.engine
    armed = {"left": 1}

    def drop_before_the_user_is_read(conn, cursor, statement, parameters, context, executemany):
        if armed["left"] and "FROM users" in statement:
            armed["left"] = 0
            dropper.drop(conn.connection.dbapi_connection)

    event.listen(engine, "before_cursor_execute", drop_before_the_user_is_read)
    try:
        _is_error_page(client.get("/trainers/"))
    finally:
        event.remove(engine, "before_cursor_execute", drop_before_the_user_is_read)
    _works(client)


def test_connections_dropped_while_idle_in_the_pool_are_replaced_before_use(site):
    own, client, dropper = site
    _works(client)
    dropper.drop_all()  # the database restarted between two requests
    _works(client)
    assert own.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
