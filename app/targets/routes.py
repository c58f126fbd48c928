"""The targets pages: the dashboard of the user's area, and editing a target (steering)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.errors import OperationError
from app.extensions import db
from app.gaps.queries import counts_by_severity
from app.targets import targets as target_ops
from app.targets.charts import polyline
from app.targets.dashboard import dashboard_for
from app.targets.forms import TargetForm
from app.timeutil import local_today

bp = Blueprint("targets", __name__, url_prefix="/targets")

STATUS_LABELS = {"green": "Đúng lộ trình", "amber": "Chậm nhẹ", "red": "Chậm", "unknown": "Chưa có mẫu số"}


def _no_trainers():
    if current_user.role == "trainer":
        abort(404)


@bp.get("/")
@login_required
def index():
    _no_trainers()
    board = dashboard_for(current_user, local_today())
    return render_template("targets/index.html", board=board, labels=STATUS_LABELS, polyline=polyline,
                           gaps=counts_by_severity(current_user), may_edit=target_ops.may_edit(current_user))


@bp.route("/<code>/edit", methods=["GET", "POST"])
@login_required
def edit(code: str):
    if not target_ops.may_edit(current_user):
        abort(404)
    target = target_ops.current_targets().get(code)
    if target is None:
        abort(404)
    form = TargetForm(data={"target_percent": target.percent, "start_on": target.start_on,
                            "deadline": target.deadline})
    if form.validate_on_submit():
        try:
            target_ops.update_target(code, float(form.target_percent.data), form.deadline.data, form.start_on.data,
                                     current_user)
        except OperationError as error:
            error.apply_to(form)
        else:
            db.session.commit()
            flash("Đã lưu chỉ tiêu.", "success")
            return redirect(url_for("targets.index"))
    return render_template("targets/edit.html", form=form, target=target)
