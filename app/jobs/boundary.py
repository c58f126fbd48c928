"""The commit points of a job run (the scheduler's twin of `app/web/boundary.py` and `app/cli_boundary.py`).

Rules:
- a job and the operations it calls only flush; `app.jobs.runner.run_job` ends the job's work with
  :func:`end_job_work` — committed once when the job returned, rolled back when it was skipped or failed —
  and records the run in `job_runs` with :func:`commit_run_record`, a commit of its own, so a failed job is
  still recorded;
- a job runs inside whatever called it (the scheduler, `lantoa jobs run`, the admin page's "run now"): its
  commits are its own, made here, before the caller's boundary (which then has nothing left to commit);
- :func:`commit_step` is the one exception inside a job: a step that must be durable before something
  happens outside the database. The outbox sender (`app/notifications/sender.py`) commits each claim before
  the SMTP send (another sender's claim then fails, so a message is never sent twice) and each outcome right
  after it (a crash after the send leaves 'sending', which is never re-sent); the background export worker
  (`app/exports/files.py`) commits its claim of a queued export (two processes never take the same one) and
  its progress after each batch (the page a user watches reads `rows_done`). Nothing else may use it.
"""

from __future__ import annotations

from app.extensions import db
from app.models import JobRun

__all__ = ["end_job_work", "commit_run_record", "commit_step"]


def end_job_work(succeeded: bool) -> None:
    """Commit the job's work when it `succeeded`, else roll it back."""
    if succeeded:
        db.session.commit()
    else:
        db.session.rollback()


def commit_run_record(run: JobRun) -> None:
    """Store the run's record in its own transaction (after the job's work was committed or rolled back)."""
    db.session.add(run)
    db.session.commit()


def commit_step() -> None:
    """Make what the job has done so far durable now (the outbox's claim / outcome; see the module rules)."""
    db.session.commit()
