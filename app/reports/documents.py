"""The reports the province files, as Vietnamese administrative documents (DOCX, python-docx): the quarterly
report ("Báo cáo kết quả thực hiện Kế hoạch … quý …") and the year-end review of the plan (HĐ 10, "Hội nghị
tổng kết, đánh giá").

Rules:
- the layout follows Decree 30/2020/NĐ-CP: A4, margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; Times
  New Roman, 14 pt body (tables 11 pt); the two-column header without borders — on the left the superior body
  ("UBND TỈNH THÁI NGUYÊN"), the issuing body in bold ("BAN CHỈ ĐẠO …") and "Số: …/BC-BCĐ"; on the right the
  quốc hiệu and the tiêu ngữ, each under-ruled, and the place and date line in italics; the title "BÁO CÁO" and
  its summary line centred in bold; at the bottom "Nơi nhận:" (left, 12 pt bold italic, the list 11 pt) and the
  signature block (right: the signer's title in bold capitals, room to sign, the name in bold);
- every figure is the quarterly workbook's, read from the same builders on the same `ReportContext`
  (`summary_rows`, `area_figures`, `class_rows`, `certificate_rows`, `activity_rows`), never counted again here;
- the narrative (number, the free text under I, II, III, nơi nhận, signer) is the period's `ReportNarrative`
  (app/reports/narratives.py); an empty section prints dotted lines to fill in by hand;
- the year-end review lists every plan activity the area sees with its planned and actual dates, status and
  progress on the review's day, and every target against its value, under the same header.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from app.models import Area
from app.models.report import ReportNarrative
from app.reports.workbook import ReportContext
from app.web.formatting import vn_date, vn_number, vn_percent

FONT = "Times New Roman"
BODY_PT, TABLE_PT = 14, 11
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
BODY_NAME = ("BAN CHỈ ĐẠO", "“BÌNH DÂN HỌC AI”")  # the issuing body, in bold, one line each
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOTS = "…" * 60
HEADER_WIDTHS = (6.3, 10.2)  # cm: the text width is 210 − 30 − 15 mm
DIVISION_PREFIXES = ("Tỉnh ", "Thành phố ", "Huyện ", "Thị xã ", "Quận ")


# ---- the page and its pieces -----------------------------------------------------------------------------------

def _document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(BODY_PT)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(0), Pt(6)
    style.paragraph_format.line_spacing = 1.15
    _page_numbers(section)
    return doc


def _page_numbers(section) -> None:
    """The page number centred at the top, from page 2 on (Decree 30: not on the first page)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    run.font.size = Pt(13)


def _para(container, text: str = "", *, bold=False, italic=False, size=None, align=None, indent=True,
          after=None, before=None, underline=False):
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    fmt = paragraph.paragraph_format
    if align is None:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            fmt.first_line_indent = Cm(1)
    else:
        paragraph.alignment = align
    if after is not None:
        fmt.space_after = Pt(after)
    if before is not None:
        fmt.space_before = Pt(before)
    return paragraph


