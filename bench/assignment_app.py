"""Bench: the full assignment suggestion request (scoped queries + min-cost flow + explanations) in the app.

Budget (issue #7): 5,000 trainers × 172 communes answered in under 2 s. Builds a fresh SQLite database with
`lantoa demo` (2024 map, ~2,400 trainers, ~4,500 classes, neighbouring districts, demo assignments), then
tops it up with synthetic active trainers spread over the communes until `--trainers` (default 5,000).
Times, as medians of `--repeat` runs: `overview()` for the whole province (steering) and for one district
coordinator (Đại Từ), and the whole `GET /assignments/` page as steering (template included).

    python -m bench.assignment_app [--trainers 5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time


def _top_up(total: int, seed: int) -> int:
    from sqlalchemy import func, insert, select

    from app.extensions import db
    from app.models import Area, Person, Trainer

    have = db.session.scalar(select(func.count(Trainer.id)))
    communes = list(db.session.scalars(select(Area.id).where(Area.level == "commune", Area.code.like("W%"),
                                                             Area.path.like(f"{_province_path()}%"))))
    rng = random.Random(seed)
    person_id = (db.session.scalar(select(func.max(Person.id))) or 0) + 1
    trainer_id = (db.session.scalar(select(func.max(Trainer.id))) or 0) + 1
    root = db.session.scalar(select(Trainer.id).where(Trainer.mentor_id.is_(None)).limit(1))
    persons, trainers = [], []
    for i in range(max(0, total - have)):
        commune = rng.choice(communes)
        persons.append({"id": person_id + i, "full_name": f"Giảng Viên Thử {i}", "search_key": f"giang vien thu {i}",
                        "phone": f"+8470{i:07d}", "home_area_id": commune})
        trainers.append({"id": trainer_id + i, "person_id": person_id + i, "tier": "local", "mentor_id": root,
                         "max_level": rng.choice((1, 2, 3)), "status": "active", "area_id": commune,
                         "path": f"/{root}/{trainer_id + i}/", "generation": 1,
                         "search_key": f"giang vien thu {i}"})
    if persons:
        db.session.execute(insert(Person.__table__), persons)
        db.session.execute(insert(Trainer.__table__), trainers)
    db.session.commit()
    return db.session.scalar(select(func.count(Trainer.id)))


def _province_path() -> str:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Area

    return db.session.scalar(select(Area.path).where(Area.code == "P19").order_by(Area.valid_from).limit(1))


def _median(fn, repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def main(argv: list[str]) -> dict[str, float]:
    parser = argparse.ArgumentParser(prog="bench.assignment_app")
    parser.add_argument("--trainers", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault("LANTOA_ENV", "test")
    from sqlalchemy import func, select

    from app import create_app
    from app.assignments.queries import overview
    from app.demo import seed_demo
    from app.extensions import db
    from app.models import Area, Assignment, User
    from app.scope import Scope
    from app.timeutil import local_today
    from app.training.settings import set_setting

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": False})
        app.instance_path = folder
        with app.app_context():
            db.create_all()
            t0 = time.perf_counter()
            seed_demo("demo", echo=lambda _line: None)
            db.session.commit()
            trainers = _top_up(args.trainers, 7)
            print(f"database: {trainers:,} trainers, "
                  f"{db.session.scalar(select(func.count(Assignment.id))):,} assignments "
                  f"(built in {time.perf_counter() - t0:.1f} s)")
            today = local_today()
            everyone = Scope(everything=True)
            dai_tu = db.session.scalar(select(Area.path).where(Area.code == "D171").order_by(Area.valid_from))
            for per_trainer in (1000, 100):  # the default, then a demand every commune falls short of
                set_setting("learners_per_trainer", per_trainer)
                db.session.commit()
                view = overview(everyone, today)
                print(f"learners_per_trainer={per_trainer}: {len(view.targets)} targets, {len(view.short)} short "
                      f"(need {sum(t.shortfall for t in view.short):,} places), {len(view.slots):,} trainers with "
                      f"room ({view.free_classes:,} classes), {len(view.suggestions):,} suggestions")
                for label, scope in (("province (steering)", everyone), ("district (Đại Từ)", Scope(area_path=dai_tu))):
                    med, times = _median(lambda s=scope: overview(s, today), args.repeat)
                    results[f"{label} lpt={per_trainer}"] = med
                    print(f"  overview {label:22s} median {med * 1000:7.1f} ms "
                          f"[{', '.join(f'{t * 1000:.0f}' for t in times)}] — budget 2 s")
            steering = db.session.scalar(select(User).where(User.role == "steering").limit(1))
        client = app.test_client()
        client.post("/login", data={"username": steering.username, "password": "lantoa-2025"})

        def page() -> None:
            response = client.get("/assignments/")
            assert response.status_code == 200, response.status_code

        med, times = _median(page, args.repeat)
        results["GET /assignments/ (steering)"] = med
        print(f"GET /assignments/ (steering, learners_per_trainer=100, full page) median {med * 1000:7.1f} ms "
              f"[{', '.join(f'{t * 1000:.0f}' for t in times)}] — budget 2 s")
        with app.app_context():
            db.engine.dispose()
    return results


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
