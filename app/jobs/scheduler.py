"""`lantoa scheduler`: APScheduler 3 in its own process, leader-locked, with its jobs in the app's database.

Rules:
- never started by `create_app` or a web worker: only this command runs it;
- a BlockingScheduler with an SQLAlchemy job store on the app's database (its own engine), timezone `LANTOA_TIMEZONE`, and job
  defaults coalesce=True, max_instances=1 (a job never overlaps itself; runs missed while down collapse into
  one if they are less than `MISFIRE_GRACE` late);
- it runs jobs only while it holds the leader lock (app/jobs/leader.py); until then it waits and retries; if it
  loses the lock (connection dropped, lease taken), it stops its scheduler and waits again;
- the jobs are (re)registered from the registry at each start, keeping the next run time the job store
  already had, and jobs no longer in the registry are removed from the store;
- the stored job calls `scheduled_run(holder, job_id)`: the process with that holder name runs the job in an
  app context through `app.jobs.runner.run_job`, which records the run.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import Engine, create_engine, inspect, text

from app.extensions import db
from app.jobs.leader import leader_lock
from app.jobs.registry import JOBS, JobSpec
from app.jobs.runner import run_job

__all__ = ["SchedulerProcess", "scheduled_run", "JOBS_TABLE", "LOCK_NAME"]

JOBS_TABLE = "apscheduler_jobs"
LOCK_NAME = "lantoa-scheduler"
MISFIRE_GRACE = 12 * 3600
_RUNNING: dict[str, SchedulerProcess] = {}


def scheduled_run(holder: str, job_id: str) -> None:
    """Entry point stored in the job store: run `job_id` in the process named `holder`."""
    process = _RUNNING.get(holder)
    if process is None:  # a job stored by a process that is gone; the next leader re-registers its jobs
        return
    process.run_job(job_id)


class _JobStore(SQLAlchemyJobStore):
    """APScheduler's SQLAlchemy job store, leaving its engine to its owner (see `_schedule`)."""

    def shutdown(self) -> None:
        pass


def _stored_next_runs(engine: Engine) -> dict[str, dt.datetime]:
    if not inspect(engine).has_table(JOBS_TABLE):
        return {}
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT id, next_run_time FROM {JOBS_TABLE}")).all()
    return {job_id: dt.datetime.fromtimestamp(ts, dt.UTC) for job_id, ts in rows if ts is not None}


class SchedulerProcess:
    def __init__(self, app: Flask, *, jobs: Iterable[JobSpec] = JOBS, lease_seconds: int = 60,
                 poll_seconds: float | None = None, lock_name: str = LOCK_NAME, holder: str | None = None,
                 echo: Callable[[str], None] = print):
        self.app, self.jobs = app, {spec.id: spec for spec in jobs}
        self.lease = dt.timedelta(seconds=lease_seconds)
        self.poll = poll_seconds if poll_seconds is not None else max(lease_seconds / 2, 1)
        self.lock_name, self.echo = lock_name, echo
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.timezone = ZoneInfo(app.config.get("LANTOA_TIMEZONE") or "Asia/Ho_Chi_Minh")
        self.stopping = threading.Event()
        self.scheduler: BlockingScheduler | None = None
        self.is_leader = False

    def run_job(self, job_id: str) -> None:
        with self.app.app_context():
            run_job(self.jobs[job_id], runner=f"scheduler {self.holder}")

    def stop(self) -> None:
        """Stop waiting or running (from a signal handler or another thread)."""
        self.stopping.set()
        scheduler = self.scheduler
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)

    def run(self) -> None:
        """Wait for the leader lock, schedule the jobs, block until stopped; wait again if leadership is lost."""
        with self.app.app_context():
            engine = db.engine
        lock = leader_lock(engine, self.lock_name, self.holder, self.lease)
        _RUNNING[self.holder] = self
        try:
            while not self.stopping.is_set():
                if not lock.acquire():
                    self.echo(f"Đang chờ: một tiến trình lập lịch khác đang chạy (thử lại sau {self.poll:g} giây).")
                    self.stopping.wait(self.poll)
                    continue
                self.is_leader = True
                self.echo(f"Tiến trình {self.holder} là tiến trình lập lịch chính; {len(self.jobs)} tác vụ.")
                try:
                    self._schedule(engine, lock)
                finally:
                    self.is_leader = False
                    self.scheduler = None
                    lock.release()
        finally:
            _RUNNING.pop(self.holder, None)

    def _schedule(self, engine: Engine, lock) -> None:
        # The job store gets its own engine on the app's database, disposed of here once the scheduler's loop
        # has ended (APScheduler's own store disposes of it on shutdown, possibly from another thread while
        # the loop still uses a connection, and would pull the app's pool from under running jobs).
        store_engine = create_engine(engine.url, pool_pre_ping=True)
        scheduler = BlockingScheduler(
            timezone=self.timezone,
            jobstores={"default": _JobStore(engine=store_engine, tablename=JOBS_TABLE),
                       "local": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(4)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE},
        )
        stored = _stored_next_runs(engine)
        if stored:
            gone = [job_id for job_id in stored if job_id not in self.jobs]
            if gone:
                with engine.begin() as conn:
                    for job_id in gone:
                        conn.execute(text(f"DELETE FROM {JOBS_TABLE} WHERE id = :id"), {"id": job_id})
        for spec in self.jobs.values():
            options = {"next_run_time": stored[spec.id]} if spec.id in stored else {}
            scheduler.add_job(scheduled_run, spec.trigger(self.timezone), args=[self.holder, spec.id], id=spec.id,
                              name=spec.label, replace_existing=True, **options)

        def renew() -> None:
            if not lock.renew():
                self.echo("Mất quyền tiến trình chính: dừng lập lịch và chờ.")
                scheduler.shutdown(wait=False)

        def watch() -> None:
            if self.stopping.is_set():
                scheduler.shutdown(wait=False)

        scheduler.add_job(renew, "interval", seconds=max(self.lease.total_seconds() / 3, 1), id="lease",
                          jobstore="local")
        scheduler.add_job(watch, "interval", seconds=1, id="stop-watch", jobstore="local")
        self.scheduler = scheduler
        try:
            if not self.stopping.is_set():
                scheduler.start()
        finally:
            store_engine.dispose()
