"""Running one job and recording the run.

Rules:
- the job's own work is committed when it returns (the job is a boundary); on an error it is rolled back;
- every run, whatever its outcome (ok, skipped, error), is recorded in `job_runs` with its start, finish,
  duration, message and who ran it (the scheduler's holder name, or "web: <username>"), in its own commit;
- an error never escapes: it is logged with its traceback and recorded.
"""

from __future__ import annotations

import logging
import time

from flask import current_app

from app.extensions import db
from app.jobs.registry import JobContext, JobSkipped, JobSpec, get_job
from app.models import JobRun
from app.timeutil import local_today, utcnow

logger = logging.getLogger("lantoa.jobs")


def run_job(job: JobSpec | str, runner: str) -> JobRun:
    """Run the job now, synchronously, and return its recorded run."""
    spec = get_job(job) if isinstance(job, str) else job
    started = utcnow()
    clock = time.perf_counter()
    context = JobContext(today=local_today(), now=started, config=current_app.config, runner=runner)
    try:
        message = spec.run(context) or ""
        db.session.commit()
        outcome = "ok"
    except JobSkipped as skipped:
        db.session.rollback()
        outcome, message = "skipped", str(skipped)
    except Exception as error:  # a failed job is recorded, never propagated to the scheduler or the page
        db.session.rollback()
        logger.exception("job %s failed", spec.id)
        outcome, message = "error", f"{type(error).__name__}: {error}"
    finished = max(utcnow(), started)
    run = JobRun(job_id=spec.id, started_at=started, finished_at=finished, outcome=outcome, message=message[:4000],
                 duration_ms=max(int((time.perf_counter() - clock) * 1000), 0), runner=runner[:160])
    db.session.add(run)
    db.session.commit()
    logger.info("%s: %s in %d ms by %s. %s", spec.id, outcome, run.duration_ms, runner, message)
    return run
