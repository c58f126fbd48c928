"""Per district ("Theo huyện") and per commune ("Theo xã"): trainers, classes, learners, certificates,
working-age population and the share that completed the basic class.

Rules: every figure is counted on the report area's map with the map-counting layer (`count_on_map`,
`rows_on_map`), so a row re-homed by the map change counts where it stands on that map and the first row
(the report's area) equals the whole subtree; an area's figure includes its whole subtree. Classes, enrolments,
completions and certificates are `app.counts` as of the report's day (its labels: "Lớp đã mở", "Lượt học viên",
"Lượt hoàn thành", "Chứng nhận còn hiệu lực"); "Hoàn thành Bậc 1" are the completions of the Bậc 1 classes.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import func, or_, select

from app import counts
from app.areas.maps import count_on_map, rows_on_map
from app.counts import CERTIFICATES, CLASSES_OPENED, COMPLETIONS, ENROLMENTS, completion_done, opened
from app.extensions import db
from app.models import Area, Enrollment, Trainer, TrainingClass
from app.models.vocab import DIVISION_TYPES
from app.reports.printing import place_chart
from app.reports.tables import Column, write_table
from app.reports.workbook import ReportContext, sheet
from app.targets.measures import populations
from app.text import fold

METRICS = ("trainers", "active", "classes", "learners", "completed", "basic_completed", "certificates")
# metric → the `app.counts` count it shows
COUNTED = {"classes": CLASSES_OPENED.key, "learners": ENROLMENTS.key, "completed": COMPLETIONS.key,
           "certificates": CERTIFICATES.key}
COLUMNS = [
    Column("Mã", width=10), Column("Địa bàn", width=30), Column("Cấp", width=10), Column("Thuộc", width=24),
    Column("Giảng viên", "int", 12), Column("Đang hoạt động", "int", 12), Column(CLASSES_OPENED.label, "int", 10),
    Column(ENROLMENTS.label, "int", 13), Column(COMPLETIONS.label, "int", 12), Column("Hoàn thành Bậc 1", "int", 13),
    Column(CERTIFICATES.label, "int", 12), Column("Dân số trong độ tuổi lao động", "int", 16),
    Column("Tỷ lệ hoàn thành Bậc 1", "pct", 13),
]


def class_conditions(as_of):
    """The classes the report counts: those opened by `as_of` (`app.counts.CLASSES_OPENED`)."""
    return (opened(as_of),)


def area_figures(ctx: ReportContext) -> dict[int, Counter]:
    """Every metric per area of the report's map, summed up the tree (an area holds its subtree); classes,
    enrolments, completions and certificates are `app.counts`' (the same numbers as every page)."""
    if "area_figures" in ctx.cache:
        return ctx.cache["area_figures"]
    day, as_of, graph = ctx.where.day, ctx.where.as_of, ctx.graph
    certified = or_(Trainer.certified_on.is_(None), Trainer.certified_on <= as_of)
    at_area: dict[int | None, Counter] = defaultdict(Counter)
    for key, where in (("trainers", (certified,)), ("active", (certified, Trainer.status == "active"))):
        for area_id, n in count_on_map("trainers.area_id", day, where=where, graph=graph).items():
            at_area[area_id][key] += n
    class_area = rows_on_map("training_classes.venue_area_id", day, where=class_conditions(as_of), graph=graph)
    basic = set(db.session.scalars(select(TrainingClass.id).where(*class_conditions(as_of),
                                                                  TrainingClass.level == 1)))
    for class_id, completed in db.session.execute(
            select(Enrollment.class_id, func.count()).where(completion_done(as_of)).group_by(Enrollment.class_id)):
        if class_id in basic and class_id in class_area:
            at_area[class_area[class_id]]["basic_completed"] += completed
    totals: dict[int, Counter] = defaultdict(Counter)
    for area_id, figures in at_area.items():
        node = graph.nodes.get(area_id) if area_id is not None else None
        for ancestor in node.ids if node else ():
            totals[ancestor].update(figures)
    for area_id, counted in counts.all_figures(day, as_of, graph).items():
        for metric, key in COUNTED.items():
            totals[area_id][metric] = counted[key]
    ctx.cache["area_figures"] = totals
    return totals


def _rows(ctx: ReportContext, areas: list[Area], names: dict[int, str]):
    figures = area_figures(ctx)
    people = populations(ctx.where.area, ctx.where.as_of.year)
    for a in areas:
        f = figures.get(a.id, Counter())
        population = people.get(a.id, (None, False))[0]
        share = f["basic_completed"] / population if population else None
        yield [a.code, a.name, DIVISION_TYPES.get(a.division_type, a.division_type), names.get(a.parent_id, ""),
               *(f[m] for m in METRICS), population, share]


def _subtree(ctx: ReportContext, levels: tuple[str, ...]) -> tuple[list[Area], dict[int, str]]:
    top = ctx.where.area
    areas = list(db.session.scalars(
        select(Area).where(Area.path.startswith(top.path), Area.id != top.id, Area.level.in_(levels))
        .order_by(Area.path)))
    names = dict(db.session.execute(select(Area.id, Area.name).where(Area.path.startswith(top.path))).all())
    parent_name = {a.id: names.get(a.parent_id, "") for a in areas}
    areas.sort(key=lambda a: (fold(parent_name[a.id]) if a.level == "commune" else "", a.search_key or fold(a.name)))
    return areas, names


@sheet(30, "Theo huyện")
def districts(book, ctx: ReportContext) -> None:
    ws = book.add_worksheet("Theo huyện")
    areas, names = _subtree(ctx, ("district", "cluster"))
    count = write_table(ws, ctx.formats, COLUMNS, _rows(ctx, [ctx.where.area, *areas], names), bold_rows={0})
    if count > 1:
        chart = book.add_chart({"type": "column"})
        chart.add_series({"name": "Tỷ lệ hoàn thành Bậc 1", "categories": ["Theo huyện", 2, 1, count, 1],
                          "values": ["Theo huyện", 2, 12, count, 12], "fill": {"color": "#08543C"}})
        chart.set_title({"name": "Tỷ lệ người trong độ tuổi lao động hoàn thành Bậc 1 (mục tiêu 80%)"})
        chart.set_y_axis({"num_format": "0%", "min": 0})
        chart.set_legend({"none": True})
        place_chart(ws, chart, count + 3, 1, width=900, height=400)


@sheet(40, "Theo xã")
def communes(book, ctx: ReportContext) -> None:
    ws = book.add_worksheet("Theo xã")
    areas, names = _subtree(ctx, ("commune",))
    write_table(ws, ctx.formats, COLUMNS, _rows(ctx, [ctx.where.area, *areas], names), bold_rows={0})
