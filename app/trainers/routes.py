from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from app.models import Trainer
from app.models.vocab import TRAINER_STATUSES, TRAINER_TIERS
from app.rankings.queries import trainer_points
from app.scope import get_or_404
from app.trainers import queries
from app.training.queries import class_counts
from app.web.lists import paginate, search_text

bp = Blueprint("trainers", __name__, url_prefix="/trainers")


@bp.get("/")
@login_required
def index():
    q = search_text()
    status = request.args.get("status", "")
    tier = request.args.get("tier", "")
    generation = request.args.get("generation", type=int)
    stmt = queries.trainer_list(
        current_user, q,
        status if status in TRAINER_STATUSES else "",
        tier if tier in TRAINER_TIERS else "",
        generation,
    )
    return render_template(
        "trainers/index.html", page=paginate(stmt), q=q, status=status, tier=tier, generation=generation
    )


@bp.get("/<int:trainer_id>")
@login_required
def show(trainer_id: int):
    trainer = get_or_404(Trainer, trainer_id, current_user)
    return render_template("trainers/show.html", trainer=trainer, rule=class_counts(trainer.id),
                           points=trainer_points(trainer.id), **queries.profile(trainer, current_user))
