"""A database of a test's own, apart from the suite's: for tests whose processes or connections commit for real,
die or drop (tests/jobs/test_kill.py, tests/test_connection_drop.py).

`own_database` yields an app bound to a fresh database with the app's tables, and its URL: an SQLite file in the
test's folder, or a new schema on the test PostgreSQL when LANTOA_TEST_DATABASE_URL is set (dropped at the end).
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from app import create_app
from app.extensions import db


@pytest.fixture
def own_database(tmp_path):
    base = os.environ.get("LANTOA_TEST_DATABASE_URL")
    drop = None
    if not base:
        url = f"sqlite:///{tmp_path / 'own.db'}"
    else:
        schema = f"k_{uuid.uuid4().hex[:10]}"
        admin = create_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"

        def drop() -> None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    own = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "own-database"})
    with own.app_context():
        db.create_all()
    try:
        yield own, url
    finally:
        with own.app_context():
            db.session.remove()
            db.engine.dispose()
        if drop:
            drop()
