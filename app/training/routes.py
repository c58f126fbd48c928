"""Class pages: list, registration, the class page with its lifecycle and results, the 2–3 rule.

Who may change a class: its trainer, and coordinators, steering and admin who see it; viewers read
(`may(user, "change_class", class)`, app/permissions.py). Views flush; app/web/boundary.py commits once.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.errors import OperationError
from app.extensions import db
from app.models import Area, Certificate, Enrollment, Person, Trainer, TrainingClass
from app.models.vocab import APPLIES, CLASS_STATUSES
from app.permissions import may, require
from app.scope import get_or_404
from app.timeutil import local_today
from app.training import candidates as candidate_ops
from app.training import operations, queries
from app.training.forms import ClassForm, CompletionForm, QuickAddForm, TransitionForm, options
from app.training.levels import level_specs
from app.web.boundary import discard_changes
from app.web.formatting import vn_date
from app.web.lists import paginate
from rollout.two_three import classify

bp = Blueprint("training", __name__, url_prefix="/classes")


@bp.get("/")
@login_required
def index():
    status = request.args.get("status", "")
    level = request.args.get("level", type=int)
    page = paginate(queries.class_list(current_user, status, level),
                    ids_stmt=queries.class_ids(current_user, status, level))
    return render_template("training/index.html", page=page, status=status, level=level,
                           can_register=may(current_user, "change_class"))


def _class_form(trainer: Trainer | None) -> ClassForm:
    form = ClassForm()
    form.venue_area_id.choices = options([(0, "– Chọn xã, phường –")] + [
        (i, f"{n} ({d})" if d else n) for i, n, d in queries.venues(current_user, trainer)])
    form.host_unit_id.choices = options(queries.unit_choices(current_user))
    if not form.is_submitted():
        if trainer is not None:
            form.venue_area_id.data = trainer.area_id
        today = local_today()  # a class that starts today and runs two weeks, unless the trainer says otherwise
        form.start_on.data, form.end_on.data = today, today + timedelta(days=13)
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require("register_class")
    own = queries.own_trainer(current_user)
    form = _class_form(own)
    if form.validate_on_submit():
        try:
            trainer = own or operations.chosen_trainer(current_user, form.trainer_id.data)
            created = operations.register_class(form.data, trainer, current_user)
        except OperationError as error:
            error.apply_to(form)
        else:
            flash("Đã đăng ký lớp học.", "success")
            return redirect(url_for("training.show", class_id=created.id))
    return render_template("training/form.html", form=form, own=own, levels=level_specs(),
                           max_level=own.max_level if own else 5)


@bp.get("/venues.json")
@login_required
def venues_json():
    """Communes in the user's venue scope matching ?q= (diacritics ignored), for the autocomplete."""
    own = queries.own_trainer(current_user)
    rows = queries.venues(current_user, own, request.args.get("q", "")[:60], limit=15)
    return jsonify([{"id": i, "name": n, "district": d} for i, n, d in rows])


@bp.get("/<int:class_id>")
@login_required
def show(class_id: int):
    return _show(get_or_404(TrainingClass, class_id, current_user))


def _completion_form(training_class: TrainingClass) -> CompletionForm:
    form = CompletionForm()
    if not form.is_submitted():
        today = local_today()
        end = training_class.end_on
        form.completed_on.data = end if end and end <= today else today
    return form


def _show(training_class: TrainingClass, completion_form: CompletionForm | None = None, quick_form=None):
    trainer = db.session.scalar(
        select(Trainer).options(joinedload(Trainer.person)).where(Trainer.id == training_class.trainer_id)
    )
    enrollments = paginate(
        select(Enrollment).where(Enrollment.class_id == training_class.id)
        .join(Person, Person.id == Enrollment.person_id)
        .options(joinedload(Enrollment.person)).order_by(Person.search_key)
    )
    certificates = dict(db.session.execute(
        select(Certificate.person_id, Certificate.id).where(
            Certificate.class_id == training_class.id,
            Certificate.person_id.in_([e.person_id for e in enrollments.items]))
    ).all())
    venue = db.session.get(Area, training_class.venue_area_id)
    editable = may(current_user, "change_class", training_class)
    completable = editable and training_class.trainer_id is not None and (
        completion_form is not None or training_class.status in ("planned", "open", "running")
        or (training_class.status == "completed" and queries.has_learners_to_complete(training_class.id)))
    return render_template("training/show.html", c=training_class, trainer=trainer, page=enrollments, venue=venue,
                           certificates=certificates, editable=editable,
                           counts=queries.class_counts(trainer.id) if trainer else None,
                           transition_form=TransitionForm(),
                           next_status=operations.NEXT.get(training_class.status),
                           completable=completable, today=local_today(),
                           completion_form=completion_form or _completion_form(training_class),
                           quick_form=quick_form or QuickAddForm(formdata=None))


def posted_outcomes() -> dict[int, bool | None]:
    """The "áp dụng được" values posted as raw form keys `applies_<enrolment id>`: "" unset, "1" yes, "0" no."""
    outcomes: dict[int, bool | None] = {}
    for key, value in request.form.items():
        if not key.startswith("applies_"):
            continue
        raw = key.removeprefix("applies_")
        if not raw.isdigit() or len(raw) > 18:
            raise OperationError("Học viên không thuộc lớp này.", field="applies")
        if value not in APPLIES:
            raise OperationError("“Áp dụng được” phải là Chưa ghi, Có hoặc Không.", field="applies")
        outcomes[int(raw)] = None if value == "" else value == "1"
    return outcomes


