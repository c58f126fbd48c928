"""`network/` and `rollout/` stay framework-free: no flask, sqlalchemy or app imports."""

from __future__ import annotations

import ast

import pytest

from app import ROOT

FORBIDDEN = ("flask", "flask_login", "flask_wtf", "flask_sqlalchemy", "flask_migrate", "sqlalchemy", "app",
             "wtforms", "werkzeug")

pytestmark = pytest.mark.no_db


@pytest.mark.parametrize("package", ["network", "rollout"])
def test_domain_packages_import_no_framework(package):
    folder = ROOT / package
    assert folder.is_dir(), f"{package}/ is missing"
    offenders = []
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert not offenders, offenders


def test_domain_packages_never_read_the_clock():
    offenders = []
    for package in ("network", "rollout"):
        for path in (ROOT / package).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            for call in ("date.today()", "datetime.now(", "datetime.today()", "datetime.utcnow(", "time.time()"):
                if call in source:
                    offenders.append(f"{path.relative_to(ROOT)}: {call}")
    assert not offenders, offenders
