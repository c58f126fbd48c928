"""Bench: the daily gap scan (every rule of the registry + the day's indicator snapshots) at province scale.

Budget (issue #6): the whole province scanned in under 5 s. A child process builds a SQLite database with
`seed_demo(size="province")` (~30k trainers, ~67k classes, ~1.1M enrolments; the seed loads KH 137, runs the
network recompute and a first scan); this process then opens it the way the scheduler's job does (a fresh process,
not the one that just created 1.1M rows) and times `scan(today)` as medians of `--repeat` runs: a scan where
nothing changes (idempotent: writes nothing), a scan after a day's changes (one commune's trainers paused, then
back) and a first scan ever (every gap deleted, then opened again); also the targets dashboard for steering.

    python -m bench.gap_scan [--size province] [--repeat 3] [--db PATH | --pg [URL]] [--keep]

`--db PATH` keeps the built database at PATH and reuses it on the next run (building it takes ~2.5 min). When it
builds, the child's peak resident memory is printed too: the seed of the province demo, budget 1 GB.
`--pg [URL]` builds on PostgreSQL instead (default `lantoa_bench` on 127.0.0.1:5432, dropped and created again:
its name must contain "bench"), through the same seed (Core executemany in chunks, then ANALYZE), and measures the
same scans there; `--keep` reuses a database whose build finished (its COMMENT names the size).
`python -m bench gap_scan_pg` is that PostgreSQL run, part of `make bench`.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/lantoa_bench"


def _app(url: str):
    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    if url.startswith("sqlite:///"):
        app.instance_path = str(Path(url.removeprefix("sqlite:///")).parent)
    return app


def _pg_fresh(url: str, size: str, keep: bool) -> bool:
    """Drop and create the PostgreSQL database of `url` (True), or keep it when `keep` and its build of `size`
    finished (False)."""
    from psycopg import sql

    from bench.loadtest.database import _pg_admin

    name, admin = _pg_admin(url)
    if not name or "bench" not in name:
        raise SystemExit(f"refusing to drop PostgreSQL database {name!r}: its name must contain 'bench'")
    marker = f"lantoa bench {size}"
    with admin:
        row = admin.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                            (name,)).fetchone()
        if keep and row is not None and row[0] == marker:
            return False
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def _pg_built(url: str, size: str) -> None:
    from psycopg import sql

    from bench.loadtest.database import _pg_admin

    name, admin = _pg_admin(url)
    with admin:
        admin.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name),
                                                                    sql.Literal(f"lantoa bench {size}")))


def build(url: str, size: str) -> None:
    """Create the database at `url`: schema, the province demo (with its first scan), committed."""
    from app.demo import seed_demo
    from app.extensions import db

    app = _app(url)
    with app.app_context():
        db.create_all()
        seed_demo(size, echo=lambda _line: None)
        db.session.commit()
        db.engine.dispose()


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def measure(url: str, repeat: int) -> dict[str, float]:
    from sqlalchemy import delete, func, select

    from app.extensions import db
    from app.gaps.scan import scan
    from app.models import Enrollment, Gap, GapEvent, Trainer, TrainingClass, User
    from app.targets.dashboard import dashboard_for
    from app.timeutil import local_today

    results: dict[str, float] = {}
    app = _app(url)
    with app.app_context():
        count = lambda model: db.session.scalar(select(func.count(model.id)))  # noqa: E731
        print(f"database: {count(Trainer):,} trainers, {count(TrainingClass):,} classes, "
              f"{count(Enrollment):,} enrolments, {count(Gap):,} gaps stored")
        today = local_today()

        def one_scan():
            summary = scan(today)
            db.session.commit()
            return summary

        first = time.perf_counter()
        summary = one_scan()
        print(f"first scan in this process {time.perf_counter() - first:6.2f} s — {summary}")
        times = [_timed(one_scan) for _ in range(repeat)]
        results["repeat scan"] = med = statistics.median(times)
        print(f"scan, nothing changed: median {med:6.2f} s [{', '.join(f'{t:.2f}' for t in times)}] — budget 5 s")

        # a day with changes: every active trainer of the busiest commune pauses (their own gaps resolve, their
        # commune's and units' may open), then they come back (the reverse)
        area_id = db.session.scalar(select(Trainer.area_id).where(Trainer.status == "active", Trainer.area_id
                                                                  .is_not(None))
                                    .group_by(Trainer.area_id).order_by(func.count().desc()).limit(1))
        paused = list(db.session.scalars(select(Trainer).where(Trainer.area_id == area_id,
                                                                Trainer.status == "active")))
        changed = []
        for status in ("paused", "active"):
            for trainer in paused:
                trainer.status = status
            db.session.commit()
            changed.append(_timed(one_scan))
            still_open = db.session.scalar(select(func.count(Gap.id)).where(Gap.state != "resolved"))
            print(f"  {len(paused)} trainers {status}: {changed[-1]:.2f} s — {still_open:,} gaps open")
        results["changed scan"] = med = statistics.median(changed)
        print(f"scan after a day's changes: median {med:6.2f} s — budget 5 s")

        # the first scan ever (or a new rule, a map change): every gap opened at once
        db.session.execute(delete(GapEvent))
        db.session.execute(delete(Gap))
        db.session.commit()
        results["first scan"] = elapsed = _timed(one_scan)
        print(f"first scan ever (every gap deleted before): {elapsed:6.2f} s, "
              f"{db.session.scalar(select(func.count(Gap.id))):,} gaps opened")

        steering = db.session.scalar(select(User).where(User.role == "steering").limit(1))
        times = [_timed(lambda: dashboard_for(steering, today)) for _ in range(repeat)]
        results["dashboard"] = med = statistics.median(times)
        print(f"targets dashboard (steering, from the snapshot) median {med * 1000:7.1f} ms")
        db.engine.dispose()
    return results


def _build_child(url: str, size: str) -> None:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bench.gap_scan", "--build-only", "--size", size, "--url", url],
                   check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB on Linux
    where = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"database ({size}, {where}) built in a child process in {time.perf_counter() - started:.1f} s, "
          f"peak memory (RSS) {peak:,.0f} MB — budget 1 GB")


def main(argv: list[str]) -> dict[str, float]:
    parser = argparse.ArgumentParser(prog="bench.gap_scan")
    parser.add_argument("--size", default="province")
    parser.add_argument("--repeat", type=int, default=3)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", type=Path, help="keep the database here and reuse it when it exists")
    where.add_argument("--pg", nargs="?", const=PG_URL, metavar="URL", help="build and scan on PostgreSQL")
    parser.add_argument("--keep", action="store_true", help="--pg: reuse a finished build of the same size")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("LANTOA_ENV", "test")
    if args.build_only:
        build(args.url, args.size)
        return {}
    if args.pg:
        if _pg_fresh(args.pg, args.size, args.keep):
            _build_child(args.pg, args.size)
            _pg_built(args.pg, args.size)
        return measure(args.pg, args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "bench.db"
        if not path.exists():
            _build_child(f"sqlite:///{path}", args.size)
        return measure(f"sqlite:///{path}", args.repeat)


if __name__ == "__main__":
    main(sys.argv[1:])
