"""The factory builds and wires only: no files, no connections, no scheduler."""

from __future__ import annotations

import pytest

from app import create_app

pytestmark = pytest.mark.no_db


def test_create_app_has_no_side_effects(tmp_path, monkeypatch):
    monkeypatch.setenv("LANTOA_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("LANTOA_ENV", "development")
    app = create_app()
    assert not (tmp_path / "inst").exists(), "create_app must not create the instance folder or a database"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("inst/lantoa.db")
    assert "apscheduler" not in app.extensions


def test_production_requires_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("LANTOA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LANTOA_ENV", "production")
    monkeypatch.delenv("LANTOA_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="LANTOA_SECRET_KEY"):
        create_app()
    (tmp_path / "secret_key").write_text("from-the-demo")
    assert create_app().config["SECRET_KEY"] == "from-the-demo"
    monkeypatch.setenv("LANTOA_SECRET_KEY", "from-env")
    assert create_app().config["SECRET_KEY"] == "from-env"


def test_settings_come_from_lantoa_variables(tmp_path, monkeypatch):
    monkeypatch.setenv("LANTOA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LANTOA_ENV", "test")
    monkeypatch.setenv("LANTOA_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("LANTOA_SECURE_COOKIES", "1")
    monkeypatch.setenv("LANTOA_PAGE_SIZE", "25")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["LANTOA_PAGE_SIZE"] == 25


def test_unknown_environment_is_refused(monkeypatch):
    monkeypatch.setenv("LANTOA_ENV", "staging")
    with pytest.raises(RuntimeError, match="LANTOA_ENV"):
        create_app()


def test_readme_documents_every_setting():
    from app import ROOT
    from app.config import SETTINGS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in SETTINGS if f"`{name}`" not in readme]
    assert not missing, f"README's settings table lacks {missing}"


def test_the_lantoa_command_lists_its_commands_and_explains_a_missing_key(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from app.cli import main

    monkeypatch.setenv("LANTOA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LANTOA_ENV", "production")
    monkeypatch.delenv("LANTOA_SECRET_KEY", raising=False)
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = result.output.split("Commands:")[1]
    for command in ("areas", "db", "demo", "jobs", "network", "plan", "reports", "scheduler", "settings", "users"):
        assert f"\n  {command} " in listed
    result = CliRunner().invoke(main, ["db", "current"])
    assert result.exit_code != 0 and "LANTOA_SECRET_KEY is required" in result.output
    assert "Traceback" not in result.output
