"""One active scheduler: the SQLite lease rules, the PostgreSQL advisory lock, and two real schedulers
contending on PostgreSQL of which only one runs the jobs.

These tests commit (locks are about other connections), so they run outside the per-test transaction and
clean up after themselves.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import delete, select, text

from app.extensions import db
from app.jobs.leader import AdvisoryLock, LeaseLock
from app.jobs.registry import JobSpec
from app.jobs.scheduler import JOBS_TABLE, SchedulerProcess
from app.models import JobRun, SchedulerLease

pytestmark = pytest.mark.no_db


class Clock:
    def __init__(self):
        self.now = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def engine(app):
    with app.app_context():
        yield db.engine


@pytest.fixture
def lease_name(engine):
    name = f"test-{uuid.uuid4().hex[:8]}"
    yield name
    with engine.begin() as conn:
        conn.execute(delete(SchedulerLease.__table__).where(SchedulerLease.__table__.c.name == name))


def test_the_lease_makes_one_leader_and_passes_on_when_it_expires(engine, lease_name):
    clock = Clock()
    a = LeaseLock(engine, lease_name, "a", timedelta(seconds=60), clock)
    b = LeaseLock(engine, lease_name, "b", timedelta(seconds=60), clock)
    assert a.acquire() and not b.acquire()
    assert a.acquire(), "the holder may acquire again"
    clock.advance(30)
    assert a.renew()  # now valid until +90 s
    clock.advance(55)
    assert not b.acquire(), "a renewed lease is still held"
    clock.advance(10)  # a stopped renewing: expired at +90 s
    assert b.acquire()
    assert not a.renew(), "a lease taken over cannot be renewed by its old holder"
    a.release()
    assert not a.acquire(), "releasing what one no longer holds changes nothing"
    b.release()
    assert a.acquire(), "a released lease is free at once"
    with engine.connect() as conn:
        holder = conn.execute(select(SchedulerLease.holder).where(SchedulerLease.name == lease_name)).scalar()
    assert holder == "a"


def test_racing_for_a_new_lease_makes_exactly_one_leader(engine, lease_name):
    barrier = threading.Barrier(6)
    results: list[bool] = []

    def contend(holder: str) -> None:
        lock = LeaseLock(engine, lease_name, holder, timedelta(seconds=60))
        barrier.wait()
        results.append(lock.acquire())

    threads = [threading.Thread(target=contend, args=(f"h{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False] * 5 + [True]




@pytest.fixture
def postgres(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("advisory locks need PostgreSQL (set LANTOA_TEST_DATABASE_URL)")
    return engine


def test_the_advisory_lock_is_held_by_one_connection(postgres):
    name = f"test-{uuid.uuid4().hex[:8]}"
    a, b = AdvisoryLock(postgres, name, "a"), AdvisoryLock(postgres, name, "b")
    try:
        assert a.acquire() and not b.acquire()
        assert a.renew() and not b.renew()
        a.release()
        assert b.acquire()
    finally:
        a.release()
        b.release()


def _tick(ctx) -> str:
    time.sleep(0.05)
    return "tích tắc"


TICK = JobSpec("test_tick", "Nhịp thử", "", "Mỗi giây", lambda tz: IntervalTrigger(seconds=1, timezone=tz), _tick)


def _runs(engine) -> list[tuple[str, datetime]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(JobRun.runner, JobRun.started_at)
                                                .where(JobRun.job_id == TICK.id).order_by(JobRun.started_at))]


def test_two_schedulers_on_postgresql_only_one_runs_the_jobs(app, postgres):
    name = f"test-scheduler-{uuid.uuid4().hex[:8]}"
    first = SchedulerProcess(app, jobs=[TICK], lease_seconds=6, poll_seconds=0.3, lock_name=name,
                             holder="first", echo=lambda _: None)
    second = SchedulerProcess(app, jobs=[TICK], lease_seconds=6, poll_seconds=0.3, lock_name=name,
                              holder="second", echo=lambda _: None)
    threads = [threading.Thread(target=p.run, daemon=True) for p in (first, second)]
    try:
        threads[0].start()
        time.sleep(0.5)
        threads[1].start()
        time.sleep(3.5)
        runs = _runs(postgres)
        assert len(runs) >= 2 and {r for r, _ in runs} == {"scheduler first"}, runs
        assert first.is_leader and not second.is_leader
        first.stop()  # the leader goes away: the other takes over and runs the same job store
        threads[0].join(timeout=10)
        time.sleep(3.5)
        runs = _runs(postgres)
        runners = [r for r, _ in runs]
        assert "scheduler second" in runners and second.is_leader
        handover = runners.index("scheduler second")
        assert set(runners[:handover]) == {"scheduler first"} and set(runners[handover:]) == {"scheduler second"}
        assert len({at for _, at in runs}) == len(runs), "no run twice at the same time"
    finally:
        for process in (first, second):
            process.stop()
        for thread in threads:
            thread.join(timeout=10)
        with postgres.begin() as conn:
            conn.execute(delete(JobRun.__table__).where(JobRun.__table__.c.job_id == TICK.id))
            conn.execute(text(f"DELETE FROM {JOBS_TABLE} WHERE id = :id"), {"id": TICK.id})
