"""Bench: the daily gap scan (every rule of the registry + the day's indicator snapshots) at province scale.

Budget (issue #6): the whole province scanned in under 5 s. Builds a fresh SQLite database with
`seed_demo(size="province")` (~30k trainers, ~100k classes, ~1M enrolments), loads KH 137, runs the network
recompute (R per area), then times `scan(today)`: the first run (opens every gap) and the following runs
(nothing changes: idempotent), as medians of `--repeat` runs; also the targets dashboard for steering.

    python -m bench.gap_scan [--size province] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def main(argv: list[str]) -> dict[str, float]:
    parser = argparse.ArgumentParser(prog="bench.gap_scan")
    parser.add_argument("--size", default="province")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("LANTOA_ENV", "test")
    from sqlalchemy import func, select

    from app import create_app
    from app.demo import seed_demo
    from app.extensions import db
    from app.gaps.scan import scan
    from app.models import Enrollment, Gap, Trainer, TrainingClass, User
    from app.network.operations import recompute_all
    from app.targets.dashboard import dashboard_for
    from app.timeutil import local_today

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench"})
        app.instance_path = folder
        with app.app_context():
            db.create_all()
            t0 = time.perf_counter()
            seed_demo(args.size, echo=lambda _line: None)
            recompute_all()
            db.session.commit()
            count = lambda model: db.session.scalar(select(func.count(model.id)))  # noqa: E731
            print(f"database ({args.size}): {count(Trainer):,} trainers, {count(TrainingClass):,} classes, "
                  f"{count(Enrollment):,} enrolments (built in {time.perf_counter() - t0:.1f} s)")
            today = local_today()
            t0 = time.perf_counter()
            summary = scan(today)
            db.session.commit()
            results["first scan"] = first = time.perf_counter() - t0
            print(f"first scan {first:6.2f} s — {summary}")
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                scan(today)
                db.session.commit()
                times.append(time.perf_counter() - t0)
            results["repeat scan"] = med = statistics.median(times)
            print(f"repeat scan median {med:6.2f} s [{', '.join(f'{t:.2f}' for t in times)}] — budget 5 s; "
                  f"{count(Gap):,} gaps stored")
            steering = db.session.scalar(select(User).where(User.role == "steering").limit(1))
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                dashboard_for(steering, today)
                times.append(time.perf_counter() - t0)
            results["dashboard"] = med = statistics.median(times)
            print(f"targets dashboard (steering, from the snapshot) median {med * 1000:7.1f} ms")
            db.engine.dispose()
    return results


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
