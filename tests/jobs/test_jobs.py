"""The job registry, the runner's log, idempotence of every job, and the admin jobs page."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, inspect, select

from app.extensions import db
from app.jobs.registry import JOBS, JobSkipped, JobSpec, get_job, next_run
from app.jobs.runner import run_job
from app.models import JobRun, User
from tests.conftest import post_form

TZ = "Asia/Ho_Chi_Minh"


def test_job_ids_are_unique_and_every_trigger_is_in_the_programme_timezone():
    assert len({spec.id for spec in JOBS}) == len(JOBS) == 11
    for spec in JOBS:
        assert str(spec.trigger(ZoneInfo(TZ)).timezone) == TZ


@pytest.mark.parametrize(("job_id", "expected"), [
    ("gap_scan", datetime(2025, 2, 11, 6, 0)),  # 10/02 09:00 local: today's 06:00 has passed
    ("daily_digest", datetime(2025, 2, 11, 7, 0)),
    ("network_recompute", datetime(2025, 2, 16, 2, 0)),  # the next Sunday
    ("quarterly_report", datetime(2025, 3, 31, 18, 0)),  # the last day of the quarter
    ("send_mail", datetime(2025, 2, 10, 9, 5)),
    ("summaries_refresh", datetime(2025, 2, 10, 9, 2)),
])
def test_next_run_is_computed_from_the_trigger(job_id, expected):
    now = datetime(2025, 2, 10, 2, 0, tzinfo=UTC)  # 09:00 in Hà Nội
    assert next_run(get_job(job_id), TZ, now).replace(tzinfo=None) == expected


def _fails(ctx):
    from app.models import OutboxMessage

    db.session.add(OutboxMessage(dedup_key="x", kind="digest", to_address="a@b", subject="s", body="b"))
    db.session.flush()
    raise RuntimeError("hỏng")


def test_a_failing_job_is_rolled_back_and_recorded(app):
    from app.models import OutboxMessage

    run = run_job(JobSpec("broken", "Hỏng", "", "", lambda tz: None, _fails), runner="test")
    assert run.outcome == "error" and run.message == "RuntimeError: hỏng" and run.duration_ms >= 0
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.dedup_key == "x")) == 0
    assert db.session.get(JobRun, run.id).finished_at >= db.session.get(JobRun, run.id).started_at


def test_the_quarterly_job_builds_and_archives_the_province_report():
    from app.models import Report

    run = run_job("quarterly_report", runner="test")
    assert run.outcome == "ok" and run.message.startswith("Đã lập báo cáo Quý "), run.message
    report = db.session.scalar(select(Report).where(Report.origin == "job"))
    assert report is not None and report.generated_by_id is None
    again = run_job("quarterly_report", runner="test")  # idempotent: one job report per quarter and area
    assert again.outcome == "ok" and again.message.endswith("không lập lại.")
    assert db.session.scalar(select(func.count(Report.id)).where(Report.origin == "job")) == 1


def _nothing_to_do(ctx):
    raise JobSkipped("Bỏ qua: không có việc.")


def test_a_job_with_nothing_to_do_is_recorded_as_skipped():
    idle = JobSpec("x", "X", "", "", lambda tz: None, _nothing_to_do)
    run = run_job(idle, runner="test")
    assert run.outcome == "skipped" and run.message == "Bỏ qua: không có việc."


def test_the_weekly_network_job_calls_the_network_module():
    run = run_job("network_recompute", runner="test")
    assert run.outcome == "ok" and run.message.startswith("Đã tính lại mạng lưới ngày")


def test_sending_without_an_smtp_url_is_skipped(app, monkeypatch):
    monkeypatch.setitem(app.config, "LANTOA_SMTP_URL", "")
    run = run_job("send_mail", runner="test")
    assert run.outcome == "skipped" and "LANTOA_SMTP_URL" in run.message


# When a result was computed is not what was computed (the network's roll-ups and snapshot stamp it), and the
# network's roll-ups are replaced wholesale, under new surrogate ids on PostgreSQL: rows are compared by content.
STAMPS = {"computed_at"}


def _state() -> dict[str, list]:
    """The content of every table but the run log and the audit trail: its rows, without surrogate ids and
    computation time stamps, sorted."""
    tables = [t for t in db.metadata.sorted_tables if t.name not in ("job_runs", "audit_events")]
    state = {}
    for table in tables:
        surrogate = [c.name for c in table.primary_key.columns] == ["id"]
        columns = [c for c in table.columns if c.name not in STAMPS and not (surrogate and c.name == "id")]
        rows = db.session.execute(select(*columns)).all()
        state[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return state


def test_every_job_run_twice_leaves_the_same_state_as_run_once(app, kh137, activities, pinned_today, smtp_server,
                                                               monkeypatch):
    """The whole registry, in order, on a day with gaps, digests, reminders and mail to send."""
    pinned_today(date(2025, 1, 27))
    monkeypatch.setitem(app.config, "LANTOA_SMTP_URL", smtp_server.url)
    for user in db.session.scalars(select(User).where(User.role.in_(("coordinator", "steering")))):
        user.email = f"{user.username}@example.org"
    db.session.flush()
    for spec in JOBS:
        first = run_job(spec, runner="test")
        assert first.outcome in ("ok", "skipped"), (spec.id, first.message)
        once = _state()
        second = run_job(spec, runner="test")
        assert second.outcome == first.outcome
        assert _state() == once, f"{spec.id} changed the state when run again"
    assert smtp_server.messages, "the day had mail to send"
    assert len(smtp_server.messages) == len({m["Message-ID"] for m in smtp_server.messages})


def test_create_app_leaves_the_scheduler_alone(app):
    assert "apscheduler_jobs" not in inspect(db.session.connection()).get_table_names()


def test_the_jobs_page_lists_jobs_with_next_runs_and_runs_one_now(client, login_as):
    login_as("admin")
    page = client.get("/admin/jobs/").get_data(as_text=True)
    for spec in JOBS:
        assert spec.label in page and f'action="/admin/jobs/{spec.id}/run"' in page
    assert page.count('class="next-run"') == len(JOBS)
    response = post_form(client, "/admin/jobs/quarterly_report/run", {}, token_page="/admin/jobs/")
    assert response.status_code == 302
    run = db.session.scalar(select(JobRun).where(JobRun.job_id == "quarterly_report"))
    assert run.outcome == "ok" and run.runner == "web: admin"
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert "Báo cáo quý: thành công" in page and "Đã lập báo cáo Quý" in page
    assert client.post("/admin/jobs/gap_scan/run").status_code == 400  # no CSRF token
    assert client.get("/admin/jobs/gap_scan/run").status_code == 405
    assert post_form(client, "/admin/jobs/nope/run", {}, token_page="/admin/jobs/").status_code == 404


def test_only_admins_see_the_jobs_page(client, login_as):
    login_as("steering")
    assert client.get("/admin/jobs/").status_code == 404


def test_the_cli_lists_and_runs_jobs(app):
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["jobs", "list"])
    assert listed.exit_code == 0 and all(spec.id in listed.output for spec in JOBS)
    ran = runner.invoke(args=["jobs", "run", "quarterly_report"])
    assert ran.exit_code == 0 and "Báo cáo quý: Thành công" in ran.output
    assert runner.invoke(args=["jobs", "run", "nope"]).exit_code != 0
    assert "--lease-seconds" in runner.invoke(args=["scheduler", "--help"]).output
