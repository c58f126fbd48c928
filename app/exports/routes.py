"""Export routes: `/exports/<kind>.<xlsx|csv>?<the list's filters>` and a class's learners.

Every export reads through the list page's scoped query (app/exports/tables.py); a kind or class outside the
user's reach answers 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask_login import current_user, login_required

from app.exports.tables import TABLES, class_learners
from app.exports.writers import csv_response, xlsx_response
from app.models import TrainingClass
from app.scope import get_or_404

bp = Blueprint("exports", __name__, url_prefix="/exports")
WRITERS = {"csv": csv_response, "xlsx": xlsx_response}


def _send(table, fmt: str):
    if table is None or fmt not in WRITERS:
        abort(404)
    return WRITERS[fmt](table)


@bp.get("/<kind>.<fmt>")
@login_required
def table(kind: str, fmt: str):
    if kind not in TABLES:
        abort(404)
    return _send(TABLES[kind](current_user, request.args), fmt)


@bp.get("/classes/<int:class_id>/learners.csv", defaults={"fmt": "csv"})
@bp.get("/classes/<int:class_id>/learners.xlsx", defaults={"fmt": "xlsx"})
@login_required
def learners_of_class(class_id: int, fmt: str):
    training_class = get_or_404(TrainingClass, class_id, current_user)
    return _send(class_learners(current_user, training_class), fmt)
