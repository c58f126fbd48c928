"""Cover ("Bìa") and the plan's targets ("Chỉ tiêu"): one row per indicator (the 9 sub-targets of the 6 targets):
actual, denominator, percentage, target, status, and a chart.

Rules: the indicators are those of the plan in force at the quarter's end (`ReportContext.plan`; KH 137,
data/plans/kh137.yaml, when none is stored), each measured by app/targets/indicators.py (the
same measures as the targets dashboard and the gap scan) on the report's area, as of the quarter's last day; status
compares the percentage with the straight line from 0 at the plan's start to the target at its deadline
(`rollout.indicators`): green on track, amber within 10 %, red behind; an indicator without a figure is
"Chưa có số liệu" with its reason in the note (`indicators.missing_reason`).
"""

from __future__ import annotations

from collections import Counter

from app.areas.maps import AreaGraph
from app.models.vocab import CLASS_MODES
from app.reports.printing import place_chart, row_height
from app.reports.tables import Column, write_table
from app.reports.workbook import ReportContext, sheet
from app.targets.indicators import OUTCOME_UNRECORDED, measure_all, missing_reason, t5_modes, totals
from app.training.settings import plan_setting
from app.web.formatting import vn_date, vn_datetime, vn_number
from rollout.indicators import evaluate_targets

NOTES = {
    "districts_plan_issued": "Huyện có kế hoạch đã ban hành và phát động.",
    "communes_plan_issued": "Xã, phường có kế hoạch đã ban hành và phát động (bản đồ 2025, không còn cấp huyện).",
    "units_with_core_group": "Cơ quan, đơn vị, trường có đủ số giảng viên nòng cốt theo cài đặt.",
    "civil_servants_trained": "Người của các cơ quan, đơn vị đã hoàn thành một lớp; mẫu số: quân số đơn vị.",
    "business_owners_trained": "Học viên nhóm doanh nghiệp, HTX, hộ kinh doanh đã hoàn thành; mẫu số nhập theo địa bàn.",
    "working_age_trained_online": "Người 15–60 tuổi (theo năm sinh) tham gia lớp Bậc 1 {modes}; mẫu số: dân số "
                                  "trong độ tuổi lao động. Chưa rõ năm sinh, không tính: {unknown_age} học viên.",
    "communes_with_trainer": "Xã, phường có ít nhất một giảng viên đang hoạt động.",
    "civil_servants_improved": "Cán bộ đã hoàn thành lớp được giảng viên ghi “Áp dụng được: Có”; mẫu số: cán bộ "
                               "đã hoàn thành lớp. Chưa ghi: {unrecorded} người.",
    "business_owners_improved": "Học viên nhóm doanh nghiệp, HTX, hộ kinh doanh đã hoàn thành lớp được ghi “Áp dụng "
                                "được: Có”; mẫu số: những người đã hoàn thành. Chưa ghi: {unrecorded} người.",
    "working_age_basic_skills": "Người 15–60 tuổi hoàn thành lớp Bậc 1 {modes} được ghi “Áp dụng được: Có”; mẫu "
                                "số: những người đã hoàn thành. Chưa ghi: {unrecorded} người.",
}
COVER_WIDTHS = (28, 90)  # label and value columns: ~870 px, within an A4 landscape page unscaled
STATUS_LABELS = {"green": "Đạt tiến độ", "amber": "Chậm nhẹ", "red": "Chậm tiến độ", "unknown": "Chưa có số liệu"}
SUMMARY_COLUMNS = [
    Column("Mục tiêu", width=9), Column("Chỉ tiêu", width=52), Column("Thực hiện", "int", 13),
    Column("Mẫu số", "int", 13), Column("Tỷ lệ", "pct", 10), Column("Mục tiêu cuối kỳ", "pct", 12),
    Column("Kỳ vọng đến cuối quý", "pct", 13), Column("Trạng thái", width=16), Column("Ghi chú", width=60),
]
CHART_COLUMN = Column("Nhãn biểu đồ", width=10)  # hidden: the chart's category labels
CHART_LABELS = len(SUMMARY_COLUMNS)


def summary_rows(ctx: ReportContext) -> list[list]:
    """One row per indicator of the plan (every sub-target of every target), measured or marked "Chưa có số
    liệu" with the reason."""
    if "summary" in ctx.cache:
        return ctx.cache["summary"]
    graph = AreaGraph.load()
    measured = measure_all(ctx.where.day, ctx.where.as_of, plan_setting("core_group_min_trainers"), graph)
    counts = {code: totals(m, ctx.where.area.id, graph) for code, m in measured.items()}
    results = {r.code: r for r in evaluate_targets(ctx.plan, counts, ctx.quarter.end)}
    words = {"modes": ", ".join(CLASS_MODES[m].lower() for m in t5_modes()),
             "unknown_age": vn_number(counts.get("working_age_unknown_age", (0, None))[0])}
    rows = []
    for target in ctx.plan.targets:
        for spec in target.indicators:
            count, result = counts.get(spec.code), results.get(spec.code)
            if count is None or result is None:
                rows.append([target.code, spec.label, None, None, None, spec.fraction, None,
                             STATUS_LABELS["unknown"], "Chưa có số liệu: chưa có nguồn số liệu để đo."])
                continue
            numerator, denominator = count
            unrecorded = counts.get(OUTCOME_UNRECORDED.get(spec.code, ""), (0, None))[0]
            note = NOTES.get(spec.code, "").format(unrecorded=vn_number(unrecorded), **words)
            missing = missing_reason(spec.code, denominator, unrecorded)
            if missing:
                rows.append([target.code, spec.label, numerator, denominator or None, None, result.target,
                             result.expected, STATUS_LABELS["unknown"], f"Chưa có số liệu: {missing}. {note}".strip()])
                rows[-1].append("unknown")
                continue
            rows.append([target.code, spec.label, numerator, denominator or None, result.ratio,
                         result.target, result.expected, STATUS_LABELS[result.status], note])
            rows[-1].append(result.status)
    ctx.cache["summary"] = rows
    return rows


