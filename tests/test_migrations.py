"""`lantoa db upgrade` on an empty database gives exactly the models' schema (no drift)."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app
from app.extensions import db

pytestmark = pytest.mark.no_db


@pytest.fixture
def empty_database_url(tmp_path):
    url = os.environ.get("LANTOA_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    schema = f"m_{uuid.uuid4().hex[:10]}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    yield f"{url}{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def test_upgrade_matches_models_and_downgrade_empties(empty_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"migrations and models differ: {diff}"
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_migration_files_are_date_prefixed():

    from app import ROOT

    files = [p.name for p in (ROOT / "migrations" / "versions").glob("*.py")]
    assert files and all(name[:8].isdigit() and name[8] == "_" for name in files), files


def test_a_populated_database_upgrades_through_table_rebuilds(empty_database_url):
    """A migration that rebuilds a table other rows point at (SQLite's batch mode: copy, DROP, rename) keeps the
    rows and their keys: the upgrade of a deployment, not only of an empty database."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="d1e8e96415f2")  # before the unit registry rebuilt `units`
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO areas (id, code, name, division_type, level, valid_from, path, search_key) "
                              "VALUES (1, 'P19', 'Thái Nguyên', 'tinh', 'province', '2024-12-01', '/1/', 'thai nguyen')"))
            conn.execute(text("INSERT INTO units (id, name, kind, area_id, path, search_key) "
                              "VALUES (7, 'Sở Nội vụ', 'agency', 1, '/7/', 'so noi vu')"))
            conn.execute(text("INSERT INTO persons (id, full_name, search_key, unit_id, audience_group) "
                              "VALUES (3, 'Lê Văn Học', 'le van hoc', 7, 'civil_servant')"))
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM units WHERE id = 7")).scalar() == "Sở Nội vụ"
            assert conn.execute(text("SELECT unit_id FROM persons WHERE id = 3")).scalar() == 7
        db.engine.dispose()


def test_targets_of_a_deployment_go_to_their_plans(empty_database_url):
    """`targets` keyed by code becomes one set per plan: each row goes to the programme plan whose period holds its
    start (the old rule), else to KH 137's row; a downgrade keeps one row per code."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="e5b9d3a7c214")  # before targets per plan
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO areas (id, code, name, division_type, level, valid_from, path, search_key) "
                              "VALUES (1, 'P19', 'Thái Nguyên', 'tinh', 'province', '2024-12-01', '/1/', 'thai nguyen')"))
            for plan_id, number, start, end in ((1, "137/KH-UBND", "2024-11-01", "2025-12-31"),
                                                (2, "MH-2026", "2026-01-01", "2026-12-31")):
                conn.execute(text(
                    "INSERT INTO plans (id, number, issued_on, issuer, title, area_code, area_id, period_start, "
                    "period_end, levels, targets, source, loaded_at) VALUES (:id, :number, '2024-11-01', 'UBND', "
                    "'Kế hoạch', 'P19', 1, :start, :end, '[]', '[]', '', '2026-01-01 00:00:00')"),
                    {"id": plan_id, "number": number, "start": start, "end": end})
            conn.execute(text(
                "INSERT INTO targets (indicator_code, target_percent, deadline, start_on, updated_at) VALUES "
                "('a', 50, '2025-12-31', '2024-11-01', '2026-01-01 00:00:00'), "
                "('b', 60, '2026-12-31', '2026-01-01', '2026-01-01 00:00:00'), "
                "('c', 70, '2027-12-31', '2027-01-01', '2026-01-01 00:00:00')"))
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT indicator_code, plan_id, target_percent FROM targets "
                                     "ORDER BY indicator_code")).all()
        assert [tuple(r) for r in rows] == [("a", 1, 50), ("b", 2, 60), ("c", 1, 70)]
        downgrade(revision="e5b9d3a7c214")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM targets")).scalar() == 3
        db.engine.dispose()
