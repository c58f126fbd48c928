"""Killing a job's process with SIGKILL mid-way: no message is sent twice, no scan is half-written.

- The mail: a real `lantoa scheduler` process sends the outbox to an SMTP server that holds the third message
  (the server has it, the sender waits for its answer); the process is killed there, with that message's claim
  committed ('sending'). A new scheduler takes over once the dead one's lease has expired (SQLite) or at once
  (PostgreSQL: the advisory lock died with its connection) and sends the rest. As the sender documents, the
  message claimed by the dead process is not sent again; once its claim is older than `STALE_AFTER` it is
  marked 'failed' for an administrator, still not re-sent. The server receives every message exactly once.
- The gap scan: a process is killed after the scan has written its gaps, events and snapshots but before the
  job commits. The database then holds the previous scan's result exactly; the next scan writes the new result
  exactly as a scan that was never interrupted does.

The processes run on a database of their own (tests/own_database.py: an SQLite file, or a fresh PostgreSQL
schema when LANTOA_TEST_DATABASE_URL is set), never the suite's. Each test takes 10–15 s on an idle 2-core machine (mostly
starting processes); every wait has a deadline (40 s), so a hung process fails the test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.jobs.scheduler import JOBS_TABLE
from app.models import Area, Gap, GapEvent, IndicatorSnapshot, JobRun, OutboxMessage
from app.notifications.outbox import queue
from app.notifications.sender import STALE_AFTER, deliver
from app.timeutil import clock
from tests.smtp import Inbox, free_port

pytestmark = pytest.mark.no_db
ROOT = Path(__file__).resolve().parents[2]
LANTOA = str(Path(sys.executable).with_name("lantoa"))
RECIPIENTS = [f"nguoi{n}@example.org" for n in range(1, 6)]
HELD = RECIPIENTS[2]


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _env(url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "LANTOA_ENV": "test", "LANTOA_DATABASE_URL": url, "PYTHONPATH": str(ROOT),
            "LANTOA_INSTANCE_PATH": str(tmp_path / "instance"), **extra}


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(10)


@dataclass
class HoldingInbox(Inbox):
    """Holds the DATA of `hold`'s message for a while before answering: a slow server."""

    hold: str = ""
    held: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)  # counted as delivered: the server has it, whatever the sender hears
        if message["To"] == self.hold and not self.held.is_set():
            self.held.set()
            await asyncio.sleep(60)
        return "250 OK"


@pytest.fixture
def holding_server():
    from aiosmtpd.controller import Controller

    inbox = HoldingInbox(hold=HELD)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", inbox
    finally:
        controller.stop()


def _due_now(engine) -> None:
    """Make `send_mail` due in the scheduler's job store (as if its 5 minutes had passed)."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    table = SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE).jobs_t
    table.create(engine, checkfirst=True)
    with engine.begin() as conn:
        if conn.execute(update(table).where(table.c.id == "send_mail").values(next_run_time=time.time())).rowcount:
            return
        conn.execute(table.insert().values(id="send_mail", next_run_time=time.time(), job_state=b""))


def _scheduler(url: str, smtp_url: str, tmp_path: Path, name: str) -> subprocess.Popen:
    with open(tmp_path / f"{name}.log", "w") as log:
        return subprocess.Popen([LANTOA, "scheduler", "--lease-seconds", "5"], cwd=tmp_path, stdout=log,
                                stderr=subprocess.STDOUT, env=_env(url, tmp_path, LANTOA_SMTP_URL=smtp_url))


def _read(engine, stmt):
    """Rows read on a connection given back at once: a read transaction left open on SQLite would hold a
    shared lock and stall the process under test."""
    with engine.connect() as conn:
        return conn.execute(stmt).all()


def test_killing_the_scheduler_mid_send_sends_nothing_twice(own_database, holding_server, tmp_path):
    own, url = own_database
    smtp_url, inbox = holding_server
    with own.app_context():
        for n, address in enumerate(RECIPIENTS, start=1):
            queue(f"kill:{n}", "digest", address, f"Thư {n}", f"Nội dung {n}")
        db.session.commit()
        engine = db.engine
        _due_now(engine)

        db.session.remove()

        def states() -> dict[str, str]:
            return dict(_read(engine, select(OutboxMessage.to_address, OutboxMessage.state)))

        first = _scheduler(url, smtp_url, tmp_path, "first")
        try:
            assert inbox.held.wait(40), (tmp_path / "first.log").read_text()
            _wait(lambda: states()[HELD] == "sending", 5, "the held message's claim")
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            _stop(first)
        assert states() == {RECIPIENTS[0]: "sent", RECIPIENTS[1]: "sent", HELD: "sending",
                            RECIPIENTS[3]: "pending", RECIPIENTS[4]: "pending"}
        assert not _read(engine, select(JobRun.id))  # the killed run never finished

        _due_now(engine)
        second = _scheduler(url, smtp_url, tmp_path, "second")
        try:
            _wait(lambda: _read(engine, select(JobRun.id)), 40, "the new scheduler's run")
            second.send_signal(signal.SIGTERM)
            second.wait(10)
        finally:
            _stop(second)
        run = db.session.scalar(select(JobRun))
        assert run.outcome == "ok" and run.message.startswith("Đã gửi 2 thư"), run.message
        held = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == HELD))
        assert held.state == "sending" and held.claimed_by != run.runner.removeprefix("scheduler ")

        # the documented rule for a claim that outlived its sender: failed for an administrator, never re-sent
        counts = deliver(smtp_url, "lantoa@example.org", "test", now=clock() + STALE_AFTER + timedelta(minutes=1))
        assert counts["stale"] == 1 and counts["sent"] == 0
        db.session.refresh(held)
        assert held.state == "failed" and "không gửi lại" in held.last_error
        assert states() == {**{a: "sent" for a in RECIPIENTS}, HELD: "failed"}
        db.session.remove()
    assert Counter(m["To"] for m in inbox.messages) == dict.fromkeys(RECIPIENTS, 1)
    assert len({m["Message-ID"] for m in inbox.messages}) == len(RECIPIENTS)


SLOW_SCAN = """
import time
from app import create_app
from app.extensions import db
from app.gaps import scan as scan_module
from app.jobs.runner import run_job

