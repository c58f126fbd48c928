"""Phân công: the coordinator's page of uncovered places and suggestions, accepting, assigning by hand."""

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.assignments import operations, queries, suggestions
from app.assignments.forms import AcceptAllForm, AcceptForm, AssignForm, ConfirmForm
from app.errors import OperationError
from app.extensions import db
from app.models import Area, Assignment, Unit
from app.models.vocab import ASSIGNMENT_STATUSES
from app.permissions import may, require
from app.scope import get_or_404, scope_of
from app.text import fold
from app.timeutil import local_today
from app.web.choices import choices
from app.web.lists import paginate, paginate_list

bp = Blueprint("assignments", __name__, url_prefix="/assignments")


def coordinating(view):
    """Pages for those who coordinate (and viewers, read only: a POST needs `assign_trainers`); trainers get 404."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        require("see_assignments")
        if request.method == "POST":
            require("assign_trainers")
        return view(*args, **kwargs)

    return wrapper


@bp.app_template_global()
def trainer_assignments(trainer_id: int):
    """For the trainer page's include: the trainer's assignments the current user may see."""
    return queries.visible_trainer_assignments(trainer_id, current_user)


SUGGESTIONS_PER_PAGE = 20


def by_place(suggestions: list) -> list:
    """The suggestions grouped by district (communes) or area (units), places without a trainer first."""
    return sorted(suggestions, key=lambda v: (fold(v.target.place), v.target.covered, fold(v.target.name),
                                              fold(v.trainer_name)))


@bp.get("/")
@coordinating
def index():
    """The stored suggestions of the user's scope (`app.assignments.suggestions`): the optimiser never runs here
    but on a scope's first visit ever, before the job has computed it."""
    view = suggestions.current(current_user, local_today())
    page = paginate_list(by_place(view.suggestions if view else []), SUGGESTIONS_PER_PAGE)
    return render_template("assignments/index.html", view=view, page=page, accept=AcceptForm(),
                           recompute=ConfirmForm(), can_recompute=may(current_user, "recompute_suggestions"),
                           can_change=may(current_user, "assign_trainers"), show_all=request.args.get("all") == "1",
                           as_of=view.computed_at if view else None, today=local_today())


@bp.post("/recompute")
@login_required
def recompute():
    """"Tính lại": compute the user's scope's suggestions now."""
    require("see_assignments")
    require("recompute_suggestions")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    key = suggestions.scope_key(scope_of(current_user))
    if key is None:
        abort(404)
    row = suggestions.compute(scope_of(current_user), local_today())
    flash(f"Đã tính lại gợi ý phân công: {len(row.payload.get('suggestions', []))} gợi ý.", "success")
    return redirect(url_for("assignments.index"))


@bp.post("/accept")
@coordinating
def accept():
    form = AcceptForm()
    if not form.validate_on_submit():
        flash("Gợi ý không hợp lệ.", "danger")
        return redirect(url_for("assignments.index"))
    kind, target_id = form.target.data.split(":")
    try:
        item = operations.accept(current_user, int(form.trainer_id.data), kind, int(target_id),
                                 int(form.classes.data), local_today())
    except OperationError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        place = db.session.get(Area, item.area_id).name if item.area_id else db.session.get(Unit, item.unit_id).name
        flash(f"Đã phân công {item.classes} lớp về {place} theo gợi ý.", "success")
    return redirect(url_for("assignments.index"))


@bp.route("/accept-all", methods=["GET", "POST"])
@coordinating
def accept_all():
    """A confirmation page that states the count (GET), then accepting exactly those suggestions (POST)."""
    require("assign_trainers")
    form = AcceptAllForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            items = operations.accept_all(current_user, local_today(), expected=form.expected.data)
        except OperationError as error:
            db.session.rollback()
            flash(f"Chưa phân công được: {error.message} Không có phân công nào được lưu.", "danger")
        else:
            flash(f"Đã chấp nhận {len(items)} gợi ý phân công.", "success")
        return redirect(url_for("assignments.index"))
    view = suggestions.stored(current_user, local_today())
    shown = by_place(view.suggestions) if view else []
    if not shown:
        flash("Không còn gợi ý nào để chấp nhận.", "info")
        return redirect(url_for("assignments.index"))
    places: dict[str, int] = {}
    for s in shown:
        places[s.target.place] = places.get(s.target.place, 0) + 1
    form.expected.data = len(shown)
    return render_template("assignments/accept_all.html", form=form, suggestions=shown, places=places,
                           classes=sum(s.classes for s in shown), targets=len({s.target.key for s in shown}),
                           view=view, as_of=view.computed_at)


@bp.route("/new", methods=["GET", "POST"])
@coordinating
def new():
    require("assign_trainers")
    today = local_today()
    form = AssignForm()
    form.trainer_id.choices = choices([(0, "— Chọn giảng viên —"), *queries.trainer_choices(current_user, today)])
    form.target.choices = choices([("", "— Chọn nơi phân công —"), *queries.target_choices(current_user, today)])
    if not form.is_submitted():
        form.starts_on.data, form.ends_on.data = operations.default_period(today)
        form.target.data = request.args.get("target", "")
    if form.validate_on_submit():
        kind, _, raw_id = (form.target.data or "").partition(":")
        try:
            if not form.trainer_id.data:
                raise OperationError("Vui lòng chọn giảng viên.", field="trainer_id")
            item = operations.assign(current_user, form.trainer_id.data, kind, raw_id,
                                     classes=form.classes.data, starts_on=form.starts_on.data,
                                     ends_on=form.ends_on.data, today=today, reason=form.reason.data or "")
        except OperationError as error:
            db.session.rollback()
            error.apply_to(form)
        else:
            flash("Đã lưu phân công.", "success")
            return redirect(url_for("trainers.show", trainer_id=item.trainer_id))
    return render_template("assignments/form.html", form=form)


@bp.get("/list")
@coordinating
def listing():
    status = request.args.get("status", "active")
    status = status if status in ASSIGNMENT_STATUSES else ""
    page = paginate(queries.assignment_list(current_user, status))
    return render_template("assignments/list.html", page=page, status=status, confirm=ConfirmForm(),
                           can_change=may(current_user, "assign_trainers"), today=local_today())


def _close(assignment_id: int, status: str, done: str):
    item = get_or_404(Assignment, assignment_id, current_user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        operations.close(item, status, local_today())
    except OperationError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        flash(done, "success")
    return redirect(url_for("assignments.listing"))


@bp.post("/<int:assignment_id>/end")
@coordinating
def end(assignment_id: int):
    return _close(assignment_id, "ended", "Đã kết thúc phân công.")


@bp.post("/<int:assignment_id>/cancel")
@coordinating
def cancel(assignment_id: int):
    return _close(assignment_id, "cancelled", "Đã hủy phân công.")
