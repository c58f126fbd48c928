"""Bench: what grows with the tables — one province's pages while the database holds one or several provinces.

Run on a PostgreSQL database built by `lantoa demo --size province --provinces N` (docs/scaling.md):

    python -m bench.provinces --db postgresql+psycopg://postgres@127.0.0.1:5432/scaling_p3 [--repeat 5]

Prints the rows and on-disk size (`pg_total_relation_size`: table, indexes, TOAST) of the big tables and the whole
database, then the steering account `bcd`'s pages through the Flask test client and the gap scan (`scan(today)`,
committed): medians of `--repeat` runs after one warm-up, as wall time, this process's CPU time and the database
backend's CPU time (read from /proc for the server processes of this bench's connections, so it needs the server
on this machine), with the load average before and after. The machine's other work shows in the wall time, much
less in the CPU times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

TABLES = ("enrollments", "persons", "certificates", "point_entries", "training_classes", "trainers", "audit_events",
          "gaps", "gap_events", "indicator_snapshots", "trainer_stats", "areas")
PAGES = ("/", "/trainers/", "/people/", "/classes/", "/gaps/", "/targets/")
APP_NAME = "lantoa-growth-bench"
TICKS = os.sysconf("SC_CLK_TCK")


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _backend_cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return total


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench.provinces")
    parser.add_argument("--db", required=True, help="a PostgreSQL URL (postgresql+psycopg://…)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-scan", action="store_true", help="skip the gap scan")
    args = parser.parse_args(argv)
    os.environ.setdefault("LANTOA_ENV", "test")

    from sqlalchemy import func, select, text

    from app import create_app
    from app.extensions import db
    from app.models import Area, Enrollment

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.db, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"application_name": APP_NAME},
                                                    "pool_pre_ping": True}})

    def backends() -> list[int]:
        with app.app_context():
            return list(db.session.scalars(text(
                "SELECT pid FROM pg_stat_activity WHERE application_name = :name"), {"name": APP_NAME}))

    def timed(fn, label: str) -> None:
        fn()  # warm-up (and the connection the runs use)
        walls, cpus, servers = [], [], []
        load_before = _load()
        for _ in range(args.repeat):
            pids = backends()
            server, cpu, wall = _backend_cpu(pids), time.process_time(), time.perf_counter()
            fn()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            servers.append(_backend_cpu(backends()) - server)
        print(f"  {label:24s} wall {statistics.median(walls) * 1000:8.0f} ms  app CPU "
              f"{statistics.median(cpus) * 1000:7.0f} ms  db CPU {statistics.median(servers) * 1000:7.0f} ms  "
              f"[{', '.join(f'{w * 1000:.0f}' for w in walls)}]  load {load_before} → {_load()}", flush=True)

    with app.app_context():
        provinces = db.session.scalar(select(func.count(Area.id)).where(Area.parent_id.is_(None),
                                                                        Area.code.like("M%-P19"))) + 1
        print(f"database: {args.db.rsplit('/', 1)[-1]}, {provinces} province(s), "
              f"{db.session.scalar(select(func.count(Enrollment.id))):,} enrolments; load {_load()}")
        for table in TABLES:
            rows, size = db.session.execute(text(
                f"SELECT (SELECT count(*) FROM {table}), pg_total_relation_size('{table}')")).one()
            print(f"  {table:20s} {rows:>12,} rows {size / 2**20:9.1f} MB")
        print(f"  {'database':20s} {'':>17s} {db.session.scalar(text('SELECT pg_database_size(current_database())')) / 2**20:9.1f} MB")
        db.session.remove()

    client = app.test_client()
    answer = client.post("/login", data={"username": "bcd", "password": "lantoa-2025"})
    assert answer.status_code in (302, 303), answer.status_code
    for url in PAGES:
        status = client.get(url).status_code
        assert status == 200, (url, status)
        timed(lambda u=url: client.get(u), f"GET {url}")

    if not args.no_scan:
        from app.gaps.scan import scan
        from app.timeutil import local_today

        def one_scan():
            with app.app_context():
                scan(local_today())
                db.session.commit()
                db.session.remove()

        timed(one_scan, "gap scan")
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
