"""Benchmark of the network in the database at province scale (DESIGN.md section 5).

Seeds `lantoa demo --size province` (~30k trainers, ~100k classes, ~1M enrolments) into a temporary SQLite file,
then reports medians of:

- `recompute_all()` — reading the rows, the NumPy pass with roll-ups (budget: analytics under 0.5 s) and the
  write-back (Core executemany in primary-key order) reported separately; the first run fills every counter,
  later runs write only what differs;
- one subtree (`path LIKE '/…/%'`, indexed) and one lineage (ids from the stored path) by SQL (budget 50 ms);
- the trainer list, a trainer profile and the lazy-tree JSON through the Flask test client (budget 100 ms).

Usage: python -m bench.network_db [--repeat 5] [--size province|demo]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["demo", "province"], default="province")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv or [])
    os.environ.setdefault("LANTOA_ENV", "development")
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from app import create_app
    from app.demo import seed_demo
    from app.extensions import db
    from app.models import Person, Trainer, TrainerStats, User
    from app.network.operations import recompute_all

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
        with app.app_context():
            started = time.perf_counter()
            upgrade()
            seed_demo(size=args.size, echo=lambda line: None)  # ends with a first recompute (fills counters)
            db.session.commit()
            print(f"[seed] {args.size}: {time.perf_counter() - started:.1f} s (migrate, demo rows, first recompute)")
            runs = []
            for _ in range(args.repeat):
                runs.append(recompute_all()["seconds"])
                db.session.commit()
            for key, label in (("load", "read rows"), ("analyse", "NumPy pass + roll-ups"),
                               ("write", "write-back (nothing stale)")):
                print(f"  recompute_all {label:28s} median {statistics.median(r[key] for r in runs) * 1000:8.1f} ms")
            analytics = statistics.median(r["load"] + r["analyse"] for r in runs)
            print(f"  recompute_all analytics (read + pass)      median {analytics * 1000:8.1f} ms  (budget 500 ms)")
            db.session.execute(text("UPDATE trainer_stats SET subtree_size = subtree_size + 1"))
            started = time.perf_counter()
            stale = recompute_all()
            db.session.commit()
            print(f"  recompute_all with every counter stale:   {(time.perf_counter() - started) * 1000:8.1f} ms "
                  f"(write-back {stale['seconds']['write'] * 1000:.1f} ms, {stale['counter_differences']:,} rows)")

            rng = random.Random(7)
            big = db.session.execute(select(Trainer.id, Trainer.path).join(TrainerStats)
                                     .order_by(TrainerStats.subtree_size.desc()).limit(1)).first()
            leaves = db.session.execute(select(Trainer.id, Trainer.path).where(Trainer.generation >= 5)).all()
            leaf = rng.choice(leaves)

            def subtree():
                return db.session.execute(select(Trainer.id).where(Trainer.path.like(big.path + "%"))).all()

            def lineage():
                ids = [int(p) for p in leaf.path.strip("/").split("/")]
                return db.session.execute(select(Trainer.id, Person.full_name).join(Person)
                                          .where(Trainer.id.in_(ids))).all()

            size = len(subtree())
            print(f"  subtree by path prefix ({size:,} trainers)    median {median_ms(subtree, 21):8.2f} ms  (budget 50)")
            print(f"  lineage from stored path (generation 5+)  median {median_ms(lineage, 21):8.2f} ms  (budget 50)")

            steering = db.session.scalar(select(User.username).where(User.role == "steering"))
            db.session.remove()
        client = app.test_client()
        client.post("/login", data={"username": steering, "password": "lantoa-2025"})
        for label, url in (("trainer list page 1", "/trainers/"), ("trainer list, search", "/trainers/?q=nguyen"),
                           ("trainer profile (biggest branch)", f"/trainers/{big.id}"),
                           ("lazy tree JSON (biggest branch)", f"/network/trainers/{big.id}/children.json"),
                           ("network overview (province)", "/network/")):
            status = client.get(url).status_code
            print(f"  {label:40s} median {median_ms(lambda u=url: client.get(u), 15):8.1f} ms  (HTTP {status})")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
