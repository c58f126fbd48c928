from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Area, Enrollment, Person, TrainingClass
from app.scope import get_or_404, scoped, visible
from app.web.lists import apply_search, paginate, search_text

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.get("/")
@login_required
def index():
    q = search_text()
    stmt = scoped(Person, current_user).options(joinedload(Person.home_area)).order_by(Person.search_key, Person.id)
    if q:
        stmt = apply_search(stmt, Person.search_key, q)
    return render_template("people/index.html", page=paginate(stmt), q=q)


@bp.get("/<int:person_id>")
@login_required
def show(person_id: int):
    person = get_or_404(Person, person_id, current_user)
    enrollments = list(db.session.scalars(
        select(Enrollment).where(Enrollment.person_id == person.id, visible(Enrollment, current_user))
        .options(joinedload(Enrollment.training_class).joinedload(TrainingClass.venue_area))
    ))
    home_area = db.session.get(Area, person.home_area_id) if person.home_area_id else None
    return render_template("people/show.html", person=person, enrollments=enrollments, home_area=home_area)
