"""`make loadtest`: requests per second and latency of the main pages under gunicorn, against a hello-world floor.

    python -m bench.loadtest [--db sqlite|pg] [--duration 10] [--clients 8] [--pages WORD ...] [--growth]

Order of a run: the database (cached demo, see database.py), the floor (`servers.hello_app` under the same
gunicorn settings), every page of pages.py in turn with `--clients` signed-in virtual users for `--warmup` +
`--duration` seconds, then the floor again. The table gives each page's p50 as a ratio to the mean p50 of the
two floor runs: the machine is shared, so absolute figures move with the neighbours' load, ratios much less.
With `--growth` the pages are measured first on the normal demo, then at `--size` (the province), between the
same two floors, and each province row gets its growth (its p50 over the same page's p50 on the demo).
Each page's budget (pages.BUDGETS) is checked and its misses printed in the last column.
Exit status 1 when any page answered an error (non-2xx or no answer); a missed budget is printed, not fatal.
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
    parser.add_argument("--clients", type=int, default=8, help="concurrent virtual users")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--pages", nargs="*", metavar="WORD", help="only pages whose label contains a word")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--as-is", nargs="+", metavar="URL",
                        help="use these database URLs as they are (upgraded, not rebuilt): one, or with --growth the "
                             "demo's then the province's")
    parser.add_argument("--growth", action="store_true",
                        help="measure the pages on the normal demo too, in the same run, and print the growth")
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


def _database(args, size: str) -> str:
    if args.db == "pg":
        return database.pg_database(size, database.sized_url(args.pg_url, size, args.size), args.rebuild)
    return database.sqlite_database(size, args.rebuild)


def measure_pages(url: str, settings: ServerSettings, args, run_dir, suffix: str = "") -> list[tuple]:
    """Every page served by the app on the database at `url`: (page, label, samples, elapsed)."""
    pages, secret = prepare(url, args.pages)
    env = {"LANTOA_ENV": "production", "LANTOA_SECRET_KEY": secrets.token_urlsafe(32),
           "LANTOA_DATABASE_URL": url, "LANTOA_INSTANCE_PATH": str(run_dir)}
    rows: list[tuple] = []
    with Gunicorn("wsgi:app", settings, env, run_dir / "lantoa.log", ready_path="/login") as server:
        sessions = {account: users(server.port, args.clients, account, secret)
                    for account in {p.account for p in pages}}
        for page in pages:
            path = sessions[page.account][0].destination(page.path)
            samples, elapsed = run_load(sessions[page.account], path, args.duration, args.warmup)
            rows.append((page, f"{page.label} {path}{suffix}", samples, elapsed))
            statuses = Counter(s.status for s in samples)
            print(f"  {page.label} {path}{suffix}: {len(samples)} requests, statuses "
                  f"{dict(sorted(statuses.items()))}", flush=True)
    return rows


def main(argv: list[str]) -> int:
    args = parse(argv)
    settings = ServerSettings(args.workers, args.worker_class, args.threads, timeout=30)
    started = time.perf_counter()
    sizes = ["demo", args.size] if args.growth and args.size != "demo" else [args.size]
    if args.as_is:
        if len(args.as_is) != len(sizes):
            raise SystemExit(f"--as-is needs {len(sizes)} URL(s): {' and '.join(sizes)}")
        urls = {size: database.upgraded(url) for size, url in zip(sizes, args.as_is, strict=True)}
    else:
        urls = {size: _database(args, size) for size in sizes}
    run_dir = database.CACHE_DIR / "run"
    count = len(prepare(urls[sizes[-1]], args.pages)[0]) * len(sizes)
    print(f"{count} pages + the floor twice, {args.warmup:g} + {args.duration:g} s each "
          f"(~{(count + 2) * (args.warmup + args.duration):.0f} s); {args.clients} clients; gunicorn "
          f"{settings.workers} × {settings.worker_class}" + (f" × {settings.threads} threads"
                                                             if settings.worker_class == "gthread" else ""),
          flush=True)
    load_before = os.getloadavg()[0]
    before = floor(settings, args, run_dir, "hello-world floor (before)")
    measured = {size: measure_pages(urls[size], settings, args, run_dir, f" ({size})" if len(sizes) > 1 else "")
                for size in sizes}
    after = floor(settings, args, run_dir, "hello-world floor (after)")
    floor_p50 = (before.p50_ms + after.p50_ms) / 2 if before.p50_ms and after.p50_ms else None
    floor_rate = (before.per_second + after.per_second) / 2
    summaries: list[Summary] = []
    small = {page.label: summarize(label, samples, elapsed).p50_ms
             for page, label, samples, elapsed in measured.get("demo", [])} if len(sizes) > 1 else {}
    for size in sizes:
        for page, label, samples, elapsed in measured[size]:
            row = summarize(label, samples, elapsed, floor_p50)
            base = small.get(page.label) if size != "demo" else None
            row = replace(row, share=row.per_second / floor_rate if floor_rate else None,
                          growth=row.p50_ms / base if base and row.p50_ms is not None else None)
            summaries.append(replace(row, misses=page.budget.misses(row)))
    floors = [replace(f, ratio=f.p50_ms / floor_p50 if f.p50_ms and floor_p50 else None) for f in (before, after)]
    print(f"\nLan Tỏa load test, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {args.db} ({' and '.join(sizes)} demo), "
          f"{args.clients} clients, gunicorn {settings.workers} × {settings.worker_class}, "
          f"{args.duration:g} s per page; load average {load_before:.1f} → {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores; {time.perf_counter() - started:.0f} s in all\n")
    print(format_table([floors[0], *summaries, floors[1]]))
    over = [s.label for s in summaries if s.misses]
    print(f"\nbudgets: {len(summaries) - len(over)} of {len(summaries)} pages within"
          + (f"; over: {', '.join(over)}" if over else ""))
    failed = [s.label for s in summaries + floors if s.errors]
    if failed:
        print(f"\nerrors (non-2xx or no answer) on: {', '.join(failed)}; see {run_dir.relative_to(ROOT)}/*.log")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
