"""Bench: ingest daily learning records through `POST /api/v1/learning-records` into a fresh SQLite database.

Budget (the API issue): 1M daily records under 60 s on SQLite. The test world is built with 20,000 persons whose
phones half of the records carry (matched), the other half are held; the bodies (batches of 10,000) are encoded
before the clock starts; each batch goes through the whole request (WSGI, bearer auth, rate limit, one-pass
validation, phone matching, INSERT … ON CONFLICT DO NOTHING, audit, commit). Then the first batch is sent again
(all duplicates), and the `online_effects` job's work is timed on what was stored: the matched records'
enrolments in the platform classes, completions and ledger points (`app.api.effects.apply_pending`, batches of
10,000, one commit). Usage: python -m bench api_ingest [--records N].
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
import time

BATCH = 10_000
PERSONS = 20_000


def _bodies(total: int) -> list[bytes]:
    start = dt.date(2025, 3, 1)
    bodies = []
    for b in range(0, total, BATCH):
        records = []
        for i in range(b, min(b + BATCH, total)):
            learner = i % (2 * PERSONS)
            records.append({"platform": "LuyenAI.vn", "external_id": f"u{learner}", "phone": f"09{30000000 + learner}",
                            "date": (start + dt.timedelta(days=i // (2 * PERSONS))).isoformat(),
                            "minutes": 15 + i % 30, "lessons": 1 + i % 3, "score": i % 101, "level": 1 + i % 5})
        bodies.append(json.dumps({"records": records}).encode())
    return bodies


def main(argv: list[str]) -> None:
    total = int(argv[argv.index("--records") + 1]) if "--records" in argv else 1_000_000
    os.environ.setdefault("LANTOA_ENV", "test")
    from app import create_app
    from app.extensions import db
    from app.models import LearningRecord, Person
    from app.text import fold
    from app.training.settings import set_setting
    from tests import factories
    from tests.api_helpers import make_client

    bodies = _bodies(total)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            factories.build_world()
            commune = factories.area("D171")
            db.session.execute(db.insert(Person), [
                {"full_name": f"Người Học {i}", "search_key": fold(f"Người Học {i}"), "phone": f"+849{30000000 + i}",
                 "home_area_id": commune.id} for i in range(0, 2 * PERSONS, 2)])
            set_setting("api_limit", 1_000_000)
            db.session.commit()
            secret = make_client(commune, name="LuyenAI.vn", ingest=True)[2]
            db.session.commit()
            db.session.remove()
            client = app.test_client()
            headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
            started = time.perf_counter()
            times = []
            for body in bodies:
                t0 = time.perf_counter()
                response = client.post("/api/v1/learning-records", data=body, headers=headers)
                assert response.status_code == 200, response.get_data(as_text=True)[:300]
                times.append(time.perf_counter() - t0)
            elapsed = time.perf_counter() - started
            again = client.post("/api/v1/learning-records", data=bodies[0], headers=headers).json
            from app.api.effects import apply_pending

            t0 = time.perf_counter()
            applied_records, applied = apply_pending()
            db.session.commit()
            effects_s = time.perf_counter() - t0
            stored = db.session.scalar(db.select(db.func.count(LearningRecord.id)))
            matched = db.session.scalar(db.select(db.func.count(LearningRecord.id)).where(
                LearningRecord.state == "matched"))
            db.engine.dispose()
    times.sort()
    print(f"api ingest: {total:,} records in {len(bodies)} batches: {elapsed:.1f} s "
          f"({total / elapsed:,.0f} records/s; batch median {times[len(times) // 2]:.2f} s, max {times[-1]:.2f} s); "
          f"stored {stored:,}, matched {matched:,}; resent batch: {again['duplicates']:,} duplicates, "
          f"{again['inserted']} inserted — budget 60 s for 1M")
    print(f"online effects (the job): {applied_records:,} matched records in {effects_s:.1f} s "
          f"({applied_records / effects_s:,.0f} records/s): {applied.enrolled:,} enrolments, {applied.completed:,} "
          f"completions, {applied.points:,} ledger points")


if __name__ == "__main__":
    main(sys.argv[1:])
