"""The one registry of periodic jobs: what runs, when, and the thin function that does it.

Rules:
- a job is a thin function of a `JobContext` that calls operations and returns a Vietnamese summary line;
  it is idempotent: running it twice leaves the same state as running it once (dedup keys, reconcile,
  claims);
- a job that has nothing to do for a reason worth knowing raises `JobSkipped` (recorded as 'skipped');
- triggers are built for the configured timezone (`LANTOA_TIMEZONE`); the scheduler (app/jobs/scheduler.py)
  and the jobs page read this registry, and nothing else lists jobs;
- jobs import the feature they call inside the job function (the scheduler starts without loading every
  feature): `app.network.operations.recompute_all()` (its summary dict is written out as
  `lantoa network recompute` prints it) and `app.reports.operations.generate_quarterly(year, quarter)`
  (an optional summary string); `app.assignments.suggestions.refresh(today)` (the stored suggestions).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

__all__ = ["JobContext", "JobSkipped", "JobSpec", "JOBS", "get_job", "next_run"]


class JobSkipped(Exception):
    """The job had nothing to do; the message says why."""


@dataclass(frozen=True)
class JobContext:
    today: dt.date
    now: dt.datetime
    config: Mapping[str, Any]
    runner: str


@dataclass(frozen=True)
class JobSpec:
    id: str
    label: str
    description: str
    schedule: str
    trigger: Callable[[ZoneInfo], BaseTrigger]
    run: Callable[[JobContext], str | None]


def gap_scan(ctx: JobContext) -> str:
    from app.gaps.scan import scan
    from app.summaries.catalogue import warm
    from app.summaries.registry import refresh_due

    summary = scan(ctx.today)
    refresh_due(ctx.today)  # the day's dashboards ready when the scan ends (in its transaction)
    warm(ctx.today)
    return summary


def daily_digest(ctx: JobContext) -> str:
    from app.notifications.digest import queue_digests

    return f"Đã đưa {queue_digests(ctx.today)} bản tin vào hộp thư đi."


def activity_reminders(ctx: JobContext) -> str:
    from app.notifications.reminders import queue_reminders

    days = int(ctx.config.get("LANTOA_REMINDER_DAYS", 7))
    return f"Đã đưa {queue_reminders(ctx.today, days)} thư nhắc việc ({days} ngày trước hạn) vào hộp thư đi."


def send_mail(ctx: JobContext) -> str:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import OutboxMessage
    from app.notifications.sender import deliver

    url = ctx.config.get("LANTOA_SMTP_URL")
    if not url:
        waiting = db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.state == "pending"))
        raise JobSkipped(f"Chưa đặt LANTOA_SMTP_URL: {waiting} thư chờ trong hộp thư đi.")
    counts = deliver(url, ctx.config.get("LANTOA_MAIL_FROM") or "lantoa@localhost", ctx.runner)
    return (f"Đã gửi {counts['sent']} thư; {counts['retry']} thư gửi lại sau; {counts['failed']} thư không gửi "
            f"được; {counts['stale']} thư bị treo đã đánh dấu lỗi.")


def network_recompute(ctx: JobContext) -> str:
    from app.network.operations import recompute_all

    summary = recompute_all()
    if isinstance(summary, dict):  # the network module's summary: written out the way its command prints it
        from app.network.cli import echo_summary

        lines: list[str] = []
        echo_summary(summary, lines.append)
        return " ".join(line.strip() for line in lines)
    return summary or "Đã tính lại mạng lưới và lưu ảnh chụp."


def assignment_suggestions(ctx: JobContext) -> str:
    from app.assignments.suggestions import refresh

    computed, scopes = refresh(ctx.today)
    return f"Đã tính gợi ý phân công cho {computed}/{scopes} phạm vi (các phạm vi còn lại đã có gợi ý mới trong ngày)."


def quarterly_report(ctx: JobContext) -> str:
    from app.reports.operations import generate_quarterly

    quarter = (ctx.today.month - 1) // 3 + 1
    return generate_quarterly(ctx.today.year, quarter) or f"Đã lập báo cáo quý {quarter}/{ctx.today.year}."


def exports(ctx: JobContext) -> str:
    from app.exports.files import run_queued

    finished = run_queued()
    if not finished:
        raise JobSkipped("Không có tệp xuất nào đang chờ.")
    done = [export for export in finished if export.state == "done"]
    rows = sum(export.rows_done for export in done)
    return f"Đã xuất {len(done)}/{len(finished)} tệp ({rows:,} dòng).".replace(",", ".")


def online_effects(ctx: JobContext) -> str:
    from app.api.effects import apply_pending

    records, applied = apply_pending(limit=200_000)
    if not records:
        raise JobSkipped("Không có kết quả học trực tuyến mới.")
    return (f"Đã xử lý {records:,} kết quả học trực tuyến: {applied.enrolled:,} ghi danh, {applied.completed:,} "
            f"hoàn thành, {applied.points:,} mục điểm.").replace(",", ".")


def summaries_refresh(ctx: JobContext) -> str:
    from app.summaries.catalogue import warm
    from app.summaries.registry import refresh_due

    done = refresh_due(ctx.today, steps=True)
    warmed = warm(ctx.today, steps=True)
    return (f"Đã tính lại {done['refreshed']} bảng số liệu tổng hợp, tính trước {done['carried'] + warmed} bảng cho "
            f"hôm nay, xóa {done['dropped']} bảng cũ.")


def export_cleanup(ctx: JobContext) -> str:
    from app.exports.files import clean_old

    days = int(ctx.config.get("LANTOA_EXPORT_KEEP_DAYS", 7))
    deleted, stale = clean_old(days, ctx.now)
    return f"Đã xóa {deleted} tệp xuất cũ hơn {days} ngày; {stale} tệp bị gián đoạn được đánh dấu lỗi."


JOBS: tuple[JobSpec, ...] = (
    JobSpec("gap_scan", "Rà soát cảnh báo", "Chạy mọi quy tắc cảnh báo (mạng lưới, lớp học, đơn vị, "
            "kế hoạch, dữ liệu); mở, cập nhật hoặc tự đóng cảnh báo; lưu số liệu chỉ tiêu trong ngày.", "Hằng ngày lúc 06:00",
            lambda tz: CronTrigger(hour=6, minute=0, timezone=tz), gap_scan),
    JobSpec("daily_digest", "Bản tin hằng ngày", "Gửi mỗi điều phối viên các cảnh báo mới và hoạt động quá hạn "
            "trong phạm vi của họ.", "Hằng ngày lúc 07:00",
            lambda tz: CronTrigger(hour=7, minute=0, timezone=tz), daily_digest),
    JobSpec("activity_reminders", "Nhắc việc", "Nhắc đơn vị chủ trì các hoạt động sắp bắt đầu hoặc sắp đến hạn.",
            "Hằng ngày lúc 07:10", lambda tz: CronTrigger(hour=7, minute=10, timezone=tz), activity_reminders),
    JobSpec("send_mail", "Gửi thư", "Gửi thư trong hộp thư đi qua SMTP (LANTOA_SMTP_URL), thử lại khi lỗi.",
            "Mỗi 5 phút", lambda tz: IntervalTrigger(minutes=5, timezone=tz), send_mail),
    JobSpec("network_recompute", "Tính lại mạng lưới", "Tính lại thế hệ, nhánh, độ phủ của mạng lưới giảng viên "
            "và lưu ảnh chụp.", "Chủ nhật hằng tuần lúc 02:00",
            lambda tz: CronTrigger(day_of_week="sun", hour=2, minute=0, timezone=tz), network_recompute),
    JobSpec("assignment_suggestions", "Gợi ý phân công", "Tính gợi ý phân công giảng viên cho từng phạm vi có "
            "người xem (mỗi ngày mới, và phạm vi nào có phân công mới, kết thúc hoặc hủy); trang Phân công đọc "
            "gợi ý đã lưu.", "Mỗi 30 phút",
            lambda tz: IntervalTrigger(minutes=30, timezone=tz), assignment_suggestions),
    JobSpec("quarterly_report", "Báo cáo quý", "Lập báo cáo quý gửi Ban Chỉ đạo.",
            "Ngày cuối quý lúc 18:00",
            lambda tz: CronTrigger(month="3,6,9,12", day="last", hour=18, minute=0, timezone=tz), quarterly_report),
    JobSpec("exports", "Tệp xuất", "Xuất các danh sách lớn mà người dùng đã yêu cầu (trang Tệp xuất), theo từng "
            "đợt, trong phạm vi của người yêu cầu.", "Mỗi phút",
            lambda tz: IntervalTrigger(minutes=1, timezone=tz), exports),
    JobSpec("online_effects", "Học trực tuyến", "Ghi danh, công nhận hoàn thành và cộng điểm từ các kết quả học "
            "trực tuyến đã khớp (gửi qua API), mỗi kết quả một lần.", "Mỗi phút",
            lambda tz: IntervalTrigger(minutes=1, timezone=tz), online_effects),
    JobSpec("summaries_refresh", "Số liệu tổng hợp", "Tính lại số liệu tổng hợp của các trang tổng quan (trang "
            "chủ, địa bàn, chỉ tiêu, dự báo) đã cũ vì dữ liệu thay đổi, và tính trước số liệu của ngày mới.",
            "Mỗi 2 phút", lambda tz: IntervalTrigger(minutes=2, timezone=tz), summaries_refresh),
    JobSpec("export_cleanup", "Dọn tệp xuất", "Xóa các tệp xuất cũ hơn LANTOA_EXPORT_KEEP_DAYS ngày.",
            "Hằng ngày lúc 03:00", lambda tz: CronTrigger(hour=3, minute=0, timezone=tz), export_cleanup),
)


def get_job(job_id: str) -> JobSpec:
    """The job with this id; KeyError when there is none."""
    for spec in JOBS:
        if spec.id == job_id:
            return spec
    raise KeyError(job_id)


def next_run(spec: JobSpec, timezone: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the job's trigger fires next after `now` (computed, whether or not a scheduler runs)."""
    tz = ZoneInfo(timezone)
    now = (now or dt.datetime.now(dt.UTC)).astimezone(tz)
    trigger = spec.trigger(tz)
    if isinstance(trigger, IntervalTrigger):  # an interval counts from when the scheduler starts: from now
        return now + trigger.interval
    return trigger.get_next_fire_time(None, now)
