"""Running one job and recording the run.

Rules:
- the job's own work is committed when it returns (the job is a boundary: `app/jobs/boundary.py`); when it is
  skipped or fails it is rolled back;
- every run, whatever its outcome (ok, skipped, error), is recorded in `job_runs` with its start, finish,
  duration, message and who ran it (the scheduler's holder name, or "web: <username>"), in its own commit;
- an error never escapes: it is logged with its traceback and recorded.
"""

from __future__ import annotations

import logging
import time

from flask import current_app

from app.jobs.boundary import commit_run_record, end_job_work
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
        end_job_work(succeeded=True)
        outcome = "ok"
    except JobSkipped as skipped:
        end_job_work(succeeded=False)
        outcome, message = "skipped", str(skipped)
    except Exception as error:  # a failed job is recorded, never propagated to the scheduler or the page
        end_job_work(succeeded=False)
        logger.exception("job %s failed", spec.id)
        outcome, message = "error", f"{type(error).__name__}: {error}"
    finished = max(utcnow(), started)
    run = JobRun(job_id=spec.id, started_at=started, finished_at=finished, outcome=outcome, message=message[:4000],
                 duration_ms=max(int((time.perf_counter() - clock) * 1000), 0), runner=runner[:160])
    commit_run_record(run)
    logger.info("%s: %s in %d ms by %s. %s", spec.id, outcome, run.duration_ms, runner, message)
    return run
