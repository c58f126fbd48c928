"""The gaps page: what is missing in the user's scope, and acknowledging it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.errors import OperationError
from app.extensions import db
from app.gaps import operations, queries
from app.models import Gap
from app.models.vocab import GAP_STATES
from app.scope import can_change, get_or_404
from app.web.lists import paginate

bp = Blueprint("gaps", __name__, url_prefix="/gaps")


@bp.get("/")
@login_required
def index():
    state = request.args.get("state", "active")
    states = (state,) if state in GAP_STATES else queries.ACTIVE
    rule = request.args.get("rule", "")
    page = paginate(queries.gaps_stmt(current_user, states, rule if rule in queries.RULE_LABELS else None))
    return render_template("gaps/index.html", page=page, state=state, rule=rule, rules=queries.rule_choices(),
                           message=queries.message, why=queries.why, rule_label=queries.rule_label,
                           can_change=can_change(current_user))


@bp.post("/<int:gap_id>/acknowledge")
@login_required
def acknowledge(gap_id: int):
    gap = get_or_404(Gap, gap_id, current_user)
    if not can_change(current_user):
        abort(403)
    try:
        operations.acknowledge(gap, current_user)
    except OperationError as error:
        flash(error.message, "warning")
    else:
        db.session.commit()
        flash("Đã tiếp nhận cảnh báo.", "success")
    return redirect(url_for("gaps.index", **{k: v for k, v in request.args.items() if k in ("state", "rule", "page")}))
