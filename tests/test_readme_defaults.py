"""The defaults the README states are the code's: the settings table against `app.config.SETTINGS` and against
what `load_settings` does with nothing set; every plan setting of `app/training/settings.py` is named in the
README with its default (`key` (N)), and no other; the scheduler's and the sender's numbers against their
constants."""

from __future__ import annotations

import re

import pytest

from app import ROOT, create_app
from app.config import SETTINGS, load_settings
from app.training.settings import DEFAULTS

pytestmark = pytest.mark.no_db
README = (ROOT / "README.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\| `(LANTOA_[A-Z_]+)` \| (?:`([^`]*)`|—) \|", re.MULTILINE)
PLAN_VALUE = re.compile(r"`([a-z][a-z0-9_|\s]*)`\s*\((\d+(?:,\s*\d+)*)[):]")


def _table() -> dict[str, str]:
    return {name: default or "" for name, default in ROW.findall(README) if name != "LANTOA_TEST_DATABASE_URL"}


def test_the_settings_table_states_the_declared_defaults():
    declared = {name: default for name, (default, _help) in SETTINGS.items()}
    assert _table() == declared


def test_the_declared_defaults_are_what_the_code_does(tmp_path, monkeypatch):
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # the default folders do not depend on the working directory
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "secret_key").write_text("from-the-demo")
    config = load_settings(instance)
    assert config["SECRET_KEY"] == "from-the-demo"
    monkeypatch.setenv("LANTOA_ENV", "test")  # only to build an app without a key: the instance folder's default
    project_instance = create_app().instance_path

    def shown(value) -> str:
        return str(value).replace(str(instance), "<instance>")

    observed = {name: shown(config[name]) for name in SETTINGS if name in config}
    observed.update({
        "LANTOA_SECRET_KEY": "",  # nothing set: the key comes from <instance>/secret_key, as checked above
        "LANTOA_DATABASE_URL": shown(config["SQLALCHEMY_DATABASE_URI"]),
        "LANTOA_INSTANCE_PATH": project_instance.replace(str(ROOT), "<project>"),
        "LANTOA_SECURE_COOKIES": "1" if config["SESSION_COOKIE_SECURE"] else "0",
    })
    assert observed == {name: default for name, (default, _help) in SETTINGS.items()}


def _plan_values() -> list[tuple[str, int]]:
    """(key, value) for every plan setting the README names with a value; `a_b_c|d|e` (1, 2, 3) names
    a_b_c, a_b_d and a_b_e."""
    found = []
    for names, values in PLAN_VALUE.findall(README):
        keys = [part.strip() for part in names.split("|")]
        first, rest = keys[0], keys[1:]
        full = [first] + [next((k for k in DEFAULTS if k.endswith(alt) and first.startswith(k[:-len(alt)])), alt)
                          for alt in rest]
        found += list(zip(full, (int(v) for v in values.split(",")), strict=True))
    return found


def test_every_plan_setting_the_readme_names_has_the_value_stated():
    documented = _plan_values()
    unknown = [key for key, _ in documented if key not in DEFAULTS]
    assert not unknown, f"the README names plan settings the code does not have: {unknown}"
    missing = sorted(set(DEFAULTS) - {key for key, _ in documented})
    assert not missing, f"the README does not give the default of the plan settings {missing}"
    wrong = {key: (value, DEFAULTS[key][0]) for key, value in documented if DEFAULTS[key][0] != value}
    assert not wrong, f"README value vs code default: {wrong}"


def test_the_scheduler_and_sender_numbers_in_the_readme_are_the_code_s():
    from app.cli import scheduler_cmd
    from app.jobs.scheduler import MISFIRE_GRACE
    from app.notifications.sender import MAX_ATTEMPTS, STALE_AFTER, backoff

    lease = next(p for p in scheduler_cmd.params if p.name == "lease_seconds").default
    assert f"`scheduler [--lease-seconds {lease}]`" in README
    assert f"up to {MISFIRE_GRACE // 3600} hours late" in README
    assert f"({backoff(1).seconds // 60} min doubling, {MAX_ATTEMPTS} attempts)" in README
    assert backoff(2) == 2 * backoff(1)
    assert f"once the claim is {STALE_AFTER.seconds // 60} minutes old" in README


def test_an_evidence_limit_above_20_mb_is_not_cut_by_the_request_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("LANTOA_ENV", "test")
    assert load_settings(tmp_path)["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    monkeypatch.setenv("LANTOA_UPLOAD_MAX_MB", "30")
    config = load_settings(tmp_path)
    assert config["LANTOA_UPLOAD_MAX_MB"] == 30 and config["MAX_CONTENT_LENGTH"] == 31 * 1024 * 1024
