from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.errors import OperationError
from app.extensions import db
from app.models import Area, Certificate, Enrollment, Person, TrainingClass, Unit
from app.people.operations import chosen_duplicate, merge_persons
from app.people.queries import person_ids, person_list
from app.permissions import may, require
from app.scope import get_or_404, visible
from app.timeutil import local_today
from app.training.forms import MergeForm
from app.web.lists import paginate, search_text

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.get("/")
@login_required
def index():
    q = search_text()
    page = paginate(person_list(current_user, q), ids_stmt=person_ids(current_user, q))
    return render_template("people/index.html", page=page, q=q)


@bp.get("/<int:person_id>")
@login_required
def show(person_id: int):
    person = get_or_404(Person, person_id, current_user)
    enrollments = list(db.session.scalars(
        select(Enrollment).where(Enrollment.person_id == person.id, visible(Enrollment, current_user))
        .options(joinedload(Enrollment.training_class).joinedload(TrainingClass.venue_area))
    ))
    certificates = list(db.session.scalars(
        select(Certificate).where(Certificate.person_id == person.id, visible(Certificate, current_user))
        .order_by(Certificate.level)
    ))
    home_area = db.session.get(Area, person.home_area_id) if person.home_area_id else None
    workplace = db.session.get(Unit, person.unit_id) if person.unit_id else None
    from app.api.effects import streaks

    linkable = set(db.session.scalars(select(TrainingClass.id).where(
        TrainingClass.id.in_([e.class_id for e in enrollments]), visible(TrainingClass, current_user))))
    return render_template("people/show.html", person=person, enrollments=enrollments, home_area=home_area,
                           workplace=workplace, streak=streaks(person.id, local_today()), linkable=linkable,
                           certificates=certificates, can_merge=may(current_user, "merge_people"))


@bp.route("/<int:person_id>/merge", methods=["GET", "POST"])
@login_required
def merge(person_id: int):
    """Merge a duplicate person (by its record number) into this one."""
    survivor = get_or_404(Person, person_id, current_user)
    require("merge_people")
    form = MergeForm()
    duplicate = None
    if form.validate_on_submit():
        try:
            duplicate = chosen_duplicate(current_user, form.duplicate_id.data)
            merge_persons(survivor, duplicate)
        except OperationError as error:
            db.session.rollback()
            error.apply_to(form)
        else:
            flash("Đã gộp hồ sơ trùng.", "success")
            return redirect(url_for("people.show", person_id=person_id))
    return render_template("people/merge.html", person=survivor, form=form)