@bp.post("/<int:class_id>/complete")
@login_required
def complete(class_id: int):
    """One step: the chosen learners (or all still enrolled) complete on the chosen day; certificates follow."""
    training_class = get_or_404(TrainingClass, class_id, current_user)
    require("change_class", training_class)
    form = _completion_form(training_class)
    valid = form.validate_on_submit()
    if valid and form.who.data not in ("all", "some"):
        form.who.errors = [*form.who.errors, "Vui lòng chọn: tất cả học viên hoặc chỉ những học viên được đánh dấu."]
        valid = False
    if valid:
        chosen = (form.enrollment_ids.data or []) if form.who.data == "some" else None
        try:
            outcomes = posted_outcomes()
            operations.check_outcome_ids(training_class, outcomes)
            count = operations.complete_class(training_class, form.completed_on.data, local_today(), chosen,
                                              drop_others=form.drop_others.data)
            operations.record_outcomes(training_class, outcomes, local_today())
        except OperationError as error:
            error.apply_to(form)
        else:
            flash(f"Lớp đã kết thúc: {count} học viên hoàn thành ngày {vn_date(form.completed_on.data)}, "
                  "đã cấp chứng nhận.", "success")
            return redirect(url_for("training.show", class_id=class_id))
    return _show(training_class, form)


@bp.post("/<int:class_id>/status")
@login_required
def change_status(class_id: int):
    training_class = get_or_404(TrainingClass, class_id, current_user)
    require("change_class", training_class)
    form = TransitionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        operations.transition(training_class, form.to.data, local_today(), form.reason.data)
    except OperationError as error:
        discard_changes()
        if error.code == "over_limit":
            return render_template("training/over_limit.html", c=training_class, form=form, message=error.message)
        flash(error.message, "danger")
    else:
        flash(f"Lớp đã chuyển sang “{CLASS_STATUSES[form.to.data]}”.", "success")
    return redirect(url_for("training.show", class_id=class_id))


@bp.post("/<int:class_id>/results")
@login_required
def results(class_id: int):
    training_class = get_or_404(TrainingClass, class_id, current_user)
    require("change_class", training_class)
    changes: dict[int, tuple[str, float | None]] = {}
    try:
        for key, status in request.form.items():
            if not key.startswith("status_"):
                continue
            eid = int(key.removeprefix("status_"))
            raw = (request.form.get(f"score_{eid}") or "").replace(",", ".").strip()
            changes[eid] = (status, float(raw) if raw else None)
    except ValueError:
        flash("Điểm phải là số từ 0 đến 100.", "danger")
        return redirect(url_for("training.show", class_id=class_id))
    try:
        outcomes = posted_outcomes()
        operations.check_outcome_ids(training_class, outcomes)
        count = operations.record_results(training_class, changes, local_today())
        applied = operations.record_outcomes(training_class, outcomes, local_today())
    except OperationError as error:
        discard_changes()
        flash(error.message, "danger")
    else:
        flash(f"Đã lưu kết quả của {count} học viên"
              + (f", ghi “Áp dụng được” cho {applied} học viên." if applied else "."), "success")
    return redirect(url_for("training.show", class_id=class_id, page=request.args.get("page")))


@bp.post("/<int:class_id>/enrollments/<int:enrollment_id>/candidate")
@login_required
def candidate(class_id: int, enrollment_id: int):
    training_class = get_or_404(TrainingClass, class_id, current_user)
    require("change_class", training_class)
    enrollment = get_or_404(Enrollment, enrollment_id, current_user)
    if enrollment.class_id != training_class.id:
        abort(404)
    try:
        candidate_ops.mark_candidate(enrollment, training_class, request.form.get("flag") == "1", local_today())
    except OperationError as error:
        discard_changes()
        flash(error.message, "danger")
    else:
        flash("Đã cập nhật đề cử giảng viên.", "success")
    return redirect(url_for("training.show", class_id=class_id))


@bp.get("/candidates")
@login_required
def candidates():
    return render_template("training/candidates.html", page=paginate(queries.candidates(current_user)),
                           can_promote=may(current_user, "promote_learner"))


@bp.post("/enrollments/<int:enrollment_id>/promote")
@login_required
def promote(enrollment_id: int):
    enrollment = get_or_404(Enrollment, enrollment_id, current_user)
    require("promote_learner")
    try:
        trainer = candidate_ops.promote_candidate(enrollment, current_user, local_today())
    except OperationError as error:
        discard_changes()
        flash(error.message, "danger")
        return redirect(url_for("training.candidates"))
    flash("Đã công nhận giảng viên mới.", "success")
    return redirect(url_for("trainers.show", trainer_id=trainer.id))


@bp.get("/rule")
@login_required
def rule():
    show_all = request.args.get("all") == "1"
    today = local_today()
    stmt, settings = queries.rule_rows(current_user, today, only_flagged=not show_all)
    page = paginate(stmt)
    counts = queries.counts_for([t.id for t in page.items])
    statuses = {t.id: classify(*counts[t.id], t.certified_on, today, settings) for t in page.items}
    return render_template("training/rule.html", page=page, counts=counts, statuses=statuses,
                           low=settings.min_classes, high=settings.max_running, grace=settings.grace_days,
                           show_all=show_all)


from app.training import roster_routes  # noqa: E402,F401  (registers the learner routes on bp)
