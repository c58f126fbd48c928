"""Flask extensions, created unbound; `create_app` binds them.

The declarative base carries the constraint naming convention, so every
constraint has a stable name that Alembic can diff and drop.
"""

import sqlite3

from flask import g, has_app_context
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, _record) -> None:
    """SQLite checks foreign keys only when asked, per connection; PostgreSQL always does.

    The driver's own transaction handling is switched off so that SQLAlchemy emits BEGIN
    itself: otherwise SAVEPOINTs (nested transactions, the tests' rollback) silently commit.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # a file database in WAL mode: readers never wait for the writer, and a commit is one append to the log
        # (synchronous=NORMAL: durable at each checkpoint, never corrupt), so writes of many small requests (an
        # API call's audit row and rate-limit hit) do not queue behind fsyncs
        if cursor.execute("PRAGMA database_list").fetchone()[2]:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection) -> None:
    """BEGIN, or BEGIN IMMEDIATE for a transaction the request boundary opens only to write (`g.lantoa_write_only`:
    the records a request keeps, app/web/boundary.py). A deferred transaction that has read and then writes
    cannot wait for another writer (SQLite answers "database is locked" at once to avoid a deadlock); one that
    takes the write lock first waits for it (the driver's timeout)."""
    if connection.dialect.name == "sqlite":
        immediate = has_app_context() and g.get("lantoa_write_only", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
