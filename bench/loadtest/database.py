"""The load test's database: the demo built once with `lantoa demo --size …`, then reused while the code stays
the same.

Rules:
- The cache key is a SHA-256 over the contents of `app/`, `migrations/` and `data/` (everything that shapes the
  schema and the demo rows) plus the size: any change there builds a fresh database, nothing else does.
- SQLite (default): `instance/loadtest/<size>-<key>.db`. The build writes `<…>.db.partial` and renames it at the
  end, so an interrupted build is never reused; databases of the same size with other keys are deleted.
- PostgreSQL: its own database (default `lantoa_load`, never the `test` database of the suites: a name without
  "load" in it is refused, as the database is dropped and created again on a new key). The key is kept as the
  database's COMMENT, written only once the build has succeeded.
- Building runs the real CLI in child processes (`lantoa db upgrade`, `lantoa demo --size …`) with
  LANTOA_ENV=development; the data is dated on the build day (the demo follows `today`).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.loadtest.servers import ROOT

KEYED_FOLDERS = ("app", "migrations", "data")
CACHE_DIR = ROOT / "instance" / "loadtest"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/lantoa_load"
# the jobs that bring an existing database's derived data (roll-ups, gaps, stored suggestions and summaries) to
# the running code's, in the order the scheduler's day runs them
DERIVED = ("network_recompute", "gap_scan", "assignment_suggestions", "summaries_refresh")


def code_key(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for folder in KEYED_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def sized_url(url: str, size: str, main_size: str) -> str:
    """The PostgreSQL URL of `size`'s database: `url` itself for the main size, else its database name with
    `_<size>` appended (lantoa_load → lantoa_load_demo), so both sizes of one run are kept."""
    if size == main_size:
        return url
    from sqlalchemy.engine import make_url

    parts = make_url(url)
    return parts.set(database=f"{parts.database}_{size}").render_as_string(hide_password=False)


def upgraded(url: str, echo=print) -> str:
    """`url` as it is, whatever code built it, brought to this code's schema (`lantoa db upgrade`) and its
    derived data to this code's (the jobs of `DERIVED`, as the scheduler runs them): for a database that took long
    to build (a province on PostgreSQL on a busy machine)."""
    lantoa = str(Path(sys.executable).with_name("lantoa"))
    with tempfile.TemporaryDirectory(prefix="lantoa-load-") as instance:
        env = {**os.environ, "LANTOA_ENV": "development", "LANTOA_INSTANCE_PATH": instance,
               "LANTOA_DATABASE_URL": url}
        env.pop("LANTOA_TODAY", None)
        subprocess.run([lantoa, "db", "upgrade"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        for job in DERIVED:
            subprocess.run([lantoa, "jobs", "run", job], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    _vacuum(url)
    echo(f"database: using {url.rsplit('/', 1)[-1]} as it is (not rebuilt for this code), upgraded, "
         f"{', '.join(DERIVED)} run{', VACUUM (ANALYZE)' if url.startswith('postgresql') else ''}")
    return url


def _vacuum(url: str) -> None:
    """PostgreSQL: VACUUM (ANALYZE) after the upgrade and the jobs, as `lantoa demo` does after its seed
    (`app.demo.vacuum_analyze`): a database built by an older code may never have had it."""
    from sqlalchemy import create_engine

    from app.demo import vacuum_analyze

    engine = create_engine(url)
    try:
        vacuum_analyze(engine)
    finally:
        engine.dispose()


def _build(url: str, size: str) -> float:
    """Migrate and seed the database at `url` through the CLI; returns the seconds it took."""
    lantoa = str(Path(sys.executable).with_name("lantoa"))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lantoa-load-") as instance:
        env = {**os.environ, "LANTOA_ENV": "development", "LANTOA_INSTANCE_PATH": instance,
               "LANTOA_DATABASE_URL": url}
        env.pop("LANTOA_TODAY", None)
        subprocess.run([lantoa, "db", "upgrade"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        subprocess.run([lantoa, "demo", "--size", size], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def sqlite_database(size: str, rebuild: bool = False, echo=print) -> str:
    """The URL of the cached SQLite database of this code and size, built first if needed."""
    key = code_key()
    path = CACHE_DIR / f"{size}-{key}.db"
    if rebuild:
        path.unlink(missing_ok=True)
    if path.exists():
        echo(f"database: reusing {path.relative_to(ROOT)} (code key {key})")
    else:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        echo(f"database: building the {size} demo into {path.relative_to(ROOT)} (code key {key}) …")
        seconds = _build(f"sqlite:///{partial}", size)
        partial.rename(path)
        echo(f"database: built in {seconds:.0f} s")
    for stale in CACHE_DIR.glob(f"{size}-*.db"):
        if stale != path:
            stale.unlink()
    return f"sqlite:///{path}"


def _pg_admin(url: str):
    import psycopg
    from sqlalchemy.engine import make_url

    parts = make_url(url)
    return parts.database, psycopg.connect(host=parts.host or "127.0.0.1", port=parts.port or 5432,
                                           user=parts.username or "postgres", password=parts.password,
                                           dbname="postgres", autocommit=True)


def pg_database(size: str, url: str = PG_URL, rebuild: bool = False, echo=print) -> str:
    """`url`, whose database holds the demo of this code and size (dropped and built again otherwise)."""
    from psycopg import sql

    marker = f"lantoa loadtest {size}-{code_key()}"
    name, admin = _pg_admin(url)
    if not name or "load" not in name:
        raise SystemExit(f"refusing to use PostgreSQL database {name!r} for the load test: it is dropped and "
                         "rebuilt, so its name must contain 'load' (e.g. lantoa_load)")
    with admin:
        row = admin.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                            (name,)).fetchone()
        if row is not None and row[0] == marker and not rebuild:
            echo(f"database: reusing PostgreSQL {name} ({marker})")
            return url
        echo(f"database: building the {size} demo into PostgreSQL {name} ({marker}) …")
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        seconds = _build(url, size)
        admin.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(marker)))
        echo(f"database: built in {seconds:.0f} s")
    return url
