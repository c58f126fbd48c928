"""The pages of `make loadtest`: the main page of each role, as the demo account of that role sees it.

Rules: a page is (label, account, path); the account None is an anonymous visitor. The ids in paths are chosen
from the database as the account sees them (through `app.scope`), the same way on every run of the same data:
the first-generation trainer with the largest subtree (a heavy profile), the coordinator's completed class with
the most learners, the first certificate that is not revoked. `prepare` also lifts the verification limiter for
the run (setting `verify_limit`, otherwise 30 lookups per 10 minutes per IP: every later lookup would be a 429)
and empties its counter table, so runs are alike; a lookup still writes its row, as in production.
The account `API` is another system: a read client scoped to the whole province with one token (made, or made
again, by `prepare`; its per-token limit `api_limit` lifted for the run), sending `Authorization: Bearer …`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from bench.loadtest.stats import Budget

STEERING, COORDINATOR, TRAINER = "bcd", "dp.daitu", "gv.daitu"
API = "api"  # a bearer token, not a signed-in account
API_CLIENT = "Hệ thống đo tải (loadtest)"
PASSWORD = "lantoa-2025"  # app/demo/accounts.py
VERIFY_LIMIT = 1_000_000_000

# (label, account, path, kind): the kind names the page's budget (BUDGETS)
PAGES = [
    ("home (steering)", STEERING, "/", "dashboard"),
    ("home (coordinator)", COORDINATOR, "/", "dashboard"),
    ("home (trainer)", TRAINER, "/", "page"),
    ("trainers list", STEERING, "/trainers/", "page"),
    ("a trainer", STEERING, "/trainers/{trainer_id}", "page"),
    ("classes list (coordinator)", COORDINATOR, "/classes/", "page"),
    ("classes list (trainer)", TRAINER, "/classes/", "page"),
    ("a class", COORDINATOR, "/classes/{class_id}", "page"),
    ("learners list", COORDINATOR, "/people/", "page"),
    ("network overview", STEERING, "/network/", "dashboard"),
    ("cascade picture", STEERING, "/network/cascade", "dashboard"),
    ("targets", STEERING, "/targets/", "dashboard"),
    ("forecast", STEERING, "/targets/forecast", "dashboard"),
    ("gaps", STEERING, "/gaps/", "dashboard"),
    ("assignments", STEERING, "/assignments/", "dashboard"),
    ("plan", STEERING, "/plan/", "page"),
    ("reports", STEERING, "/reports/", "page"),
    ("certificate verification", None, "/verify/{code}", "page"),
    ("api: trainers list", API, "/api/v1/trainers", "api"),
    ("api: classes list", API, "/api/v1/classes", "api"),
    ("api: gaps list", API, "/api/v1/gaps", "api"),
    ("api: areas list", API, "/api/v1/areas?map={map_key}", "api"),
]
# every main page: p99 < 300 ms at 8 connections, ≥ 5 % of the floor's req/s (dashboards ≥ 2 %), at province
# scale at most 1.5× its p50 on the normal demo; the API's list endpoints ≥ 10 %
BUDGETS = {"page": Budget(0.05), "dashboard": Budget(0.02), "api": Budget(0.10)}


@dataclass(frozen=True)
class Page:
    label: str
    account: str | None
    path: str
    kind: str = "page"

    @property
    def budget(self) -> Budget:
        return BUDGETS[self.kind]


def prepare(url: str, only: list[str] | None = None) -> tuple[list[Page], str]:
    """Lift the verification limit in the database at `url` and return the pages with their ids filled in
    (only those whose label contains one of `only`, when given) and the API token's secret."""
    os.environ.setdefault("LANTOA_ENV", "development")
    from sqlalchemy import delete, func, select

    from app import create_app
    from app.extensions import db
    from app.models import Certificate, Enrollment, RateHit, Trainer, TrainerStats, TrainingClass, User
    from app.scope import visible
    from app.training.settings import set_setting

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "loadtest"})
    with app.app_context():
        user = {name: db.session.scalar(select(User).where(User.username == name))
                for name in (STEERING, COORDINATOR, TRAINER)}
        missing = [name for name, found in user.items() if found is None]
        if missing:
            raise SystemExit(f"the demo accounts {missing} are missing from the database")
        ids = {
            "trainer_id": db.session.scalar(
                select(Trainer.id).join(TrainerStats, TrainerStats.trainer_id == Trainer.id)
                .where(Trainer.generation == 1, visible(Trainer, user[STEERING]))
                .order_by(TrainerStats.subtree_size.desc(), Trainer.id).limit(1)),
            "class_id": db.session.scalar(
                select(TrainingClass.id).join(Enrollment, Enrollment.class_id == TrainingClass.id)
                .where(TrainingClass.status == "completed", visible(TrainingClass, user[COORDINATOR]))
                .group_by(TrainingClass.id).order_by(func.count().desc(), TrainingClass.id).limit(1)),
            "code": db.session.scalar(
                select(Certificate.code).where(Certificate.revoked_on.is_(None)).order_by(Certificate.id)
                .limit(1)),
        }
        # the map the client's scope (the province on the working map) is on: its areas, not an empty page of
        # the map in force today
        from app.areas.maps import available_maps, working_map

        day = working_map()
        ids["map_key"] = next((m.key for m in available_maps() if m.valid_from == day), None)
        if None in ids.values():
            raise SystemExit(f"the demo lacks a page's object: {ids}")
        set_setting("verify_limit", VERIFY_LIMIT)
        set_setting("api_limit", VERIFY_LIMIT)
        db.session.execute(delete(RateHit))
        secret = _api_token(user[STEERING])
        db.session.commit()
        db.engine.dispose()
    pages = [Page(label, account, path.format(**ids), kind) for label, account, path, kind in PAGES]
    if only:
        pages = [p for p in pages if any(word in p.label for word in only)]
    return pages, secret


def _api_token(steering) -> str:
    """A fresh token of the load test's read client (the client made once, scoped to the province)."""
    from sqlalchemy import select

    from app.api import operations
    from app.areas.maps import programme_root
    from app.extensions import db
    from app.models import ApiClient
    from app.timeutil import utcnow

    client = db.session.scalar(select(ApiClient).where(ApiClient.name == API_CLIENT))
    if client is None:
        client = operations.create_client({"name": API_CLIENT, "scope_area_id": programme_root().id,
                                           "can_read": True, "can_ingest": False}, steering)
    return operations.issue_token(client, 1, steering, utcnow())[1]
