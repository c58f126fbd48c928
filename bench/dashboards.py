"""Bench: the dashboards (steering home, the coordinator's area page, targets, forecast) through the Flask test
client on a built demo database, signed in as steering `bcd` and the Đại Từ coordinator `dp.daitu`.

Budget: p99 under 300 ms at province scale, and at most 1.5× the page's time on the normal demo. The pages read
stored summaries (`app/summaries`): "warm" is the median of `--repeat` requests with the summaries stored; "cold"
is the first request after every stored summary was deleted (the page computes and stores what it reads). On a
code base without summaries both are live counts (cold: the process's first request of the page).

    python -m bench.dashboards --db PATH [--repeat 5]

Build the database first: `LANTOA_DATABASE_URL=sqlite:///PATH lantoa db upgrade && … lantoa demo --size
province` (or `--size demo`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

PASSWORD = "lantoa-2025"


def _app(path: Path):
    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False})
    app.instance_path = str(path.parent)
    return app


def _has_summaries() -> bool:
    try:
        import app.summaries  # noqa: F401
    except ImportError:
        return False
    return True


def _clear_summaries() -> None:
    from sqlalchemy import delete

    from app.extensions import db
    from app.models import Summary

    db.session.execute(delete(Summary))
    db.session.commit()


def _get(client, url: str) -> tuple[float, float]:
    """(wall ms, CPU ms of this process): on a shared machine the CPU time is the steadier figure."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    elapsed, used = time.perf_counter() - started, time.process_time() - cpu
    assert response.status_code == 200, (url, response.status_code)
    return elapsed * 1000, used * 1000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="only the pages whose URL contains this")
    parser.add_argument("--no-cold", action="store_true", help="keep the stored summaries: warm reads only")
    args = parser.parse_args(argv if argv is not None else [])
    os.environ.setdefault("LANTOA_ENV", "development")
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Area, Enrollment, Trainer, TrainingClass

    stored = _has_summaries()
    app = _app(args.db)
    with app.app_context():
        count = lambda model: db.session.scalar(select(func.count(model.id)))  # noqa: E731
        print(f"database {args.db.name}: {count(Trainer):,} trainers, {count(TrainingClass):,} classes, "
              f"{count(Enrollment):,} enrolments; summaries: {'yes' if stored else 'no (live counts)'}")
        dai_tu = db.session.scalar(select(Area.id).where(Area.code == "D171").order_by(Area.valid_from).limit(1))
        db.session.remove()
    pages = [("bcd", "/"), ("bcd", "/targets/"), ("bcd", "/targets/forecast"),
             ("dp.daitu", f"/areas/{dai_tu}"), ("dp.daitu", "/targets/"), ("dp.daitu", "/targets/forecast")]
    clients = {}
    for username in ("bcd", "dp.daitu"):
        client = app.test_client()
        answer = client.post("/login", data={"username": username, "password": PASSWORD})
        assert answer.status_code == 302, (username, answer.status_code)
        clients[username] = client
    print(f"{'user':10s} {'page':24s} {'cold ms (cpu)':>15s} {'warm median ms (cpu)':>21s} {'warm max ms':>12s}")
    for username, url in pages:
        if args.only not in url:
            continue
        client = clients[username]
        if stored and not args.no_cold:
            with app.app_context():
                _clear_summaries()
        cold = _get(client, url)
        warm = [_get(client, url) for _ in range(args.repeat)]
        wall, cpu = statistics.median(w for w, _ in warm), statistics.median(c for _, c in warm)
        print(f"{username:10s} {url:24s} {cold[0]:8.0f} ({cold[1]:4.0f}) {wall:13.0f} ({cpu:5.0f}) "
              f"{max(w for w, _ in warm):12.0f}", flush=True)
    if stored and not args.no_cold:  # leave the database as the refresh job would: every first read stored
        from app.summaries.catalogue import warm as warm_all
        from app.timeutil import local_today

        with app.app_context():
            warm_all(local_today())
            db.session.commit()


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