def _rule(container, width_chars: int = 14):
    """A short solid line under a centred heading (quốc hiệu block, issuing body)."""
    paragraph = _para(container, "", align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    run = paragraph.add_run("\u2500" * width_chars)
    run.font.size = Pt(8)
    paragraph.paragraph_format.line_spacing = 1.0
    return paragraph


def _widths(table, widths_cm) -> None:
    """Column widths both in the grid (what LibreOffice reads) and on every cell (what Word reads)."""
    for column, width in zip(table.columns, widths_cm, strict=False):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    # the schema's order: tblBorders comes before shd, tblLayout, tblCellMar, tblLook (Word refuses it elsewhere)
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                           "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _cell_lines(cell, lines: list[tuple[str, dict]]) -> None:
    """Fill a cell with centred lines: (text, {"bold", "italic", "size", "rule", "align"})."""
    first = True
    for text, how in lines:
        if how.get("rule"):
            _rule(cell, how["rule"])
            continue
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.alignment = how.get("align", WD_ALIGN_PARAGRAPH.CENTER)
        paragraph.paragraph_format.space_after = Pt(how.get("after", 0))
        paragraph.paragraph_format.line_spacing = 1.0
        run = paragraph.add_run(text)
        run.bold, run.italic = how.get("bold", False), how.get("italic", False)
        run.font.size = Pt(how.get("size", 13))


def _bare_name(area: Area) -> str:
    for prefix in DIVISION_PREFIXES:
        if area.name.startswith(prefix):
            return area.name[len(prefix):]
    return area.name


def _superior(ctx: ReportContext) -> tuple[str, str]:
    """(the superior body, the place) of the report's area: its UBND and its name; a cluster reports under
    the province."""
    area = ctx.where.area
    if area.level == "cluster" or area.parent_id is None and area.level != "province":
        area = _province(ctx) or area
    return f"UBND {area.name.upper()}", _bare_name(area)


def _province(ctx: ReportContext) -> Area | None:
    from app.areas.maps import programme_root

    return programme_root(ctx.where.day)


def header(doc, ctx: ReportContext, narrative: ReportNarrative, year: int) -> None:
    superior, place = _superior(ctx)
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    _widths(table, HEADER_WIDTHS)
    left, right = table.rows[0].cells
    number = narrative.number.strip() or "…/BC-BCĐ"
    _cell_lines(left, [(superior, {"size": 13}), *((line, {"bold": True, "size": 13}) for line in BODY_NAME),
                       ("", {"rule": 10}),
                       (f"Số: {number}", {"size": 13})])
    _cell_lines(right, [(NATION, {"bold": True, "size": 13}), (MOTTO, {"bold": True, "size": 14}),
                        ("", {"rule": 22}),
                        (f"{place}, ngày … tháng … năm {year}", {"italic": True, "size": 14})])


def title(doc, summary: str) -> None:
    _para(doc, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=18, after=0)
    _para(doc, summary, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _rule(doc, 10).paragraph_format.space_after = Pt(12)


def heading(doc, text: str) -> None:
    _para(doc, text, bold=True, before=6).paragraph_format.keep_with_next = True


def narrative_text(doc, text: str) -> None:
    """Typed text as paragraphs (one per line); nothing typed: two dotted lines to fill in by hand."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for line in lines or [DOTS, DOTS]:
        _para(doc, line)


def table(doc, headers: list[str], rows: list, widths_cm: list[float], bold_last=False,
          numeric: frozenset[int] = frozenset()) -> None:
    """A bordered table, its header row repeated on every page; the `numeric` columns aligned right; a row that
    is a string is a group heading spanning the table."""
    grid = doc.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for i, text in enumerate(headers):
        _table_cell(grid.rows[0].cells[i], text, bold=True, center=True)
    _repeat_header(grid.rows[0])
    for index, row in enumerate(rows):
        added = grid.add_row()
        added._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row is never cut by a page break
        cells = added.cells
        if isinstance(row, str):  # a group's heading across the table (e.g. the plan its activities belong to)
            merged = cells[0].merge(cells[-1])
            _table_cell(merged, row, bold=True)
            continue
        for i, value in enumerate(row):
            _table_cell(cells[i], value if isinstance(value, str) else "", bold=bold_last and index == len(rows) - 1,
                        right=i in numeric)
    _widths(grid, widths_cm)
    _para(doc, "", after=0)


def _table_cell(cell, text: str, bold=False, center=False, right=False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    paragraph.alignment = (WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.RIGHT if right
                           else WD_ALIGN_PARAGRAPH.LEFT)
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(TABLE_PT)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def closing(doc, narrative: ReportNarrative) -> None:
    """Nơi nhận (bottom left) and the signature block (bottom right)."""
    _para(doc, "", after=0)
    grid = doc.add_table(rows=1, cols=2)
    grid.autofit = False
    _no_borders(grid)
    _widths(grid, (8.0, 8.5))
    left, right = grid.rows[0].cells
    recipients = [line.strip() for line in narrative.recipients.splitlines() if line.strip()]
    _cell_lines(left, [("Nơi nhận:", {"bold": True, "italic": True, "size": 12, "align": WD_ALIGN_PARAGRAPH.LEFT}),
                       *((line, {"size": 11, "align": WD_ALIGN_PARAGRAPH.LEFT}) for line in recipients)])
    titles = [line.strip().upper() for line in narrative.signer_title.splitlines() if line.strip()]
    name = narrative.signer_name.strip()
    _cell_lines(right, [*((line, {"bold": True, "size": 14}) for line in titles),
                        *(("", {"size": 14}) for _ in range(4)),
                        (name, {"bold": True, "size": 14})])


def _num(value) -> str:
    return vn_number(value) if value is not None else "—"


def _pct(value) -> str:
    return vn_percent(value) if value is not None else "—"


def _date(value) -> str:
    return vn_date(value) if value else ""


def plan_reference(ctx: ReportContext) -> str:
    plan = ctx.plan
    return f"Kế hoạch số {plan.number} ngày {vn_date(plan.date)} của {plan.issuer}"


# ---- the figures (all from the workbook's builders) -------------------------------------------------------------

TARGET_HEADERS = ["Mục tiêu", "Chỉ tiêu", "Thực hiện", "Mẫu số", "Tỷ lệ", "Mục tiêu cuối kỳ", "Kỳ vọng", "Đánh giá"]
TARGET_WIDTHS = [1.3, 4.8, 1.7, 1.7, 1.6, 1.7, 1.6, 2.1]
TARGET_NUMERIC = frozenset(range(2, 7))


def target_table_rows(ctx: ReportContext) -> list[list]:
    from app.reports.sheets.summary import summary_rows

    return [[r[0], r[1], _num(r[2]), _num(r[3]), _pct(r[4]), _pct(r[5]), _pct(r[6]), r[7]]
            for r in summary_rows(ctx)]


def overall(ctx: ReportContext) -> Counter:
    """The report area's line of "Theo huyện" (its whole subtree)."""
    from app.reports.sheets.areas import area_figures

    return area_figures(ctx).get(ctx.where.area.id, Counter())


def district_table_rows(ctx: ReportContext) -> list[list]:
    from app.reports.sheets.areas import _rows, _subtree

    areas, names = _subtree(ctx, ("district", "cluster"))
    if not areas:
        return []
    rows = list(_rows(ctx, [*areas, ctx.where.area], names))
    out = [[r[1], _num(r[4]), _num(r[6]), _num(r[7]), _num(r[8]), _num(r[10]), _pct(r[12])] for r in rows]
    out[-1][0] = "Tổng cộng"
    return out


def results(doc, ctx: ReportContext, narrative: ReportNarrative) -> None:
    from app.reports.sheets.classes import certificate_rows, class_rows
    from app.reports.sheets.plan import activity_rows

    as_of = vn_date(ctx.where.as_of)
    f = overall(ctx)
    classes = class_rows(ctx)[-1]  # "Tổng cộng"
    certificates = certificate_rows(ctx)[-1]
    heading(doc, "I. KẾT QUẢ THỰC HIỆN")
    heading(doc, "1. Kết quả chung")
    _para(doc, f"Tính đến ngày {as_of}, trên địa bàn {ctx.where.area.name} có {_num(f['trainers'])} giảng viên "
               f"(trong đó {_num(f['active'])} đang hoạt động); đã tổ chức {_num(f['classes'])} lớp học với "
               f"{_num(f['learners'])} lượt học viên, {_num(f['completed'])} lượt hoàn thành "
               f"({_num(f['basic_completed'])} hoàn thành Bậc 1); đã cấp {_num(f['certificates'])} chứng nhận "
               f"còn hiệu lực.")
    _para(doc, f"Trong {ctx.quarter.label.lower()}, mở mới {_num(classes[4])} lớp; cấp mới {_num(certificates[2])} "
               f"chứng nhận.")
    heading(doc, "2. Kết quả thực hiện các chỉ tiêu của Kế hoạch")
    _para(doc, f"Số liệu tính đến ngày {as_of}; “Kỳ vọng” là tỷ lệ cần đạt đến cuối quý theo lộ trình từ đầu kỳ "
               f"kế hoạch đến hạn của chỉ tiêu.", size=13).paragraph_format.keep_with_next = True
    table(doc, TARGET_HEADERS, target_table_rows(ctx), TARGET_WIDTHS, numeric=TARGET_NUMERIC)
    districts = district_table_rows(ctx)
    if districts:
        heading(doc, "3. Kết quả theo địa bàn")
        table(doc, ["Địa bàn", "Giảng viên", "Lớp học", "Lượt học viên", "Hoàn thành", "Chứng nhận",
                    "Tỷ lệ hoàn thành Bậc 1"], districts, [4.6, 1.8, 1.6, 2.0, 1.9, 2.0, 2.5], bold_last=True,
              numeric=frozenset(range(1, 7)))
    activities = activity_rows(ctx)
    states = Counter(r[7] for r in activities)
    overdue = [r for r in activities if r[11] == "Quá hạn"]
    heading(doc, f"{4 if districts else 3}. Thực hiện các hoạt động của Kế hoạch")
    _para(doc, f"Trong {len(activities)} hoạt động: " + "; ".join(f"{label.lower()} {n}" for label, n in
                                                                    sorted(states.items())) + "."
          if activities else "Chưa có hoạt động nào của kế hoạch trong phạm vi báo cáo.")
    for r in overdue:
        _para(doc, f"- Hoạt động {r[1]} “{r[2]}” quá hạn {r[12]} ngày (hạn {_date(r[6])}).")
    if narrative.results_note.strip():
        heading(doc, f"{5 if districts else 4}. Đánh giá chung")
        narrative_text(doc, narrative.results_note)


def build_document(path: Path, ctx: ReportContext, narrative: ReportNarrative) -> None:
    """The quarterly report (kind `document`)."""
    doc = _document()
    doc.core_properties.title = f"Báo cáo {ctx.quarter.label} — {ctx.where.area.name}"
    doc.core_properties.author = ctx.generated_by
    header(doc, ctx, narrative, ctx.quarter.year)
    plan = ctx.plan
    title(doc, f"Kết quả thực hiện Kế hoạch số {plan.number} ngày {vn_date(plan.date)} của {plan.issuer} "
               f"quý {ctx.quarter.number} năm {ctx.quarter.year}")
    _para(doc, f"Thực hiện {plan_reference(ctx)} về {_plan_subject(plan)}, Ban Chỉ đạo báo cáo kết quả thực hiện "
               f"{ctx.quarter.label.lower()} (từ ngày {vn_date(ctx.quarter.start)} đến ngày "
               f"{vn_date(ctx.quarter.end)}) như sau:")
    results(doc, ctx, narrative)
    heading(doc, "II. KHÓ KHĂN, VƯỚNG MẮC")
    narrative_text(doc, narrative.difficulties)
    heading(doc, "III. ĐỀ XUẤT, KIẾN NGHỊ")
    narrative_text(doc, narrative.proposals)
    _para(doc, "Trên đây là báo cáo kết quả thực hiện Kế hoạch "
               f"{ctx.quarter.label.lower()} của Ban Chỉ đạo./.")
    closing(doc, narrative)
    doc.save(str(path))


def _plan_subject(plan) -> str:
    """'Kế hoạch triển khai chương trình …' → 'triển khai chương trình …' (after "về")."""
    return plan.title.removeprefix("Kế hoạch ").strip()


ACTIVITY_HEADERS = ["Số", "Hoạt động", "Thời gian theo kế hoạch", "Thực hiện", "Trạng thái", "Tiến độ",
                    "Đánh giá"]
ACTIVITY_WIDTHS = [0.9, 5.2, 2.5, 2.5, 1.9, 1.4, 2.1]


def review_activity_rows(ctx: ReportContext) -> list:
    """The activities grouped by plan (a heading row "Kế hoạch số …" before each plan's), as in "Hoạt động"."""
    from app.reports.sheets.plan import activity_rows

    rows, plan = [], None
    for r in activity_rows(ctx):
        if r[0] != plan:
            plan = r[0]
            rows.append(f"Kế hoạch số {plan}")
        planned = f"{_date(r[5])} – {_date(r[6])}"
        actual = " – ".join(d for d in (_date(r[9]), _date(r[10])) if d) or "Chưa bắt đầu"
        state = r[11] or ("Hoàn thành" if r[10] else "Đúng tiến độ")
        if r[12]:
            state += f" ({r[12]} ngày)"
        rows.append([str(r[1]), r[2], planned, actual, r[7], _pct(r[8]), state])
    return rows


def build_review(path: Path, ctx: ReportContext, narrative: ReportNarrative) -> None:
    """The year-end review of the plan (kind `review`, HĐ 10): each activity and each target against the plan."""
    from app.reports.sheets.plan import activity_rows

    doc = _document()
    year = ctx.quarter.year
    doc.core_properties.title = f"Báo cáo tổng kết năm {year} — {ctx.where.area.name}"
    doc.core_properties.author = ctx.generated_by
    header(doc, ctx, narrative, year)
    plan = ctx.plan
    title(doc, f"Tổng kết, đánh giá kết quả thực hiện Kế hoạch số {plan.number} ngày {vn_date(plan.date)} "
               f"của {plan.issuer} năm {year}")
    _para(doc, f"Thực hiện {plan_reference(ctx)} về {_plan_subject(plan)} ({plan.period.text.lower()}), Ban Chỉ đạo "
               f"tổng kết, đánh giá kết quả thực hiện đến ngày {vn_date(ctx.where.as_of)} như sau:")
    heading(doc, "I. KẾT QUẢ THỰC HIỆN")
    activities = activity_rows(ctx)
    done = sum(1 for r in activities if r[10])
    heading(doc, "1. Thực hiện các hoạt động của Kế hoạch")
    plans = len({r[0] for r in activities})
    _para(doc, f"Trong phạm vi báo cáo, {'các kế hoạch' if plans > 1 else 'kế hoạch'} có {len(activities)} hoạt "
               f"động; đã hoàn thành {done}, chưa hoàn thành {len(activities) - done}.")
    table(doc, ACTIVITY_HEADERS, review_activity_rows(ctx), ACTIVITY_WIDTHS, numeric=frozenset({0, 5}))
    heading(doc, "2. Kết quả thực hiện các chỉ tiêu")
    table(doc, TARGET_HEADERS, target_table_rows(ctx), TARGET_WIDTHS, numeric=TARGET_NUMERIC)
    f = overall(ctx)
    _para(doc, f"Tổng số giảng viên {_num(f['trainers'])}; lớp học {_num(f['classes'])}; lượt học viên "
               f"{_num(f['learners'])}; lượt hoàn thành {_num(f['completed'])}; chứng nhận {_num(f['certificates'])}.")
    if narrative.results_note.strip():
        heading(doc, "3. Đánh giá chung")
        narrative_text(doc, narrative.results_note)
    heading(doc, "II. KHÓ KHĂN, VƯỚNG MẮC")
    narrative_text(doc, narrative.difficulties)
    heading(doc, "III. ĐỀ XUẤT, KIẾN NGHỊ")
    narrative_text(doc, narrative.proposals)
    _para(doc, f"Trên đây là báo cáo tổng kết, đánh giá kết quả thực hiện Kế hoạch năm {year} của Ban Chỉ đạo./.")
    closing(doc, narrative)
    doc.save(str(path))

