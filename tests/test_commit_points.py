"""One commit point per unit of work: `.commit()` appears in app/ only in the boundary modules listed here.

A web request commits in `app/web/boundary.py`, a `lantoa` command in `app/cli_boundary.py`, a job run in
`app/jobs/boundary.py`; views, commands, jobs and operations only flush. A new commit elsewhere fails this test:
make the code flush, or add the module here with the reason it must commit on its own.
"""

from __future__ import annotations

import re

import pytest

from app import ROOT

pytestmark = pytest.mark.no_db

BOUNDARIES = {
    "app/web/boundary.py": "the web request: a response < 400 commits, ≥ 400 or an exception rolls back",
    "app/cli_boundary.py": "the lantoa command: commits when it returns, rolls back on any failure",
    "app/jobs/boundary.py": "the job run (its work, then its run record), and commit_step for the outbox sender",
    "app/jobs/leader.py": "the scheduler's leader lock on its own connection (advisory lock / lease row), "
                          "not the session's transaction",
}

COMMIT = re.compile(r"\.commit\(")
COMMENT = re.compile(r"^\s*#")


def _committing_files() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for path in sorted((ROOT / "app").rglob("*.py")):
        lines = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if COMMIT.search(line) and not COMMENT.match(line)]
        if lines:
            found[path.relative_to(ROOT).as_posix()] = lines
    return found


def test_only_the_boundaries_commit():
    stray = {path: lines for path, lines in _committing_files().items()
             if path not in BOUNDARIES}
    assert not stray, f"commit() outside the boundary modules (file: line numbers): {stray}"


def test_every_boundary_listed_exists():
    assert all((ROOT / path).is_file() for path in BOUNDARIES)


def test_commit_step_is_used_only_by_the_outbox_sender_the_export_worker_and_the_summaries_job():
    users = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "app").rglob("*.py")
                   if "commit_step()" in path.read_text(encoding="utf-8"))
    assert users == ["app/exports/files.py", "app/jobs/boundary.py", "app/notifications/sender.py",
                     "app/summaries/registry.py"], users
