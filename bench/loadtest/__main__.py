"""`make loadtest`: requests per second and latency of the main pages under gunicorn, against a hello-world floor.

    python -m bench.loadtest [--db sqlite|pg] [--duration 10] [--clients 4] [--pages WORD ...]

Order of a run: the database (cached demo, see database.py), the floor (`servers.hello_app` under the same
gunicorn settings), every page of pages.py in turn with `--clients` signed-in virtual users for `--warmup` +
`--duration` seconds, then the floor again. The table gives each page's p50 as a ratio to the mean p50 of the
two floor runs: the machine is shared, so absolute figures move with the neighbours' load, ratios much less.
Exit status 1 when any page answered an error (non-2xx or no answer).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

from bench.loadtest import database
from bench.loadtest.client import VirtualUser, run_load
from bench.loadtest.pages import API, PASSWORD, prepare
from bench.loadtest.servers import ROOT, Gunicorn, ServerSettings
from bench.loadtest.stats import Summary, format_table, summarize


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "pg"], default=os.environ.get("LOADTEST_DB") or "sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("LOADTEST_PG_URL") or database.PG_URL)
    parser.add_argument("--size", choices=["demo", "province"], default="province")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per page")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds per page before measuring")
    parser.add_argument("--clients", type=int, default=4, help="concurrent virtual users")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--pages", nargs="*", metavar="WORD", help="only pages whose label contains a word")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    return parser.parse_args(argv)


def users(port: int, count: int, account: str | None, secret: str = "") -> list[VirtualUser]:
    if account == API:
        return [VirtualUser("127.0.0.1", port, headers={"Authorization": f"Bearer {secret}"}) for _ in range(count)]
    made = [VirtualUser("127.0.0.1", port) for _ in range(count)]
    if account is not None:
        for user in made:
            user.login(account, PASSWORD)
    return made


def floor(settings: ServerSettings, args, run_dir, label: str) -> Summary:
    with Gunicorn("bench.loadtest.servers:hello_app", settings, {}, run_dir / "hello.log") as server:
        clients = users(server.port, args.clients, None)
        samples, elapsed = run_load(clients, "/", args.duration, args.warmup)
        for client in clients:
            client.close()
    return summarize(label, samples, elapsed)


def main(argv: list[str]) -> int:
    args = parse(argv)
    settings = ServerSettings(args.workers, args.worker_class, args.threads, timeout=30)
    started = time.perf_counter()
    url = (database.pg_database(args.size, args.pg_url, args.rebuild) if args.db == "pg"
           else database.sqlite_database(args.size, args.rebuild))
    pages, secret = prepare(url, args.pages)
    run_dir = database.CACHE_DIR / "run"
    print(f"{len(pages)} pages + the floor twice, {args.warmup:g} + {args.duration:g} s each "
          f"(~{(len(pages) + 2) * (args.warmup + args.duration):.0f} s); {args.clients} clients; gunicorn "
          f"{settings.workers} × {settings.worker_class}" + (f" × {settings.threads} threads"
                                                             if settings.worker_class == "gthread" else ""),
          flush=True)
    load_before = os.getloadavg()[0]
    before = floor(settings, args, run_dir, "hello-world floor (before)")
    env = {"LANTOA_ENV": "production", "LANTOA_SECRET_KEY": secrets.token_urlsafe(32),
           "LANTOA_DATABASE_URL": url, "LANTOA_INSTANCE_PATH": str(run_dir)}
    rows: list[tuple] = []
    with Gunicorn("wsgi:app", settings, env, run_dir / "lantoa.log", ready_path="/login") as server:
        sessions = {account: users(server.port, args.clients, account, secret)
                    for account in {p.account for p in pages}}
        for page in pages:
            path = sessions[page.account][0].destination(page.path)
            samples, elapsed = run_load(sessions[page.account], path, args.duration, args.warmup)
            rows.append((f"{page.label} {path}", samples, elapsed))
            statuses = Counter(s.status for s in samples)
            print(f"  {page.label} {path}: {len(samples)} requests, statuses {dict(sorted(statuses.items()))}",
                  flush=True)
    after = floor(settings, args, run_dir, "hello-world floor (after)")
    floor_p50 = (before.p50_ms + after.p50_ms) / 2 if before.p50_ms and after.p50_ms else None
    floor_rate = (before.per_second + after.per_second) / 2
    summaries = [replace(s, share=s.per_second / floor_rate if floor_rate else None)
                 for s in (summarize(label, samples, elapsed, floor_p50) for label, samples, elapsed in rows)]
    floors = [replace(f, ratio=f.p50_ms / floor_p50 if f.p50_ms and floor_p50 else None) for f in (before, after)]
    print(f"\nLan Tỏa load test, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {args.db} ({args.size} demo), "
          f"{args.clients} clients, gunicorn {settings.workers} × {settings.worker_class}, "
          f"{args.duration:g} s per page; load average {load_before:.1f} → {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores; {time.perf_counter() - started:.0f} s in all\n")
    print(format_table([floors[0], *summaries, floors[1]]))
    failed = [s.label for s in summaries + floors if s.errors]
    if failed:
        print(f"\nerrors (non-2xx or no answer) on: {', '.join(failed)}; see {run_dir.relative_to(ROOT)}/*.log")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
