"""The jobs page (admin): each job with its schedule, next run and last runs; run one now; the outbox."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.jobs.registry import JOBS, get_job, next_run
from app.jobs.runner import run_job
from app.models import JobRun, OutboxMessage, SchedulerLease
from app.permissions import permission_required
from app.timeutil import as_utc, clock

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")
RECENT = 5


def _recent_runs() -> dict[str, list[JobRun]]:
    ranked = select(JobRun, func.row_number().over(partition_by=JobRun.job_id,
                                                   order_by=(JobRun.started_at.desc(), JobRun.id.desc()))
                    .label("n")).subquery()
    runs = aliased(JobRun, ranked)
    rows = db.session.scalars(select(runs).where(ranked.c.n <= RECENT).order_by(runs.job_id, runs.started_at.desc(),
                                                                                runs.id.desc()))
    recent: dict[str, list[JobRun]] = {}
    for run in rows:
        recent.setdefault(run.job_id, []).append(run)
    return recent


@bp.get("/")
@permission_required("see_jobs")
def index():
    tz = current_app.config["LANTOA_TIMEZONE"]
    now = clock()
    recent = _recent_runs()
    jobs = [(spec, next_run(spec, tz, now), recent.get(spec.id, [])) for spec in JOBS]
    outbox = dict(db.session.execute(select(OutboxMessage.state, func.count(OutboxMessage.id))
                                     .group_by(OutboxMessage.state)).all())
    messages = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(10)))
    lease = db.session.get(SchedulerLease, "lantoa-scheduler")
    lease_live = lease is not None and as_utc(lease.expires_at) > now
    return render_template("jobs/index.html", jobs=jobs, outbox=outbox, messages=messages, lease=lease,
                           lease_live=lease_live, smtp=bool(current_app.config.get("LANTOA_SMTP_URL")),
                           dialect=db.engine.dialect.name)


@bp.post("/<job_name>/run")
@permission_required("run_jobs")
def run_now(job_name: str):
    try:
        spec = get_job(job_name)
    except KeyError:
        abort(404)
    run = run_job(spec, runner=f"web: {current_user.username}")
    category = {"ok": "success", "skipped": "warning", "error": "danger"}[run.outcome]
    flash(f"{spec.label}: {run.outcome_label.lower()} sau {run.duration_ms} ms. {run.message}", category)
    return redirect(url_for("jobs.index", _anchor=f"job-{spec.id}"))