@sheet(10, "Bìa")
def cover(book, ctx: ReportContext) -> None:
    ws, f = book.add_worksheet("Bìa"), ctx.formats
    ws.set_column(0, 0, COVER_WIDTHS[0])
    ws.set_column(1, 1, COVER_WIDTHS[1])
    big = book.add_format({"bold": True, "font_size": 18, "font_color": "#08543C", "text_wrap": True,
                           "valign": "vcenter"})
    subtitle = book.add_format({"bold": True, "font_size": 13, "text_wrap": True, "valign": "vcenter"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    label = book.add_format({"bold": True, "valign": "top"})
    # the title spans both columns and wraps; its rows are tall enough for the font (never clipped)
    ws.set_row(0, 48)
    ws.merge_range(0, 0, 0, 1, "BÁO CÁO QUÝ — CHƯƠNG TRÌNH “BÌNH DÂN HỌC AI”", big)
    ws.set_row(1, 24)
    ws.merge_range(1, 0, 1, 1, ctx.name, subtitle)
    plan = ctx.plan
    lines = [
        ("Kế hoạch", f"Kế hoạch {plan.number} ngày {vn_date(plan.date)} của {plan.issuer}"),
        ("Kỳ báo cáo", f"{ctx.quarter.label} (từ {vn_date(ctx.quarter.start)} đến {vn_date(ctx.quarter.end)})"),
        ("Phạm vi", f"{ctx.where.area.name} (mã {ctx.where.area.code})"),
        ("Bản đồ hành chính", f"Áp dụng từ {vn_date(ctx.where.day)}"),
        ("Số liệu tính đến", vn_date(ctx.where.as_of)),
        ("Thời điểm lập", vn_datetime(ctx.generated_at)),
        ("Người lập", ctx.generated_by),
    ]
    for row, (name, value) in enumerate(lines, start=3):
        height = row_height([(value, COVER_WIDTHS[1])])  # wrapped, never cut
        if height:
            ws.set_row(row, height)
        ws.write_string(row, 0, name, label)
        ws.write_string(row, 1, value, wrap)
    ws.write_string(len(lines) + 4, 0, "Các trang", f.label)
    from app.reports.workbook import SHEETS

    for row, spec in enumerate(SHEETS, start=len(lines) + 5):
        ws.write_string(row, 0, spec.title)


@sheet(20, "Chỉ tiêu")
def targets(book, ctx: ReportContext) -> None:
    ws, f = book.add_worksheet("Chỉ tiêu"), ctx.formats
    rows = summary_rows(ctx)
    styles = {(i, 7): f.status[row[9] if len(row) > 9 else "unknown"] for i, row in enumerate(rows)}
    # the chart's categories: short labels in a last, hidden column (T1, T2, T3.1, T3.2 …), so every bar keeps
    # its label (nine indicator names are too long: the chart drew only every other one)
    per_target, seen, labels = Counter(r[0] for r in rows), Counter(), []
    for r in rows:
        seen[r[0]] += 1
        labels.append(r[0] if per_target[r[0]] == 1 else f"{r[0]}.{seen[r[0]]}")
    count = write_table(ws, f, [*SUMMARY_COLUMNS, CHART_COLUMN],
                        ([*r[:9], label] for r, label in zip(rows, labels, strict=True)), styles=styles)
    ws.set_column(CHART_LABELS, CHART_LABELS, None, None, {"hidden": True})
    chart = book.add_chart({"type": "bar"})
    chart.show_hidden_data()
    for col, name, color in ((4, "Tỷ lệ đạt được", "#08543C"), (6, "Kỳ vọng đến cuối quý", "#F79009"),
                             (5, "Mục tiêu cuối kỳ", "#98A2B3")):
        chart.add_series({"name": name, "categories": ["Chỉ tiêu", 1, CHART_LABELS, count, CHART_LABELS],
                          "values": ["Chỉ tiêu", 1, col, count, col], "fill": {"color": color}})
    chart.set_title({"name": f"Tiến độ so với mục tiêu — {ctx.quarter.label}"})
    chart.set_x_axis({"num_format": "0%", "min": 0, "max": 1})
    chart.set_y_axis({"reverse": True})
    place_chart(ws, chart, count + 3, 1, width=760, height=520)
