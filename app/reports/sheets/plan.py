"""The rollout plan's activities ("Hoạt động": status, progress, what is overdue) and the open gaps
("Cảnh báo": by rule, then each gap).

Rules: activities the report's area sees (the plan's covering rule: the province plan and the area's own),
scheduled as on the plan pages (`app.plan.domain.plan_view` on the report's day: planned dates after
dependencies, critical path); an activity is overdue when it is not done and that day is past its planned finish
(the `activity_overdue` gap rule, no grace), late to start when it has not started and its planned start has
passed. The status is the one on that day, read from the actual start and finish dates (`status_on`); the
progress percentage is shown only when that status is still today's (no history of it is kept). Gaps: open or acknowledged gaps the area sees (`app.gaps.access`), counted by rule and severity and
then listed, the most severe first; their state is today's (gaps keep no history by quarter).
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from app.extensions import db
from app.gaps.queries import ACTIVE, gaps_stmt, message, rule_label
from app.models import Activity, Phase, Plan
from app.models.vocab import ACTIVITY_STATUSES, GAP_STATES, SEVERITIES
from app.plan.domain import load_rows, plan_view
from app.reports.printing import row_height
from app.reports.tables import Column, write_cell, write_header, write_table
from app.reports.workbook import ReportContext, sheet
from app.scope import visible

ACTIVITY_COLUMNS = [
    Column("Kế hoạch", width=13), Column("Số", "int", 5), Column("Hoạt động", width=48, wrap=True),
    Column("Giai đoạn", width=16, wrap=True), Column("Đơn vị chủ trì", width=24, wrap=True),
    Column("Từ ngày", "date", 12),
    Column("Đến ngày", "date", 12), Column("Trạng thái", width=15), Column("Tiến độ", "pct", 9),
    Column("Bắt đầu thực tế", "date", 13), Column("Hoàn thành thực tế", "date", 13),
    Column("Tình trạng", width=20), Column("Số ngày quá hạn", "int", 10), Column("Đường găng", width=10),
    Column("Ghi chú tiến độ", width=32, wrap=True),
]
MESSAGE_WIDTH = 100
RULE_COLUMNS = [Column("Quy tắc", width=42), *(Column(f"Mức {label.lower()}", "int", 11)
                                                for label in SEVERITIES.values()),
                Column("Đang mở", "int", 10), Column("Đã tiếp nhận", "int", 12), Column("Tổng", "int", 9)]


def status_on(activity: Activity, day) -> str:
    """The activity's status on `day` from its actual dates (the stored status is today's)."""
    if activity.finished_on is not None and activity.finished_on <= day:
        return "done"
    if activity.started_on is not None and activity.started_on <= day:
        return "in_progress"
    return "not_started"


def activity_rows(ctx: ReportContext) -> list[list]:
    """One row per activity of the plans the area sees, scheduled and judged on the report's day."""
    as_of, scope = ctx.where.as_of, ctx.where.scope
    seen = set(db.session.scalars(select(Activity.id).where(visible(Activity, scope))))
    phases = dict(db.session.execute(select(Phase.id, Phase.name)).all())
    rows = []
    for plan in db.session.scalars(select(Plan).where(visible(Plan, scope)).order_by(Plan.issued_on, Plan.id)):
        view = plan_view(load_rows(plan), as_of)
        for r in view.activities:
            a = r.activity
            if a.id not in seen:
                continue
            status = status_on(a, as_of)
            overdue = status != "done" and as_of > r.planned_finish
            late_start = status == "not_started" and as_of > r.planned_start
            state = "Quá hạn" if overdue else ("Chậm bắt đầu" if late_start else "")
            rows.append([plan.number, a.number, a.title, phases.get(a.phase_id, ""), "; ".join(a.lead_units or []),
                         r.planned_start, r.planned_finish, ACTIVITY_STATUSES[status],
                         a.progress / 100 if status == a.status else None,
                         a.started_on if status != "not_started" else None,
                         a.finished_on if status == "done" else None, state,
                         (as_of - r.planned_finish).days if overdue else None,
                         "Có" if r.on_critical_path else "", a.progress_note or ""])
    return rows


@sheet(90, "Hoạt động")
def activities(book, ctx: ReportContext) -> None:
    ws = book.add_worksheet("Hoạt động")
    rows = activity_rows(ctx)
    styles = {(i, 11): ctx.formats.status["red" if r[11] == "Quá hạn" else "amber"]
              for i, r in enumerate(rows) if r[11]}
    write_table(ws, ctx.formats, ACTIVITY_COLUMNS, rows, styles=styles)


def gap_rows(ctx: ReportContext):
    gaps = list(db.session.scalars(gaps_stmt(ctx.where.scope, ACTIVE)))
    by_rule: dict[str, Counter] = {}
    for gap in gaps:
        counts = by_rule.setdefault(gap.rule_code, Counter())
        counts[gap.severity] += 1
        counts[gap.state] += 1
    summary = [[rule_label(code), *(c[s] for s in SEVERITIES), c["open"], c["acknowledged"], c["open"] + c["acknowledged"]]
               for code, c in sorted(by_rule.items(), key=lambda item: rule_label(item[0]))]
    return gaps, summary


@sheet(100, "Cảnh báo")
def open_gaps(book, ctx: ReportContext) -> None:
    ws, f = book.add_worksheet("Cảnh báo"), ctx.formats
    gaps, summary = gap_rows(ctx)
    if summary:
        summary.append(["Tổng cộng", *(sum(r[i] for r in summary) for i in range(1, len(RULE_COLUMNS)))])
    count = write_table(ws, f, RULE_COLUMNS, summary, bold_rows={len(summary) - 1} if summary else None)
    row = count + 3
    ws.write_string(row, 0, "Các cảnh báo đang mở", f.label)
    row += 1
    write_header(ws, f, row, ("Quy tắc", "Mức độ", "Nội dung", "Địa bàn", "Mở từ", "Trạng thái"),
                 [c.width for c in RULE_COLUMNS[:2]] + [MESSAGE_WIDTH, 22, 11, 11])
    ws.repeat_rows(row)  # printed: the list's header on every page after the first
    for gap in gaps:
        row += 1
        text = message(gap)
        height = row_height([(text, MESSAGE_WIDTH)])
        if height:
            ws.set_row(row, height, f.top)
        ws.write_string(row, 0, rule_label(gap.rule_code))
        ws.write_string(row, 1, SEVERITIES[gap.severity], f.status[{"high": "red", "medium": "amber"}.get(
            gap.severity, "unknown")])
        ws.write_string(row, 2, text, f.wrap)
        ws.write_string(row, 3, gap.area.name if gap.area else "")
        write_cell(ws, row, 4, gap.opened_at, "date", f.cell["date"])
        ws.write_string(row, 5, GAP_STATES[gap.state])
    ws.set_column(2, 2, MESSAGE_WIDTH)
    ws.set_column(3, 3, 22)
