"""Per unit type ("Theo loại đơn vị"): units, headcount, core groups, trainers, classes hosted, learners.

Rules: units in the report's scope (by their area); a core group is at least `core_group_min_trainers` active
trainers of the unit itself; classes hosted count unless cancelled or starting after the quarter; learners who
completed are distinct persons belonging to units of that type with an enrolment completed by the quarter's end.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, or_, select

from app.extensions import db
from app.models import Enrollment, Person, Trainer, TrainingClass, Unit
from app.models.vocab import UNIT_KINDS
from app.reports.sheets.areas import class_conditions
from app.reports.tables import Column, write_table
from app.reports.workbook import ReportContext, sheet
from app.scope import visible
from app.training.settings import plan_setting

COLUMNS = [
    Column("Loại đơn vị", width=34), Column("Số đơn vị", "int", 11), Column("Biên chế / lao động", "int", 14),
    Column("Đơn vị có nhóm nòng cốt", "int", 14), Column("Tỷ lệ có nhóm nòng cốt", "pct", 13),
    Column("Giảng viên của đơn vị", "int", 13), Column("Lớp do đơn vị tổ chức", "int", 13),
    Column("Người học đã hoàn thành", "int", 14),
]


def unit_rows(ctx: ReportContext) -> list[list]:
    scope, as_of = ctx.where.scope, ctx.where.as_of
    in_scope = visible(Unit, scope)
    units = {kind: (n, head or 0) for kind, n, head in db.session.execute(
        select(Unit.kind, func.count(), func.sum(Unit.headcount)).where(in_scope).group_by(Unit.kind))}
    certified = or_(Trainer.certified_on.is_(None), Trainer.certified_on <= as_of)
    per_unit = (select(Trainer.unit_id.label("unit_id"), func.count().label("n"))
                .where(Trainer.status == "active", certified).group_by(Trainer.unit_id).subquery())
    need = plan_setting("core_group_min_trainers")
    trainers, groups = Counter(), Counter()
    for kind, n in db.session.execute(select(Unit.kind, per_unit.c.n).join(per_unit, per_unit.c.unit_id == Unit.id)
                                      .where(in_scope)):
        trainers[kind] += n
        groups[kind] += n >= need
    hosted = dict(db.session.execute(
        select(Unit.kind, func.count(TrainingClass.id)).join(TrainingClass, TrainingClass.host_unit_id == Unit.id)
        .where(in_scope, *class_conditions(as_of)).group_by(Unit.kind)).all())
    learners = dict(db.session.execute(
        select(Unit.kind, func.count(func.distinct(Enrollment.person_id)))
        .join(Person, Person.unit_id == Unit.id).join(Enrollment, Enrollment.person_id == Person.id)
        .where(in_scope, Enrollment.status == "completed",
               or_(Enrollment.completed_on.is_(None), Enrollment.completed_on <= as_of))
        .group_by(Unit.kind)).all())
    rows = []
    for kind, label in UNIT_KINDS.items():
        count, headcount = units.get(kind, (0, 0))
        rows.append([label, count, headcount, groups[kind], groups[kind] / count if count else None,
                     trainers[kind], hosted.get(kind, 0), learners.get(kind, 0)])
    total_units = sum(r[1] for r in rows)
    total_groups = sum(r[3] for r in rows)
    rows.append(["Tổng cộng", total_units, sum(r[2] for r in rows), total_groups,
                 total_groups / total_units if total_units else None, sum(r[5] for r in rows),
                 sum(r[6] for r in rows), sum(r[7] for r in rows)])
    return rows


@sheet(50, "Theo loại đơn vị")
def by_unit_kind(book, ctx: ReportContext) -> None:
    ws = book.add_worksheet("Theo loại đơn vị")
    rows = unit_rows(ctx)
    write_table(ws, ctx.formats, COLUMNS, rows, bold_rows={len(rows) - 1})
