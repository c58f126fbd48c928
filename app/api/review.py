"""Learning records held for review: listed to those who see them, matched again once the person exists.

Rules: a held record (no person with its phone in the sending client's scope) is listed to admin, steering and
the coordinators whose scope holds the sending client's scope (`app/api/access.py`); "Khớp lại" matches the held
records the user sees to the persons the user sees with the same normalised phone (never creating a person),
audited with the count; a record still unmatched stays held.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.api import operations
from app.api.forms import ConfirmForm
from app.extensions import db
from app.models import ApiClient, LearningRecord
from app.permissions import require
from app.scope import scoped
from app.web.lists import paginate

bp = Blueprint("learning", __name__, url_prefix="/learning-records")


def _held():
    return scoped(LearningRecord, current_user).where(LearningRecord.state == "held")


@bp.get("/")
@login_required
def review():
    require("review_learning_records")
    page = paginate(_held().order_by(LearningRecord.id.desc()))
    clients = dict(db.session.execute(select(ApiClient.id, ApiClient.name).where(
        ApiClient.id.in_({r.client_id for r in page.items}))).all())
    return render_template("api/review.html", page=page, clients=clients, form=ConfirmForm())


@bp.post("/rematch")
@login_required
def rematch_view():
    require("review_learning_records")
    if not ConfirmForm().validate_on_submit():
        abort(404)
    matched = operations.rematch(current_user)
    flash(f"Đã khớp {matched} kết quả học với người học theo số điện thoại." if matched
          else "Chưa khớp thêm được kết quả nào: chưa có người học với các số điện thoại này.", "success")
    return redirect(url_for("learning.review"))
