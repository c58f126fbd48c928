"""``rollout`` stays pure: no web framework, no ORM, no ``app``."""

from __future__ import annotations

import ast
from pathlib import Path

import rollout


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_rollout_imports_no_web_or_database_layer():
    package = Path(rollout.__file__).parent
    offenders = []
    for path in sorted(package.rglob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in ("flask", "sqlalchemy", "app") or top.startswith("flask_"):
                offenders.append(f"{path.name}: {name}")
    assert offenders == []
