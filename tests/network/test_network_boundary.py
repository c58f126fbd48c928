"""`network` stays pure: no web framework, no database layer, no app imports (DESIGN.md section 3)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import network

FORBIDDEN = ("flask", "sqlalchemy", "app", "alembic", "wtforms", "psycopg")
PACKAGE = Path(network.__file__).parent


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def _forbidden(name: str) -> bool:
    return name in FORBIDDEN or name.startswith("flask_")


def test_no_module_imports_the_web_or_database_layer() -> None:
    files = sorted(PACKAGE.glob("*.py"))
    assert len(files) >= 8
    bad = {f.name: sorted(r for r in _imported_roots(f) if _forbidden(r)) for f in files}
    assert {k: v for k, v in bad.items() if v} == {}


def test_importing_network_loads_none_of_them() -> None:
    code = "import sys, network; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=PACKAGE.parent).stdout.split()
    assert [m for m in out if _forbidden(m.split(".")[0])] == []


def test_every_module_declares_all_and_a_docstring() -> None:
    for f in PACKAGE.glob("*.py"):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f.name
        names = {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
        assert "__all__" in names, f.name


def test_public_api_is_exported() -> None:
    for name in network.__all__:
        assert hasattr(network, name), name
