from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.errors import OperationError
from app.models import Trainer
from app.network import operations
from app.network import queries as network_queries
from app.network.forms import MENTOR_HINT, MoveForm, StatusForm, TrainerForm
from app.permissions import may, require
from app.rankings.queries import trainer_points
from app.scope import get_or_404
from app.trainers import queries
from app.training.queries import class_counts
from app.web.lists import paginate

bp = Blueprint("trainers", __name__, url_prefix="/trainers")


@bp.get("/")
@login_required
def index():
    filters = queries.trainer_filters(request.args)
    page = paginate(queries.trainer_list(current_user, **filters), ids_stmt=queries.trainer_ids(current_user, **filters))
    return render_template(
        "trainers/index.html", page=page, **filters, areas=network_queries.area_choices(current_user, "Mọi địa bàn"),
        units=network_queries.unit_choices(current_user, "Mọi đơn vị"), can_edit=_can_edit(),
    )


@bp.get("/<int:trainer_id>")
@login_required
def show(trainer_id: int):
    trainer = get_or_404(Trainer, trainer_id, current_user)
    account = None
    if may(current_user, "invite_trainers", trainer):
        from app.invitations.queries import account_of
        from app.timeutil import utcnow

        account = account_of(trainer, utcnow())
    return render_template("trainers/show.html", trainer=trainer, can_edit=_can_edit(), account=account,
                           status_form=StatusForm(status=trainer.status),
                           rule=class_counts(trainer.id), points=trainer_points(trainer.id),
                           **queries.profile(trainer, current_user))


@bp.get("/<int:trainer_id>/tree")
@login_required
def tree(trainer_id: int):
    trainer = get_or_404(Trainer, trainer_id, current_user)
    from app.network.tree import with_visible_trainees

    return render_template("trainers/tree.html", trainer=trainer, **queries.profile(trainer, current_user),
                           has_children=trainer.id in with_visible_trainees([trainer.id], current_user))


def _can_edit() -> bool:
    return may(current_user, "edit_network")


def _editor() -> None:
    require("edit_network")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    _editor()
    form = TrainerForm()
    form.area_id.choices = network_queries.area_choices(current_user, "— Chọn địa bàn —")
    form.unit_id.choices = network_queries.unit_choices(current_user)
    if form.validate_on_submit():
        try:
            data = {**form.data, "mentor_id": network_queries.resolve_mentor(form.mentor_id.data)}
            trainer = operations.register_trainer(current_user, data)
        except OperationError as error:
            error.apply_to(form)
        else:
            flash("Đã đăng ký giảng viên.", "success")
            return redirect(url_for("trainers.show", trainer_id=trainer.id))
    return render_template("trainers/form.html", form=form, mentor_hint=MENTOR_HINT)


@bp.route("/<int:trainer_id>/move", methods=["GET", "POST"])
@login_required
def move(trainer_id: int):
    _editor()
    trainer = get_or_404(Trainer, trainer_id, current_user)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            mentor_id = network_queries.resolve_mentor(form.mentor_id.data)
            moved = operations.move_trainer(current_user, trainer, mentor_id, form.reason.data)
        except OperationError as error:
            error.apply_to(form)
        else:
            flash(f"Đã chuyển {moved} giảng viên (cả nhánh) sang người hướng dẫn mới.", "success")
            return redirect(url_for("trainers.show", trainer_id=trainer.id))
    return render_template("trainers/move.html", form=form, trainer=trainer, mentor_hint=MENTOR_HINT,
                           **queries.profile(trainer, current_user))


@bp.post("/<int:trainer_id>/status")
@login_required
def set_status(trainer_id: int):
    """Pause, resume or end a trainer; a trainer who is not active cannot sign in."""
    _editor()
    trainer = get_or_404(Trainer, trainer_id, current_user)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            operations.set_status(current_user, trainer, form.status.data)
        except OperationError as error:
            flash(error.message, "danger")
        else:
            flash(f"Đã đổi trạng thái: {trainer.status_label}.", "success")
    else:
        flash("Trạng thái không hợp lệ.", "danger")
    return redirect(url_for("trainers.show", trainer_id=trainer.id))
