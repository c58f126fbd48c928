"""Leaderboards ("Xếp hạng") and the quarterly honours list ("Vinh danh")."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from app.rankings import queries
from app.timeutil import local_today

bp = Blueprint("rankings", __name__, url_prefix="/rankings")


@bp.get("/")
@login_required
def index():
    scopes = queries.board_scopes(current_user)
    key = request.args.get("scope", "")
    if key not in scopes:
        key = next(iter(scopes), "")
    area = scopes.get(key)
    choices = queries.quarters_with_points(local_today())
    quarter = request.args.get("quarter", "")
    period = queries.quarter_bounds(quarter) if quarter in choices else None
    trainers = queries.trainer_board(area, period) if area else []
    return render_template(
        "rankings/index.html", scopes=scopes, scope=key, area=area, quarter=quarter if period else "",
        trainers=trainers, linkable=queries.visible_trainer_ids(current_user, [t[0] for t in trainers]),
        areas=queries.area_board(area, period) if area else [],
        labels=queries.SCOPES, quarters=choices,
    )


@bp.get("/honours")
@login_required
def honours():
    quarter = request.args.get("quarter") or queries.quarter_of(local_today())
    period = queries.quarter_bounds(quarter) or queries.quarter_bounds(queries.quarter_of(local_today()))
    scopes = queries.board_scopes(current_user)
    province = scopes.get("province")
    return render_template(
        "rankings/honours.html", quarter=queries.quarter_of(period[0]), period=period,
        trainers=queries.trainer_board(province, period, limit=10) if province else [],
        areas=queries.area_board(province, period)[:5] if province else [],
        previous=queries.quarter_of(date_before(period[0])),
    )


def date_before(day):
    from datetime import timedelta

    return day - timedelta(days=1)
