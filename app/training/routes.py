from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Enrollment, Person, Trainer, TrainingClass
from app.models.vocab import CLASS_STATUSES
from app.scope import get_or_404, scoped
from app.web.lists import paginate

bp = Blueprint("training", __name__, url_prefix="/classes")


@bp.get("/")
@login_required
def index():
    status = request.args.get("status", "")
    level = request.args.get("level", type=int)
    stmt = (
        scoped(TrainingClass, current_user)
        .options(joinedload(TrainingClass.venue_area), joinedload(TrainingClass.trainer).joinedload(Trainer.person))
        .order_by(TrainingClass.start_on.desc(), TrainingClass.id.desc())
    )
    if status in CLASS_STATUSES:
        stmt = stmt.where(TrainingClass.status == status)
    if level in (1, 2, 3, 4, 5):
        stmt = stmt.where(TrainingClass.level == level)
    return render_template("training/index.html", page=paginate(stmt), status=status, level=level)


@bp.get("/<int:class_id>")
@login_required
def show(class_id: int):
    training_class = get_or_404(TrainingClass, class_id, current_user)
    trainer = db.session.scalar(
        select(Trainer).options(joinedload(Trainer.person)).where(Trainer.id == training_class.trainer_id)
    )
    enrollments = paginate(
        select(Enrollment).where(Enrollment.class_id == training_class.id)
        .join(Person, Person.id == Enrollment.person_id)
        .options(joinedload(Enrollment.person)).order_by(Person.search_key)
    )
    return render_template("training/show.html", c=training_class, trainer=trainer, page=enrollments)
