"""District plans: which districts issued and launched their own plan (target T1: 100% of districts).

A coordinator records the plan of a district inside their area scope (number, dates, the signed file);
steering and admin record any. Another district's id answers 404.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.errors import OperationError
from app.extensions import db
from app.models import Area, DistrictPlan
from app.permissions import may
from app.plan import operations, queries
from app.plan.forms import DistrictPlanForm
from app.plan.routes import bp
from app.plan.uploads import store_for_request
from app.scope import get_or_404
from app.timeutil import local_today


@bp.get("/districts")
@login_required
def districts():
    today = local_today()
    rows = queries.district_rows(current_user)
    issued = sum(1 for r in rows if r.issued_by(today))
    return render_template("plan/districts.html", rows=rows, today=today, issued=issued,
                           may_record=lambda area: may(current_user, "record_district_plan", area))


@bp.route("/districts/<int:area_id>", methods=["GET", "POST"])
@login_required
def district_plan(area_id: int):
    district = get_or_404(Area, area_id, current_user)
    if not queries.takes_local_plan(district):
        abort(404)
    plan = db.session.scalar(select(DistrictPlan).where(DistrictPlan.area_id == district.id))
    can_record = may(current_user, "record_district_plan", district)
    if request.method == "POST" and not can_record:
        abort(403)
    form = DistrictPlanForm(obj=plan)
    if can_record and form.validate_on_submit():
        upload = request.files.get("file")
        try:
            saved = operations.record_district_plan(district, form.data, current_user, local_today())
            if upload is not None and upload.filename:
                operations.attach_evidence(store_for_request(upload), current_user, district_plan=saved,
                                           description=f"Kế hoạch {saved.number}".strip())
        except OperationError as error:
            error.apply_to(form)
        else:
            flash(f"Đã ghi nhận kế hoạch của {district.name}.", "success")
            return redirect(url_for("plan.districts"))
    files = queries.evidence_for(current_user, district_plan_ids=[plan.id]) if plan else []
    return render_template("plan/district_plan.html", district=district, plan=plan, form=form, files=files,
                           can_record=can_record)
