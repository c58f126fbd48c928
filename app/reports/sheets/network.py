"""The trainer network ("Mạng lưới"): trainers by tier and generation, the roll-up of the report's area
(R, dormant trainers and branches, reach), the network snapshots, a chart (a page of its own) and the trainers
with the widest reach (last: the list whose header repeats on the printed pages after it).

Rules: trainers in scope (their working area), certified by the quarter's end; the roll-up and the per-trainer
reach are the stored results of the last `lantoa network recompute` (their date is written next to them); the
snapshots are province-wide and shown for a province-wide report only.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, or_, select

from app.extensions import db
from app.models import NetworkRollup, NetworkSnapshot, Person, Trainer, TrainerStats
from app.models.vocab import TRAINER_TIERS
from app.reports.printing import place_chart
from app.reports.tables import Column, write_header, write_table
from app.reports.workbook import ReportContext, sheet
from app.scope import visible
from app.web.formatting import vn_datetime

TOP = 20
WIDTHS = (34, 20, *(10,) * 8)  # column widths (the tier table's generations are 10 wide)


def tier_generation(ctx: ReportContext) -> tuple[list[int], list[list]]:
    """(generations, rows): one row per tier with a count per generation and the total."""
    certified = or_(Trainer.certified_on.is_(None), Trainer.certified_on <= ctx.where.as_of)
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    for tier, generation, n in db.session.execute(
            select(Trainer.tier, Trainer.generation, func.count())
            .where(visible(Trainer, ctx.where.scope), certified).group_by(Trainer.tier, Trainer.generation)):
        counts[tier][generation] = n
    generations = sorted({g for by in counts.values() for g in by}) or [0]
    rows = [[label, *(counts[tier].get(g, 0) for g in generations), sum(counts[tier].values())]
            for tier, label in TRAINER_TIERS.items()]
    rows.append(["Tổng cộng", *(sum(r[i + 1] for r in rows) for i in range(len(generations))),
                 sum(r[-1] for r in rows)])
    return generations, rows


@sheet(60, "Mạng lưới")
def network(book, ctx: ReportContext) -> None:
    ws, f = book.add_worksheet("Mạng lưới"), ctx.formats
    generations, rows = tier_generation(ctx)
    columns = [Column("Cấp giảng viên", width=24), *(Column(f"Thế hệ {g}", "int", 10) for g in generations),
               Column("Tổng", "int", 10)]
    write_table(ws, f, columns, rows, bold_rows={len(rows) - 1})
    chart = book.add_chart({"type": "column", "subtype": "stacked"})
    for index in range(len(rows) - 1):
        chart.add_series({"name": ["Mạng lưới", index + 1, 0], "categories": ["Mạng lưới", 0, 1, 0, len(generations)],
                          "values": ["Mạng lưới", index + 1, 1, index + 1, len(generations)]})
    chart.set_title({"name": "Giảng viên theo thế hệ"})
    row = len(rows) + 2

    rollup = db.session.scalar(select(NetworkRollup).where(NetworkRollup.kind == "area",
                                                           NetworkRollup.key_id == ctx.where.area.id))
    ws.write_string(row, 0, "Chỉ số mạng lưới của phạm vi", f.label)
    row += 1
    if rollup is None:
        ws.write_string(row, 0, "Chưa có số liệu: hãy chạy “lantoa network recompute”.", f.note)
        row += 1
    else:
        facts = [("Giảng viên", rollup.trainers, "int"), ("Đang hoạt động", rollup.active, "int"),
                 ("Không hoạt động (không mở lớp gần đây)", rollup.dormant, "int"),
                 ("Nhánh không hoạt động", rollup.dormant_branches, "int"),
                 ("Lớp của giảng viên trong phạm vi", rollup.classes, "int"),
                 ("Lượt học viên ở lớp của giảng viên (độ phủ)", rollup.learners, "int"),
                 ("Lượt hoàn thành ở lớp của giảng viên", rollup.completed, "int"),
                 ("Giảng viên mới được ươm mầm", rollup.trainees_grown, "int"),
                 ("Hệ số lan tỏa R", rollup.reproduction, "num")]
        for label, value, kind in facts:
            ws.write_string(row, 0, label)
            if value is None:
                ws.write_string(row, 1, "–")
            else:
                ws.write_number(row, 1, value, f.cell[kind])
            row += 1
        ws.write_string(row, 0, f"Tính lại lúc {vn_datetime(rollup.computed_at)}", f.note)
        row += 1
    if ctx.where.area.parent_id is None:
        row += 1
        ws.write_string(row, 0, "Ảnh chụp mạng lưới toàn tỉnh", f.label)
        row += 1
        snaps = list(db.session.scalars(select(NetworkSnapshot).where(NetworkSnapshot.taken_on <= ctx.quarter.end)
                                        .order_by(NetworkSnapshot.taken_on.desc()).limit(12)))
        write_header(ws, f, row, ("Ngày", "Giảng viên", "Đang hoạt động", "Số thế hệ", "R", "Không hoạt động",
                                  "Lớp của giảng viên", "Lượt học viên ở lớp của giảng viên"), WIDTHS)
        for s in reversed(snaps):
            row += 1
            ws.write_datetime(row, 0, s.taken_on, f.cell["date"])
            for col, value in ((1, s.trainers), (2, s.active), (3, s.depth), (5, s.dormant_trainers),
                               (6, s.classes), (7, s.learners)):
                ws.write_number(row, col, value, f.cell["int"])
            if s.reproduction is not None:
                ws.write_number(row, 4, s.reproduction, f.cell["num"])
    # the chart on a page of its own, then the longest list, whose header repeats on the pages after it
    row = place_chart(ws, chart, row + 2, 0, width=720, height=340)
    ws.write_string(row, 0, f"{TOP} giảng viên có độ phủ rộng nhất", f.label)
    row += 1
    top = db.session.execute(
        select(Person.full_name, Trainer.tier, Trainer.generation, TrainerStats.direct_trainees,
               TrainerStats.subtree_size, TrainerStats.subtree_learners, TrainerStats.dormant)
        .join(Trainer, Trainer.id == TrainerStats.trainer_id).join(Person, Person.id == Trainer.person_id)
        .where(visible(Trainer, ctx.where.scope)).order_by(TrainerStats.subtree_learners.desc(), Trainer.id)
        .limit(TOP)).all()
    write_header(ws, f, row, ("Giảng viên", "Cấp", "Thế hệ", "Học trò trực tiếp", "Quy mô nhánh",
                              "Học viên cả nhánh", "Không hoạt động"), WIDTHS)
    ws.repeat_rows(row)
    for r in top:
        row += 1
        ws.write_string(row, 0, r.full_name)
        ws.write_string(row, 1, TRAINER_TIERS[r.tier])
        for col, value in ((2, r.generation), (3, r.direct_trainees), (4, r.subtree_size), (5, r.subtree_learners)):
            ws.write_number(row, col, value, f.cell["int"])
        ws.write_string(row, 6, "Có" if r.dormant else "")
    ws.set_column(0, 0, WIDTHS[0])
    ws.set_column(1, 1, WIDTHS[1])  # the tier's name in the list
