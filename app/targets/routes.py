"""The targets pages: the dashboard of the user's area, and editing a target (steering)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.areas.maps import AreaGraph, working_map
from app.errors import OperationError
from app.extensions import db
from app.gaps.queries import counts_by_severity
from app.imports.read import MAX_BYTES
from app.models import Plan as PlanRow
from app.models import Unit
from app.permissions import may, require
from app.plan.queries import plan_in_force
from app.scope import choice_or_404, get_or_404, visible
from app.summaries.catalogue import counts_figures, counts_figures_of
from app.targets import denominators
from app.targets import targets as target_ops
from app.targets.charts import polyline, x_of
from app.targets.dashboard import dashboard_area, dashboard_for
from app.targets.forecast import current_cascade, run_forecast
from app.targets.forms import DenominatorImportForm, TargetForm, WhatIfForm
from app.targets.indicators import populations_estimated
from app.targets.targets import current_targets
from app.targets.unit_board import unit_board
from app.timeutil import local_today

bp = Blueprint("targets", __name__, url_prefix="/targets")

STATUS_LABELS = {"green": "Đúng lộ trình", "amber": "Chậm nhẹ", "red": "Chậm", "unknown": "Chưa có mẫu số"}


@bp.get("/")
@login_required
def index():
    """The dashboard as of "Ngày tính" (`?ngay=dd/mm/yyyy`, default today): the programme's area and the plan in
    force on that day, with that day's figures."""
    require("see_targets")
    today = local_today()
    day, error = _as_of()
    asked = day if request.args.get("ngay") and error is None else None
    board = dashboard_for(current_user, today, asked)
    counted = counts_figures_of(board.areas, day) if board else None
    return render_template("targets/index.html", board=board, labels=STATUS_LABELS, polyline=polyline,
                           counted=counted, today=today, day=day, date_error=error,
                           gaps=counts_by_severity(current_user), may_edit=may(current_user, "edit_targets"),
                           estimated=populations_estimated())


def _as_of() -> tuple[dt.date, str | None]:
    """The day asked for by `?ngay=dd/mm/yyyy` (today when absent), and an error to show for a bad one."""
    today, raw = local_today(), (request.args.get("ngay") or "").strip()
    if not raw:
        return today, None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
        if day > today:
            return today, "Ngày tính không được sau hôm nay; đang hiển thị số liệu hôm nay."
        return day, None
    return today, "Ngày tính không hợp lệ (dạng ngày/tháng/năm, ví dụ 01/03/2025); đang hiển thị số liệu hôm nay."


@bp.get("/units/")
@login_required
def units():
    """T2/T3 by unit: a unit coordinator's own unit, else the top of the unit tree."""
    require("see_unit_targets")
    if current_user.scope_unit_id:
        return redirect(url_for("targets.unit", unit_id=current_user.scope_unit_id, **request.args))
    day, error = _as_of()
    return render_template("targets/units.html", board=unit_board(current_user, None, day),
                           labels=STATUS_LABELS, parent=None, date_error=error)


@bp.get("/units/<int:unit_id>")
@login_required
def unit(unit_id: int):
    require("see_unit_targets")
    shown = get_or_404(Unit, unit_id, current_user)
    parent = db.session.scalar(select(Unit).where(Unit.id == shown.parent_id, visible(Unit, current_user))) \
        if shown.parent_id else None
    day, error = _as_of()
    return render_template("targets/units.html", board=unit_board(current_user, shown, day),
                           labels=STATUS_LABELS, parent=parent, date_error=error)


def _edited_plan() -> PlanRow | None:
    """The plan whose targets are edited: `?plan=<id>`, one of the programme's plans (else 404), default the plan
    in force today (None: no plan stored, KH 137's file)."""
    raw = (request.args.get("plan") or "").strip()
    if not raw:
        return plan_in_force(local_today())
    choice_or_404(raw, target_ops.programme_plan_ids())
    stored = db.session.get(PlanRow, int(raw))
    if stored is None:  # "0"
        abort(404)
    return stored


@bp.route("/<code>/edit", methods=["GET", "POST"])
@login_required
def edit(code: str):
    """Edit a target of the plan shown (`?plan=<id>`, default the plan in force today)."""
    require("edit_targets")
    stored = _edited_plan()
    target = target_ops.targets_of(stored).get(code)
    if target is None:
        abort(404)
    form = TargetForm(data={"target_percent": target.percent, "start_on": target.start_on,
                            "deadline": target.deadline})
    if form.validate_on_submit():
        try:
            target_ops.update_target(code, float(form.target_percent.data), form.deadline.data, form.start_on.data,
                                     current_user, stored)
        except OperationError as error:
            error.apply_to(form)
        else:
            flash("Đã lưu chỉ tiêu.", "success")
            return redirect(url_for("targets.index"))
    return render_template("targets/edit.html", form=form, target=target, plan=stored)


@bp.get("/denominators/template.xlsx")
@login_required
def denominator_template():
    require("edit_targets")
    return Response(denominators.template(), headers={"Content-Disposition": "attachment; filename=mau-so-chi-tieu.xlsx"},
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/denominators", methods=["GET", "POST"])
@login_required
def denominator_import():
    require("edit_targets")
    form = DenominatorImportForm()
    errors, checked, written, parsed = [], None, None, None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            parsed = denominators.read_table(upload.filename or "", upload.read(MAX_BYTES + 1))
        except denominators.ImportFileError as error:
            form.file.errors = [str(error)]
        else:
            errors, checked = denominators.check(parsed)
            if not errors and not form.dry_run.data:
                written = denominators.apply(checked)
    status = 400 if errors else 200
    return render_template("targets/denominators.html", form=form, errors=errors, checked=checked,
                           written=written, parsed=parsed), status


@bp.get("/forecast")
@login_required
def forecast():
    require("see_targets")
    today = local_today()
    graph = AreaGraph.load()
    day = working_map(current_user) or today
    area = dashboard_area(current_user, day, graph)
    if area is None:
        abort(404)
    cascade = current_cascade(day, today, area, graph)
    form = WhatIfForm(request.args)
    valid = form.validate() if request.args else True
    months = form.months.data if valid and form.months.data else 12
    base = run_forecast(cascade, today, months).series()
    what_if = None
    if valid and request.args and any(f.data not in (None, "") for f in (form.classes_total, form.conversion, form.extra)):
        what_if = run_forecast(cascade, today, months, form.classes_total.data,
                               float(form.conversion.data) / 100 if form.conversion.data is not None else None,
                               form.extra.data or 0).series()
    target = current_targets(today)["working_age_trained_online"]
    goal = cascade.population * target.fraction
    start = [(today, cascade.reached)]
    lines = {"base": start + [(p.date, p.learners_reached) for p in base],
             "what_if": start + [(p.date, p.learners_reached) for p in what_if] if what_if else []}
    top = max([goal, *(v for pts in lines.values() for _, v in pts)]) or 1
    return render_template("targets/forecast.html", form=form, cascade=cascade, base=base, what_if=what_if,
                           lines=lines, top=top, goal=goal, target=target, area=area, polyline=polyline,
                           counted=counts_figures(area, today),
                           last=lines["base"][-1][0], today=today, estimated=populations_estimated(),
                           deadline_x=x_of(target.deadline, today, lines["base"][-1][0], 600))
