"""Generating a report: build the workbook or an administrative document, keep it in the archive (`reports`
table + file), audit.

Rules:
- a report is one of `REPORT_KINDS`: the quarterly workbook, the quarterly report as a DOCX document, the
  year-end review (DOCX, quarter 4 of its year, standing on the year's last day or today); the documents are
  filled from the same `ReportContext` and builders as the workbook (app/reports/documents.py) and carry the
  period's narrative (app/reports/narratives.py: the programme's, so only in the province's documents; a
  district's or cluster's document has the defaults to fill in by hand); all three share the archive,
  its scope and its downloads;
- the quarter defaults to the one holding today; the area defaults to the user's scope area, or the
  programme's province on the working map (steering, the job, the CLI); a user may report only on an area
  they see (else an OperationError naming the field), and a unit-scoped user has no area to report on;
- the file is written under LANTOA_REPORTS_DIR with a unique name, first to a temporary name and renamed when
  complete, so the archive never lists a half-written file; the row records size and build time;
- `create_report` flushes and never commits; `generate_quarterly(year, quarter)` is the scheduler job's
  entry point (app/jobs/registry.py): it reports on the whole province and returns a Vietnamese summary line.
  Like every job it is idempotent: the job makes one report per quarter and area (origin 'job'); run again, it
  finds that report and changes nothing (steering makes a fresh one on the reports page at any time).
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.areas.graph import AreaGraph
from app.areas.maps import in_programme, programme_root, working_map
from app.audit import record
from app.errors import OperationError
from app.extensions import db
from app.models import Area, Report
from app.models.report import REPORT_KINDS, REPORT_SUFFIXES
from app.reports.quarters import Quarter
from app.reports.workbook import ReportContext, build_workbook
from app.scope import check_choice, scope_of, visible
from app.targets.measures import Where
from app.text import fold
from app.timeutil import local_today, utcnow
from app.web.formatting import vn_datetime


def reports_dir() -> Path:
    path = Path(current_app.config.get("LANTOA_REPORTS_DIR") or Path(current_app.instance_path) / "reports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_area(user=None) -> Area | None:
    """The user's scope area, else the programme's province on the working map."""
    if user is not None and getattr(user, "scope_area_id", None):
        return db.session.get(Area, user.scope_area_id)
    if user is not None and not scope_of(user).everything:
        return None
    return programme_root()


REPORT_LEVELS = ("province", "district", "cluster")
OUTSIDE = "Địa bàn này nằm ngoài phạm vi của bạn."


def report_area_ids(user):
    """The areas `user` may choose on the reports page: province, districts and clusters of their working map
    that they see, inside the programme's area today (old Bắc Kạn is not on the list before 1/7/2025)."""
    day = working_map(user)
    return select(Area.id).where(visible(Area, user), Area.valid_from == day, Area.level.in_(REPORT_LEVELS),
                                 in_programme(Area.id, local_today(), day))


def chosen_area(user, area_id) -> Area | None:
    """The area chosen on the reports form (None: the default area), if it is one of the user's choices."""
    if not area_id:
        return None
    check_choice(area_id, report_area_ids(user), "area_id", OUTSIDE)
    return db.session.get(Area, int(area_id))


def check_area(area: Area | None, user) -> Area:
    if area is None:
        raise OperationError("Tài khoản của bạn không gắn với địa bàn nào nên không lập được báo cáo quý.",
                             field="area_id")
    if user is not None:
        check_choice(area.id, select(Area.id).where(visible(Area, user)), "area_id", OUTSIDE)
    return area


def create_report(quarter: Quarter | None = None, area: Area | None = None, user=None, origin: str = "web",
                  today=None, kind: str = "workbook") -> Report:
    """Build the workbook (or document: `kind`) and add its archive row (flushed, not committed)."""
    if kind not in REPORT_KINDS:
        raise OperationError("Hãy chọn một loại báo cáo trong danh sách.", field="kind")
    today = today or local_today()
    quarter = quarter or Quarter.of(today)
    if kind == "review":
        quarter = Quarter(quarter.year, 4)
    area = check_area(area or default_area(user), user)
    as_of = min(quarter.end, today)
    started, now = time.perf_counter(), utcnow()
    author = (user.full_name or user.username) if user is not None else "Lịch tự động"
    ctx = ReportContext(Where(area, area.valid_from, as_of), quarter, now, author, AreaGraph.load())
    folder = reports_dir()
    stem = {"workbook": "bao-cao", "document": "bao-cao-van-ban", "review": "tong-ket"}[kind]
    period = str(quarter.year) if kind == "review" else quarter.code
    name = (f"{stem}-{period}-{fold(area.code).replace(' ', '')}-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
            f"{REPORT_SUFFIXES[kind]}")
    partial = folder / (name + ".part")
    try:
        if kind == "workbook":
            build_workbook(partial, ctx)
        else:
            from app.reports.documents import build_document, build_review
            from app.reports.narratives import Period, default_narrative, narrative_for

            of = Period(quarter.year, 0 if kind == "review" else quarter.number)
            root = programme_root(area.valid_from)
            narrative = narrative_for(of) if root is not None and root.id == area.id else default_narrative(of)
            (build_review if kind == "review" else build_document)(partial, ctx, narrative)
        os.replace(partial, folder / name)
    finally:
        if partial.exists():
            partial.unlink()
    report = Report(year=quarter.year, quarter=quarter.number, area_id=area.id, generated_at=now, kind=kind,
                    generated_by_id=user.id if user is not None else None, origin=origin, file_name=name,
                    size_bytes=(folder / name).stat().st_size, seconds=round(time.perf_counter() - started, 3))
    db.session.add(report)
    db.session.flush()
    record("report.generate", report, after={"quarter": quarter.code, "kind": kind, "area": area.code, "file": name,
                                              "size": report.size_bytes}, actor=user)
    return report


def report_path(report: Report) -> Path:
    return reports_dir() / report.file_name


def generate_quarterly(year: int | None = None, quarter: int | str | None = None, area_code: str | None = None,
                       today=None, origin: str = "job", kind: str = "workbook") -> str:
    """The quarterly job: the province-wide report (or `area_code`'s) of the quarter; a summary line."""
    today = today or local_today()
    if isinstance(quarter, str):
        period = Quarter.parse(quarter)
    elif quarter is not None:
        period = Quarter(year or today.year, int(quarter))
    else:
        period = Quarter.of(today)
    area = programme_root()
    if area is None and not area_code:
        raise OperationError("Chưa nạp bản đồ hành chính của tỉnh: không có phạm vi để lập báo cáo.", field="area_id")
    if area_code:
        area = db.session.scalar(select(Area).where(Area.code == area_code).order_by(Area.valid_from.desc()))
        if area is None:
            raise OperationError(f"Không có địa bàn mã “{area_code}”.", field="area_id")
    done = db.session.scalar(select(Report).where(Report.year == period.year, Report.quarter == period.number,
                                                  Report.area_id == area.id, Report.origin == "job",
                                                  Report.kind == kind)) \
        if origin == "job" else None
    if done is not None and report_path(done).is_file():
        return (f"Báo cáo {period.label} — {area.name} đã được lập lúc {vn_datetime(done.generated_at)} "
                f"({done.file_name}); không lập lại.")
    if done is not None:  # the row outlived its file: make the file again under a new row
        db.session.delete(done)
        db.session.flush()
    report = create_report(period, area, None, origin=origin, today=today, kind=kind)
    return (f"Đã lập báo cáo {report.period_label} — {area.name}: {report.file_name} "
            f"({report.size_bytes // 1024} KB, {report.seconds:.1f} giây).")
