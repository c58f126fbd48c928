"""Báo cáo: generate the quarterly workbook, the archive, downloads (only within the user's scope: 404 else)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from app.errors import OperationError
from app.extensions import db
from app.models import Area, Report
from app.permissions import may, require
from app.reports import operations, queries
from app.reports.forms import ReportForm
from app.reports.quarters import Quarter
from app.scope import get_or_404
from app.timeutil import local_today
from app.web.choices import choices
from app.web.lists import paginate

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _form() -> ReportForm:
    form = ReportForm()
    form.quarter.choices = choices(queries.quarter_choices(local_today()))
    form.area_id.choices = choices(queries.area_choices(current_user))
    return form


@bp.get("/")
@login_required
def index():
    require("see_reports")
    return render_template("reports/index.html", form=_form(), page=paginate(queries.archive(current_user)),
                           can_generate=may(current_user, "generate_report") and bool(queries.area_choices(current_user)))


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
            report = operations.create_report(quarter, area, current_user)
        except ValueError as error:
            form.quarter.errors = [str(error)]
        except OperationError as error:
            error.apply_to(form)
        else:
            flash(f"Đã lập báo cáo {report.period_label} — {db.session.get(Area, report.area_id).name}.", "success")
            return redirect(url_for("reports.index"))
    return render_template("reports/index.html", form=form, page=paginate(queries.archive(current_user)),
                           can_generate=True)


@bp.get("/<int:report_id>/download")
@login_required
def download(report_id: int):
    require("see_reports")
    report = get_or_404(Report, report_id, current_user)
    path = operations.report_path(report)
    if not path.is_file():
        abort(404)
    area = db.session.get(Area, report.area_id)
    name = f"Bao-cao-{report.year}-Q{report.quarter}-{area.code}.xlsx"
    return send_file(path, as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
