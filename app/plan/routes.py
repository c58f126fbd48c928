"""The plan pages: the Gantt view, an activity (progress, dependencies, lead units, evidence), files.

Ids outside the user's scope answer 404 (`get_or_404`); a visible object that the user may not change
answers 403. Views validate, call an operation, commit once.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from app.errors import OperationError
from app.extensions import db, login_manager
from app.models import Activity, ActivityDependency, Evidence, Plan
from app.permissions import may
from app.plan import operations, queries
from app.plan.domain import actuals, load_rows, plan_view, to_domain
from app.plan.forms import DependencyForm, EvidenceForm, LeadUnitsForm, ProgressForm, choice_list
from app.plan.gantt import build_gantt
from app.plan.uploads import MIME_TYPES, path_of, store_for_request
from app.scope import get_or_404
from app.timeutil import local_today
from rollout.schedule import successors_shift

bp = Blueprint("plan", __name__, url_prefix="/plan")


@bp.before_request
def plan_roles_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not may(current_user, "see_plans"):
        abort(404)
    return None


@bp.get("/")
@login_required
def index():
    plans = queries.plans_for(current_user)
    if len(plans) == 1:
        return redirect(url_for("plan.show", plan_id=plans[0].id))
    return render_template("plan/index.html", plans=plans)


@bp.get("/<int:plan_id>")
@login_required
def show(plan_id: int):
    plan = get_or_404(Plan, plan_id, current_user)
    view = plan_view(load_rows(plan), local_today())
    counts = queries.evidence_counts([r.activity.id for r in view.activities], current_user)
    return render_template("plan/show.html", plan=plan, view=view, gantt=build_gantt(view), counts=counts,
                           other_plans=[p for p in queries.plans_for(current_user) if p.id != plan.id])


def _activity_page(activity: Activity, **forms):
    plan = db.session.get(Plan, activity.plan_id)
    rows = load_rows(plan)
    today = local_today()
    view = plan_view(rows, today)
    row = view.row(activity.number)
    what_if = {}
    if activity.status != "done":  # how the activities after it would move if it were finished today
        what_if = successors_shift(to_domain(rows), activity.number, today, actuals(rows.activities, today))
    can_update, can_edit = may(current_user, "update_activity", activity), may(current_user, "edit_plan")
    progress_form = forms.get("progress_form") or ProgressForm(
        status=activity.status, progress=activity.progress, started_on=activity.started_on,
        finished_on=activity.finished_on, note=activity.progress_note, formdata=None)
    dependency_form = forms.get("dependency_form") or DependencyForm(formdata=None)
    dependency_form.predecessor_id.choices = choice_list(queries.other_activities(activity))
    linked = next(a for a in rows.activities if a.id == activity.id).linked_units
    lead_form = forms.get("lead_form") or LeadUnitsForm(unit_ids=[u.id for u in linked], formdata=None)
    lead_form.unit_ids.choices = choice_list(queries.unit_choices())
    evidence_form = forms.get("evidence_form") or EvidenceForm(formdata=None)
    return render_template(
        "plan/activity.html", plan=plan, activity=activity, row=row, view=view, linked=linked,
        neighbours=queries.neighbours(activity), files=queries.evidence_for(current_user, activity_id=activity.id),
        can_update=can_update, can_edit=can_edit, progress_form=progress_form, dependency_form=dependency_form,
        lead_form=lead_form, evidence_form=evidence_form, what_if=what_if, today=today,
        max_mb=current_app.config["LANTOA_UPLOAD_MAX_MB"],
    )


@bp.get("/activities/<int:activity_id>")
@login_required
def activity(activity_id: int):
    return _activity_page(get_or_404(Activity, activity_id, current_user))


def _shift_text(before, after, number: int) -> str:
    moves = []
    for row in after.activities:
        if row.number == number:
            continue
        delta = (row.slip.forecast_start - before.row(row.number).slip.forecast_start).days
        if delta:
            moves.append(f"HĐ {row.number} {'muộn' if delta > 0 else 'sớm'} hơn {abs(delta)} ngày")
    return ("Dự báo các hoạt động khác thay đổi: " + "; ".join(moves) + ".") if moves else ""


@bp.post("/activities/<int:activity_id>/progress")
@login_required
def update_progress(activity_id: int):
    activity = get_or_404(Activity, activity_id, current_user)
    if not may(current_user, "update_activity", activity):
        abort(403)
    form = ProgressForm()
    if form.validate_on_submit():
        plan = db.session.get(Plan, activity.plan_id)
        today = local_today()
        before = plan_view(load_rows(plan), today)
        try:
            operations.update_progress(activity, form.data, current_user, today)
        except OperationError as error:
            error.apply_to(form)
        else:
            after = plan_view(load_rows(plan), today)
            flash(" ".join(filter(None, [f"Đã cập nhật tiến độ hoạt động {activity.number}.",
                                         _shift_text(before, after, activity.number)])), "success")
            return redirect(url_for("plan.show", plan_id=plan.id, _anchor="gantt"))
    return _activity_page(activity, progress_form=form)


@bp.post("/activities/<int:activity_id>/dependencies")
@login_required
def add_dependency(activity_id: int):
    activity = get_or_404(Activity, activity_id, current_user)
    if not may(current_user, "edit_plan"):
        abort(403)
    form = DependencyForm()
    form.predecessor_id.choices = choice_list(queries.other_activities(activity))
    if form.validate_on_submit():
        try:
            operations.add_dependency(activity, form.predecessor_id.data, form.lag_days.data)
        except OperationError as error:
            error.apply_to(form)
        else:
            flash("Đã lưu phụ thuộc; lịch và đường găng đã được tính lại.", "success")
            return redirect(url_for("plan.activity", activity_id=activity.id, _anchor="dependencies"))
    return _activity_page(activity, dependency_form=form)


@bp.post("/dependencies/<int:dependency_id>/delete")
@login_required
def remove_dependency(dependency_id: int):
    dependency = get_or_404(ActivityDependency, dependency_id, current_user)
    if not may(current_user, "edit_plan"):
        abort(403)
    back = request.form.get("back_to", type=int) or dependency.successor_id
    operations.remove_dependency(dependency)
    flash("Đã xóa phụ thuộc; lịch và đường găng đã được tính lại.", "success")
    return redirect(url_for("plan.activity", activity_id=back, _anchor="dependencies"))


@bp.post("/activities/<int:activity_id>/lead-units")
@login_required
def set_lead_units(activity_id: int):
    activity = get_or_404(Activity, activity_id, current_user)
    if not may(current_user, "edit_plan"):
        abort(403)
    form = LeadUnitsForm()
    form.unit_ids.choices = choice_list(queries.unit_choices())
    if form.validate_on_submit():
        try:
            operations.set_lead_units(activity, form.unit_ids.data or [])
        except OperationError as error:
            error.apply_to(form)
        else:
            flash("Đã lưu đơn vị chủ trì.", "success")
            return redirect(url_for("plan.activity", activity_id=activity.id))
    return _activity_page(activity, lead_form=form)


@bp.post("/activities/<int:activity_id>/evidence")
@login_required
def add_evidence(activity_id: int):
    activity = get_or_404(Activity, activity_id, current_user)
    if not may(current_user, "update_activity", activity):
        abort(403)
    form = EvidenceForm()
    if form.validate_on_submit():
        try:
            stored = store_for_request(request.files.get("file"))
            operations.attach_evidence(stored, current_user, activity=activity,
                                       description=form.description.data or "")
        except OperationError as error:
            error.apply_to(form)
        else:
            flash(f"Đã lưu minh chứng “{stored.original_name}”.", "success")
            return redirect(url_for("plan.activity", activity_id=activity.id, _anchor="evidence"))
    return _activity_page(activity, evidence_form=form)


@bp.get("/evidence/<int:evidence_id>")
@login_required
def download(evidence_id: int):
    evidence = get_or_404(Evidence, evidence_id, current_user)
    path = path_of(evidence.stored_name)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=MIME_TYPES[evidence.kind], as_attachment=True,
                         download_name=evidence.original_name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


from app.plan import district_routes  # noqa: E402,F401  (the district-plan views share this blueprint)
