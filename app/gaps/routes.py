"""The gaps pages: what is missing in the user's scope, one gap with its history, acknowledging and closing."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.errors import OperationError
from app.gaps import operations, queries
from app.gaps.forms import AcknowledgeForm, ResolveForm
from app.models import Gap
from app.models.vocab import GAP_STATES, SEVERITIES
from app.permissions import may
from app.scope import get_or_404
from app.timeutil import local_today
from app.web.lists import paginate

bp = Blueprint("gaps", __name__, url_prefix="/gaps")


@bp.get("/")
@login_required
def index():
    state = request.args.get("state", "active")
    states = (state,) if state in GAP_STATES else queries.ACTIVE
    rule = request.args.get("rule", "")
    severity = request.args.get("severity", "")
    chosen = (current_user, states, rule if rule in queries.RULE_LABELS else None,
              severity if severity in SEVERITIES else None)
    page = paginate(queries.gaps_stmt(*chosen), ids_stmt=queries.gap_ids(*chosen))
    return render_template("gaps/index.html", page=page, state=state, rule=rule, severity=severity,
                           rules=queries.rule_choices(), counts=queries.counts_by_severity(current_user),
                           message=queries.message, why=queries.why, rule_label=queries.rule_label,
                           can_change=may(current_user, "change_data"))


def _detail(gap: Gap, ack: AcknowledgeForm | None = None, resolve: ResolveForm | None = None, status: int = 200):
    return render_template("gaps/detail.html", gap=gap, message=queries.message(gap), why=queries.why(gap),
                           rule_label=queries.rule_label(gap.rule_code), history=queries.history(gap),
                           owner=queries.user_name(gap.owner_id), area_name=queries.area_name(gap),
                           can_change=may(current_user, "change_data", gap),
                           ack=ack or AcknowledgeForm(), resolve=resolve or ResolveForm()), status


@bp.get("/<int:gap_id>")
@login_required
def detail(gap_id: int):
    return _detail(get_or_404(Gap, gap_id, current_user))


@bp.post("/<int:gap_id>/acknowledge")
@login_required
def acknowledge(gap_id: int):
    gap = get_or_404(Gap, gap_id, current_user)
    if not may(current_user, "change_data", gap):
        abort(403)
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        return _detail(gap, ack=form, status=400)
    try:
        operations.acknowledge(gap, current_user, form.note.data, form.due_on.data, local_today())
    except OperationError as error:
        error.apply_to(form)
        return _detail(gap, ack=form, status=400)
    flash("Đã tiếp nhận cảnh báo.", "success")
    return redirect(url_for("gaps.detail", gap_id=gap.id))


@bp.post("/<int:gap_id>/resolve")
@login_required
def resolve(gap_id: int):
    gap = get_or_404(Gap, gap_id, current_user)
    if not may(current_user, "change_data", gap):
        abort(403)
    form = ResolveForm()
    if not form.validate_on_submit():
        return _detail(gap, resolve=form, status=400)
    try:
        operations.resolve(gap, current_user, form.reason.data)
    except OperationError as error:
        error.apply_to(form)
        return _detail(gap, resolve=form, status=400)
    flash("Đã đóng cảnh báo.", "success")
    return redirect(url_for("gaps.detail", gap_id=gap.id))
