"""The dashboards that read stored figures, on the province demo, through the Flask test client.

`python -m bench.boards --db instance/prov.db` (build it once: `lantoa demo --size province` with
`LANTOA_DATABASE_URL=sqlite:////…/prov.db`): medians of 5 requests (after one warm-up) of the assignment page,
the gap list (page 1 and a late page), the network overview, the cascade picture page, and one `working_map()`
call. Signed in as the steering demo account `bcd` (and `dp.daitu`, the Đại Từ coordinator, for the assignment
page). `--jobs` runs the suggestion job first (what the scheduler does each morning).
"""

from __future__ import annotations

import argparse
import os
from collections import defaultdict

from bench.network_db import median_ms


def _median_ms(fn, runs: int = 5) -> float:
    """One warm-up call, then `network_db.median_ms` of `runs` calls."""
    fn()
    return median_ms(fn, runs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="instance/prov.db")
    parser.add_argument("--jobs", action="store_true", help="run the assignment suggestion job first")
    args = parser.parse_args(argv)
    os.environ.setdefault("LANTOA_ENV", "development")
    os.environ["LANTOA_DATABASE_URL"] = f"sqlite:///{os.path.abspath(args.db)}"
    from sqlalchemy import select

    from app import create_app
    from app.areas.maps import programme_root, working_map
    from app.extensions import db
    from app.models import Gap

    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        root_id = programme_root().id
        open_gaps = db.session.scalar(select(db.func.count(Gap.id)).where(Gap.state.in_(("open", "acknowledged"))))
        per_page = app.config["LANTOA_PAGE_SIZE"]
        late = max(1, (open_gaps // per_page) * 2 // 3)
        if args.jobs:
            from app.jobs.runner import run_job

            run = run_job("assignment_suggestions", runner="bench")
            print("job:", run.outcome, run.message)
        wm = _median_ms(working_map, 5)
    pages = [
        ("bcd", "/assignments/"),
        ("dp.daitu", "/assignments/"),
        ("bcd", "/gaps/"),
        ("bcd", f"/gaps/?page={late}"),
        ("bcd", "/network/"),
        ("bcd", f"/network/areas/{root_id}/cascade"),
    ]
    for account, path in pages:
        client = app.test_client()
        signed = client.post("/login", data={"username": account, "password": "lantoa-2025"})
        assert signed.status_code == 302, signed.status_code

        def get(path=path, client=client):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        print(f"{account:9} {path:40} {_median_ms(get):8.1f} ms")
    # the network overview without its block of `app.counts` figures (a pass over the classes and enrolments the
    # other summaries replace): what the roll-ups serve
    from app import counts

    real = counts.figures, counts.child_figures
    counts.figures = lambda area, day, graph=None: counts._row(None, 0)
    counts.child_figures = lambda area, day, graph=None, with_learners=False: defaultdict(lambda: counts._row(None, 0))
    try:
        client = app.test_client()
        client.post("/login", data={"username": "bcd", "password": "lantoa-2025"})
        def overview():
            assert client.get("/network/").status_code == 200

        print(f"{'bcd':9} {'/network/ (counts block stubbed)':40} {_median_ms(overview):8.1f} ms")
    finally:
        counts.figures, counts.child_figures = real
    print(f"{'':9} {'working_map()':40} {wm:8.2f} ms   ({open_gaps} open gaps, late page {late})")


if __name__ == "__main__":
    main()
