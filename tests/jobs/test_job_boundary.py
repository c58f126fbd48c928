"""The job boundary: a job's work is committed once when it returns, rolled back when it is skipped or fails;
the run's record is committed on its own either way."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.jobs.registry import JobSkipped, JobSpec
from app.jobs.runner import run_job
from app.models import JobRun, Setting


def _job(key: str, then: str) -> JobSpec:
    def run(ctx):
        db.session.add(Setting(key=key, value="1"))
        db.session.flush()
        if then == "skip":
            raise JobSkipped("chưa cấu hình")
        if then == "fail":
            raise RuntimeError("hỏng")
        return "xong"

    return JobSpec(f"probe_{then}", "Thử", "", "", lambda tz: None, run)


def _left(key: str) -> bool:
    return db.session.scalar(select(Setting).where(Setting.key == key)) is not None


def test_a_job_that_returns_is_committed_with_its_run(app):
    run = run_job(_job("job.ok", "return"), runner="test")
    db.session.rollback()  # nothing uncommitted survives this
    assert run.outcome == "ok" and _left("job.ok")
    assert db.session.get(JobRun, run.id) is not None


def test_a_skipped_or_failed_job_is_rolled_back_and_its_run_still_recorded(app):
    for then in ("skip", "fail"):
        run = run_job(_job(f"job.{then}", then), runner="test")
        assert not _left(f"job.{then}")
        db.session.rollback()
        assert db.session.get(JobRun, run.id).outcome == {"skip": "skipped", "fail": "error"}[then]
