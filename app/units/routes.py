from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.extensions import db
from app.models import Trainer, Unit
from app.models.vocab import UNIT_KINDS
from app.scope import get_or_404, scoped
from app.web.lists import apply_search, paginate, search_text

bp = Blueprint("units", __name__, url_prefix="/units")


@bp.get("/")
@login_required
def index():
    q = search_text()
    kind = request.args.get("kind", "")
    stmt = scoped(Unit, current_user).order_by(Unit.name)
    if q:
        stmt = apply_search(stmt, Unit.search_key, q)
    if kind in UNIT_KINDS:
        stmt = stmt.where(Unit.kind == kind)
    page = paginate(stmt)
    ids = [u.id for u in page.items]
    trainer_counts = dict(db.session.execute(
        select(Trainer.unit_id, func.count(Trainer.id)).where(Trainer.unit_id.in_(ids)).group_by(Trainer.unit_id)
    ).all()) if ids else {}
    return render_template("units/index.html", page=page, q=q, kind=kind, trainer_counts=trainer_counts)


@bp.get("/<int:unit_id>")
@login_required
def show(unit_id: int):
    unit = get_or_404(Unit, unit_id, current_user)
    children = list(db.session.scalars(scoped(Unit, current_user).where(Unit.parent_id == unit.id)))
    trainers = list(db.session.execute(
        select(Trainer.id, Trainer.tier, Trainer.status, Trainer.generation)
        .where(Trainer.unit_id == unit.id).order_by(Trainer.id).limit(100)
    ))
    return render_template("units/show.html", unit=unit, children=children, trainers=trainers)