original = scan_module.store_findings

def store_then_stall(*args, **kwargs):
    counts = original(*args, **kwargs)
    db.session.flush()
    print("written", sum(counts.values()), flush=True)
    time.sleep(120)
    return counts

scan_module.store_findings = store_then_stall
app = create_app()
with app.app_context():
    run_job("gap_scan", runner="kill-test")
"""


def _result(conn) -> dict[str, object]:
    """What a scan leaves: gaps, their events and the snapshots (ids and times left out)."""
    gaps = conn.execute(select(Gap.id, Gap.rule_code, Gap.subject_kind, Gap.subject_id, Gap.area_id, Gap.state,
                               Gap.params)).all()
    subjects = {row.id: (row.rule_code, row.subject_kind, row.subject_id) for row in gaps}
    return {
        "gaps": sorted((r.rule_code, r.subject_kind, r.subject_id, r.area_id, r.state, str(r.params)) for r in gaps),
        "events": sorted(Counter((subjects[g], a) for g, a in conn.execute(
            select(GapEvent.gap_id, GapEvent.action))).items()),
        "snapshots": sorted(tuple(row) for row in conn.execute(select(
            IndicatorSnapshot.day, IndicatorSnapshot.indicator_code, IndicatorSnapshot.area_id,
            IndicatorSnapshot.numerator, IndicatorSnapshot.denominator))),
    }


def _stored(engine) -> tuple[dict[str, object], list]:
    with engine.connect() as conn:
        return _result(conn), sorted(tuple(r) for r in conn.execute(select(JobRun.job_id, JobRun.outcome)))


def test_killing_the_gap_scan_before_its_commit_leaves_the_previous_result_whole(own_database, tmp_path):
    from app.areas.operations import load_map, map_period, read_map
    from app.gaps.scan import scan
    from app.jobs.runner import run_job
    from tests.factories import MAP_2024, make_trainer

    own, url = own_database
    with own.app_context():
        load_map(read_map(MAP_2024), *map_period(MAP_2024))  # every commune of the map lacks a trainer
        own.config["LANTOA_TODAY"] = "2025-01-27"
        assert run_job("gap_scan", runner="test").outcome == "ok"
        commune = db.session.scalar(select(Area).where(Area.level == "commune").order_by(Area.code).limit(1))
        make_trainer(commune, name="Giảng Viên Mới")  # the next scan resolves that commune's gap
        db.session.commit()
        engine = db.engine
        before, runs = _stored(engine)
        assert len(before["gaps"]) > 100 and before["snapshots"] and runs == [("gap_scan", "ok")]
        scan(date(2025, 6, 27))  # what an uninterrupted scan writes, seen in its transaction and rolled back
        expected = _result(db.session.connection())
        db.session.rollback()
        assert expected != before
        db.session.remove()

        log_path = tmp_path / "scan.log"
        with open(log_path, "w") as log:
            process = subprocess.Popen([sys.executable, "-c", SLOW_SCAN], cwd=tmp_path, stdout=log,
                                       stderr=subprocess.STDOUT, env=_env(url, tmp_path, LANTOA_TODAY="2025-06-27"))
        try:  # "written N" once the new result is flushed, not committed
            _wait(lambda: "written " in log_path.read_text() or process.poll() is not None, 40, "the scan's writes")
            written = log_path.read_text()
            assert written.startswith("written ") and int(written.split()[1]) > 0, written
            process.send_signal(signal.SIGKILL)
            process.wait(10)
        finally:
            _stop(process)
        assert _stored(engine) == (before, runs), "the killed scan left part of its result"

        own.config["LANTOA_TODAY"] = "2025-06-27"
        assert run_job("gap_scan", runner="test").outcome == "ok"
        after, runs = _stored(engine)
        assert after == expected and runs == [("gap_scan", "ok")] * 2
        db.session.remove()
