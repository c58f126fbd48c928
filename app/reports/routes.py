"""Báo cáo: generate the quarterly workbook and the administrative documents, the archive, downloads (only within
the user's scope: 404 else), and the narrative of a period's documents (steering, admin: 404 for the others)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from app.errors import OperationError
from app.extensions import db
from app.models import Area, Report
from app.permissions import may, require
from app.reports import operations, queries
from app.reports.forms import NarrativeForm, ReportForm
from app.reports.narratives import FIELDS, Period, narrative_for, save_narrative
from app.reports.quarters import Quarter
from app.scope import get_or_404
from app.timeutil import local_today
from app.web.choices import choices
from app.web.lists import paginate

bp = Blueprint("reports", __name__, url_prefix="/reports")
MIMETYPES = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _periods() -> list[Period]:
    """The periods whose narrative one may write: the last eight quarters, and the year-end reviews of their
    years."""
    quarters = [Quarter.parse(code) for code, _ in queries.quarter_choices(local_today())]
    years = sorted({q.year for q in quarters}, reverse=True)
    return [*(Period(q.year, q.number) for q in quarters), *(Period(y, 0) for y in years)]


def _index(form):
    return render_template("reports/index.html", form=form, page=paginate(queries.archive(current_user)),
                           can_generate=may(current_user, "generate_report") and bool(form.area_id.choices),
                           periods=_periods() if may(current_user, "edit_report_narrative") else [])


def _form() -> ReportForm:
    form = ReportForm()
    form.quarter.choices = choices(queries.quarter_choices(local_today()))
    form.area_id.choices = choices(queries.area_choices(current_user))
    return form


@bp.get("/")
@login_required
def index():
    require("see_reports")
    return _index(_form())


@bp.post("/generate")
@login_required
def generate():
    require("generate_report")
    form = _form()
    if form.validate_on_submit():
        try:
            quarter = Quarter.parse(form.quarter.data or "")
            area = operations.chosen_area(current_user, form.area_id.data)
            if quarter.start > local_today():
                raise OperationError("Chưa thể lập báo cáo cho quý chưa bắt đầu.", field="quarter")
            report = operations.create_report(quarter, area, current_user, kind=form.kind.data)
        except ValueError as error:
            form.quarter.errors = [str(error)]
        except OperationError as error:
            error.apply_to(form)
        else:
            flash(f"Đã lập báo cáo {report.period_label} — {db.session.get(Area, report.area_id).name}: "
                  f"{report.kind_label}.", "success")
            return redirect(url_for("reports.index"))
    return _index(form)


@bp.get("/<int:report_id>/download")
@login_required
def download(report_id: int):
    require("see_reports")
    report = get_or_404(Report, report_id, current_user)
    path = operations.report_path(report)
    if not path.is_file():
        abort(404)
    area = db.session.get(Area, report.area_id)
    stem = {"workbook": "Bao-cao", "document": "Bao-cao-van-ban", "review": "Tong-ket"}[report.kind]
    period = str(report.year) if report.kind == "review" else f"{report.year}-Q{report.quarter}"
    name = f"{stem}-{period}-{area.code}{report.suffix}"
    return send_file(path, as_attachment=True, download_name=name, mimetype=MIMETYPES[report.suffix])


@bp.get("/narrative")
@login_required
def narrative_choose():
    """The reports page's period choice → that period's narrative page."""
    require("edit_report_narrative")
    return redirect(url_for("reports.narrative", period=request.args.get("period", "")))


@bp.route("/narrative/<period>", methods=["GET", "POST"])
@login_required
def narrative(period: str):
    """The narrative of a period's documents: số/ký hiệu, the text under I, II, III, nơi nhận, the signer."""
    require("edit_report_narrative")
    try:
        chosen = Period.parse(period)
    except ValueError:
        abort(404)
    if chosen not in _periods():
        abort(404)
    stored = narrative_for(chosen)
    form = NarrativeForm(obj=stored)
    if request.method == "POST" and form.validate_on_submit():
        save_narrative(chosen, {name: getattr(form, name).data for name in FIELDS}, current_user)
        flash(f"Đã lưu nội dung báo cáo {chosen.label}. Lập lại báo cáo văn bản để có nội dung mới.", "success")
        return redirect(url_for("reports.index"))
    return render_template("reports/narrative.html", form=form, period=chosen, stored=stored)
