"""Reads that keep a record (an API call's audit row, rate-limit hit and last use) from many clients at once:
every one answers, none fails with "database is locked" (SQLite: the kept records are written in a transaction
begun for writing, which waits for the other writers; app/web/boundary.py, app/extensions.py)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from app.api import operations
from app.extensions import db
from app.models import Area, AuditEvent
from app.timeutil import clock
from app.training.settings import set_setting
from tests.own_database import own_database  # noqa: F401 (a fixture)

pytestmark = pytest.mark.no_db  # a database of its own, committed for real by concurrent requests
CLIENTS, CALLS = 6, 15


def test_concurrent_api_reads_all_answer(own_database):  # noqa: F811
    own, _url = own_database
    with own.app_context():
        province = Area(code="P19", name="Thái Nguyên", division_type="tinh", level="province",
                        valid_from=date(2024, 12, 1), path="", search_key="thai nguyen")
        db.session.add(province)
        db.session.flush()
        province.path = f"/{province.id}/"
        set_setting("api_limit", 100_000)
        client = operations.create_client({"name": "Đo đồng thời", "scope_area_id": province.id,
                                           "can_read": True}, None)
        secret = operations.issue_token(client, 1, None, clock())[1]
        db.session.commit()
    statuses: list[int] = []
    lock = threading.Lock()

    def calls() -> None:
        browser = own.test_client()
        for _ in range(CALLS):
            status = browser.get("/api/v1/areas", headers={"Authorization": f"Bearer {secret}"}).status_code
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=calls) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(200) == CLIENTS * CALLS, sorted(set(statuses))
    with own.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "api.use")) == \
            CLIENTS * CALLS
        db.session.remove()


def test_concurrent_certificate_lookups_all_answer_and_count(own_database):  # noqa: F811
    from app.models import RateHit

    own, _url = own_database
    with own.app_context():
        set_setting("verify_limit", 100_000)
        db.session.commit()
    statuses: list[int] = []
    lock = threading.Lock()

    def lookups() -> None:
        browser = own.test_client()
        for _ in range(CALLS):
            status = browser.get("/verify/KHONGCOMA0").status_code
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=lookups) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(statuses) == {404}, sorted(set(statuses))  # no such certificate, and never a 500
    with own.app_context():
        assert db.session.scalar(select(func.count(RateHit.id)).where(RateHit.bucket == "verify")) == CLIENTS * CALLS
        db.session.remove()
