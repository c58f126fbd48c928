"""Pages of the network: overview per area, the cascade picture, the lazy subtree JSON, mentor search,
the roster import and promoting a learner."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_template,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from app.areas.maps import programme_province
from app.errors import OperationError
from app.extensions import db
from app.imports.read import MAX_BYTES
from app.models import Area, Enrollment, Person, Trainer, TrainingClass
from app.network import imports, operations, picture, queries, tree
from app.network.forms import ImportForm, PromoteForm
from app.permissions import require
from app.scope import get_or_404
from app.summaries.catalogue import counts_children, counts_figures, counts_figures_of
from app.timeutil import local_today
from app.web.boundary import end_streamed

bp = Blueprint("network", __name__, url_prefix="/network")


def _home() -> Area:
    area = queries.home_area(current_user)
    if area is None:
        abort(404)
    return area


@bp.get("/")
@login_required
def overview():
    region = queries.home_region(current_user)
    if region is None:  # a unit-scoped user: the network is their trainer list
        return redirect(url_for("trainers.index"))
    if region.several:
        return _region_overview(region)
    return _overview(region.parts[0])


def _region_overview(region):
    """The programme's network when it is several top areas of the working map (after 1/7/2025 on the
    un-migrated 2024 map): the parts' roll-ups and lists taken together, a row per child of every part."""
    day = local_today()
    rollup, lists = queries.region_overview(region, current_user)
    children = queries.child_rollups(region)
    child_counts, _stored = counts_children(region.parts[0], day, [c.id for c, _r in children])
    return render_template(
        "network/overview.html", area=None, region=region, since=programme_province(day).valid_from,
        rollup=rollup, children=children, top=lists["top"], dormant=lists["dormant"], branches=lists["branches"],
        snapshots=queries.snapshots(), counted=counts_figures_of(list(region.parts), day), child_counts=child_counts,
        counted_on=day,
    )


@bp.get("/areas/<int:area_id>")
@login_required
def area_overview(area_id: int):
    return _overview(get_or_404(Area, area_id, current_user))


def _overview(area: Area):
    """The network of an area; its programme counts (by class venue) read from the stored `counts` summary."""
    day = local_today()
    child_ids = list(db.session.scalars(select(Area.id).where(Area.parent_id == area.id)))
    child_counts, _stored = counts_children(area, day, child_ids)
    rollup = queries.rollup("area", area.id)
    lists = queries.overview_lists(area, current_user, rollup)
    return render_template(
        "network/overview.html", area=area, rollup=rollup, children=queries.child_rollups(area),
        top=lists["top"], dormant=lists["dormant"], branches=lists["branches"],
        snapshots=queries.snapshots() if area.parent_id is None else [],
        counted=counts_figures(area, day), child_counts=child_counts, counted_on=day,
    )


@bp.get("/cascade")
@login_required
def cascade():
    return redirect(url_for("network.area_cascade", area_id=_home().id))


@bp.get("/areas/<int:area_id>/cascade")
@login_required
def area_cascade(area_id: int):
    area = get_or_404(Area, area_id, current_user)
    return render_template("network/cascade.html", area=area, picture=picture.data(area, current_user))


@bp.get("/areas/<int:area_id>/cascade.svg")
@login_required
def cascade_svg(area_id: int):
    area = get_or_404(Area, area_id, current_user)
    svg = render_template("network/cascade.svg", today=local_today(), **picture.data(area, current_user))
    response = Response(svg, mimetype="image/svg+xml")
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="mang-luoi-{area.code}.svg"'
    return response


@bp.get("/trainers/<int:trainer_id>/children.json")
@login_required
def children(trainer_id: int):
    trainer = get_or_404(Trainer, trainer_id, current_user)
    return jsonify(tree.children(trainer, current_user, max(request.args.get("offset", 0, type=int), 0)))


@bp.get("/mentors.json")
@login_required
def mentors():
    return jsonify(queries.mentor_search(current_user, (request.args.get("q") or "")[:60]))


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_roster():
    require("edit_network")
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("network/import.html", form=form)
    upload = form.file.data
    outcome = imports.Outcome()
    write = request.form.get("action") == "apply"
    progress = imports.import_steps(current_user, upload.filename or "", upload.read(MAX_BYTES + 1), outcome, write)
    try:
        first = next(progress)
    except imports.ImportFileError as error:
        form.file.errors = [str(error)]
        return render_template("network/import.html", form=form)

    def steps():
        try:
            yield first
            yield from progress
        except OperationError as error:
            outcome.error = error.message
        except imports.ImportFileError as error:
            outcome.error = str(error)
        end_streamed(keep=outcome.written and not outcome.error)

    return stream_template("network/import_result.html", steps=steps(),
                           outcome=outcome, write=write, filename=upload.filename)


@bp.get("/import/template.xlsx")
@login_required
def import_template():
    require("edit_network")
    return Response(imports.template(), headers={
        "Content-Disposition": 'attachment; filename="mau-nhap-giang-vien.xlsx"'},
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/enrollments/<int:enrollment_id>/promote", methods=["GET", "POST"])
@login_required
def promote(enrollment_id: int):
    require("promote_learner")
    enrollment = get_or_404(Enrollment, enrollment_id, current_user)
    training_class = db.session.get(TrainingClass, enrollment.class_id)
    person = db.session.get(Person, enrollment.person_id)
    form = PromoteForm()
    if not form.is_submitted():
        form.max_level.data, form.certified_on.data = training_class.level, local_today()
    if form.validate_on_submit():
        try:
            trainer = operations.promote(current_user, enrollment.id, certified_on=form.certified_on.data,
                                         max_level=form.max_level.data)
        except OperationError as error:
            error.apply_to(form)
        else:
            flash(f"{person.full_name} đã được công nhận là giảng viên.", "success")
            return redirect(url_for("trainers.show", trainer_id=trainer.id))
    return render_template("network/promote.html", form=form, person=person, training_class=training_class)
