"""Classes ("Lớp học": by level, mode and audience) and certificates ("Chứng nhận": by level).

Rules: the classes opened by the report's day in scope (by venue; `app.counts`, under its labels); "trong quý"
counts classes starting in the quarter; "Lượt học viên" are their enrolments, "Lượt hoàn thành" those completed
by the report's day.
Certificates issued by classes in scope (as on "Theo huyện", so both sheets agree) by the quarter's end;
revoked ones are counted apart (revoked by then).
"""

from __future__ import annotations

from sqlalchemy import and_, func, select

from app.counts import CERTIFICATES, CLASSES_OPENED, COMPLETIONS, ENROLMENTS, completion_done
from app.extensions import db
from app.models import Certificate, Enrollment, TrainingClass
from app.models.vocab import AUDIENCE_GROUPS, CLASS_MODES, LEVELS
from app.reports.printing import place_chart
from app.reports.sheets.areas import class_conditions
from app.reports.tables import Column, write_table
from app.reports.workbook import ReportContext, sheet
from app.scope import visible

CLASS_COLUMNS = [
    Column("Bậc", width=40), Column("Hình thức", width=12), Column("Đối tượng", width=36),
    Column(CLASSES_OPENED.label, "int", 12), Column("Mở trong quý", "int", 11), Column(ENROLMENTS.label, "int", 12),
    Column(COMPLETIONS.label, "int", 12), Column("Tỷ lệ hoàn thành", "pct", 11),
]
CERT_COLUMNS = [
    Column("Bậc", width=40), Column(CERTIFICATES.label, "int", 16), Column("Cấp trong quý", "int", 12),
    Column("Đã thu hồi", "int", 11),
]


def class_rows(ctx: ReportContext) -> list[list]:
    q, as_of = ctx.quarter, ctx.where.as_of
    done = completion_done(as_of)
    enrolments = (select(Enrollment.class_id, func.count().label("n"), func.count().filter(done).label("done"))
                  .group_by(Enrollment.class_id).subquery())
    in_quarter = and_(TrainingClass.start_on >= q.start, TrainingClass.start_on <= q.end)
    rows = []
    for level, mode, audience, classes, opened, learners, completed in db.session.execute(
            select(TrainingClass.level, TrainingClass.mode, TrainingClass.audience_group, func.count(),
                   func.count().filter(in_quarter), func.coalesce(func.sum(enrolments.c.n), 0),
                   func.coalesce(func.sum(enrolments.c.done), 0))
            .outerjoin(enrolments, enrolments.c.class_id == TrainingClass.id)
            .where(visible(TrainingClass, ctx.where.scope), *class_conditions(as_of))
            .group_by(TrainingClass.level, TrainingClass.mode, TrainingClass.audience_group)
            .order_by(TrainingClass.level, TrainingClass.mode, TrainingClass.audience_group)):
        rows.append([LEVELS[level], CLASS_MODES[mode], AUDIENCE_GROUPS[audience], classes, opened, int(learners),
                     int(completed), completed / learners if learners else None])
    total = [sum(r[i] for r in rows) for i in range(3, 7)]
    rows.append(["Tổng cộng", "", "", *total, total[3] / total[2] if total[2] else None])
    return rows


def certificate_rows(ctx: ReportContext) -> list[list]:
    q, as_of = ctx.quarter, ctx.where.as_of
    revoked = and_(Certificate.revoked_on.is_not(None), Certificate.revoked_on <= as_of)
    found = {level: (valid, in_q, gone) for level, valid, in_q, gone in db.session.execute(
        select(Certificate.level, func.count().filter(~revoked),
               func.count().filter(~revoked, Certificate.issued_on >= q.start), func.count().filter(revoked))
        .where(Certificate.class_id.in_(select(TrainingClass.id).where(visible(TrainingClass, ctx.where.scope))),
               Certificate.issued_on <= as_of)
        .group_by(Certificate.level))}
    rows = [[label, *found.get(level, (0, 0, 0))] for level, label in LEVELS.items()]
    rows.append(["Tổng cộng", *(sum(r[i] for r in rows) for i in (1, 2, 3))])
    return rows


@sheet(70, "Lớp học")
def classes(book, ctx: ReportContext) -> None:
    ws = book.add_worksheet("Lớp học")
    rows = class_rows(ctx)
    write_table(ws, ctx.formats, CLASS_COLUMNS, rows, bold_rows={len(rows) - 1})


@sheet(80, "Chứng nhận")
def certificates(book, ctx: ReportContext) -> None:
    ws = book.add_worksheet("Chứng nhận")
    rows = certificate_rows(ctx)
    count = write_table(ws, ctx.formats, CERT_COLUMNS, rows, bold_rows={len(rows) - 1})
    chart = book.add_chart({"type": "column"})
    chart.add_series({"name": "Chứng nhận còn hiệu lực", "categories": ["Chứng nhận", 1, 0, count - 1, 0],
                      "values": ["Chứng nhận", 1, 1, count - 1, 1], "fill": {"color": "#08543C"}})
    chart.set_title({"name": "Chứng nhận theo bậc"})
    chart.set_legend({"none": True})
    place_chart(ws, chart, count + 3, 0, width=720, height=340)
