"""Pages of the map change: the admin's preview and run, steering's clusters, coordinators' placements."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.areas import clusters as cluster_ops
from app.areas import placement
from app.areas.forms import ClusterForm, MigrateForm, PlaceForm
from app.areas.maps import available_maps
from app.areas.migration import migrate_to, preview
from app.errors import OperationError
from app.extensions import db
from app.models import Area, AreaRehoming
from app.permissions import permission_required, require
from app.scope import get_or_404
from app.web.choices import choices
from app.web.lists import paginate

bp = Blueprint("maps", __name__, url_prefix="/areas")


def _later_maps():
    maps = available_maps()
    return maps[1:] if len(maps) > 1 else maps


@bp.route("/map-change", methods=["GET", "POST"])
@permission_required("switch_map")
def map_change():
    targets = _later_maps()
    form = MigrateForm()
    form.to.choices = choices((m.valid_from.isoformat(), f"{m.label} (từ {m.valid_from:%d/%m/%Y})") for m in targets)
    if not form.is_submitted() and targets:
        form.to.data = request.args.get("to") or targets[-1].valid_from.isoformat()
    result = None
    if form.validate_on_submit():
        try:
            result = migrate_to(date.fromisoformat(form.to.data), actor=current_user)
        except OperationError as error:
            db.session.rollback()
            error.apply_to(form)
        else:
            moved = sum(result.moved.values())
            flash(f"Đã chuyển {moved:,} bản ghi sang bản đồ mới; {len(result.pending):,} bản ghi chờ xếp xã mới."
                  .replace(",", "."), "success")
            return redirect(url_for("maps.map_change", to=form.to.data))
    elif form.to.data and not form.is_submitted():
        try:
            result = preview(date.fromisoformat(form.to.data))
        except (OperationError, ValueError) as error:
            form.form_errors.append(getattr(error, "message", "Ngày không hợp lệ."))
    return render_template("areas/map_change.html", form=form, result=result,
                           pending=result.pending[:50] if result else [])


def _newest_top() -> Area | None:
    maps = available_maps()
    if not maps:
        return None
    return db.session.scalar(
        select(Area).where(Area.parent_id.is_(None), Area.valid_from == maps[-1].valid_from).order_by(Area.code)
    )


@bp.get("/clusters")
@permission_required("edit_clusters")
def clusters():
    top = _newest_top()
    rows = cluster_ops.clusters_on(top) if top else []
    sizes = dict(db.session.execute(
        select(Area.parent_id, func.count(Area.id)).where(Area.parent_id.in_([c.id for c in rows]))
        .group_by(Area.parent_id)
    ).all())
    loose = list(db.session.scalars(
        select(Area).where(Area.parent_id == top.id, Area.level != "cluster").order_by(Area.search_key)
    )) if top else []
    return render_template("areas/clusters.html", top=top, clusters=rows, sizes=sizes, loose=loose)


def _cluster_form(top: Area, cluster: Area | None) -> ClusterForm:
    form = ClusterForm(obj=cluster)
    communes = db.session.execute(
        select(Area.id, Area.name, Area.parent_id).where(Area.id.in_(cluster_ops.member_choices(top)))
        .order_by(Area.search_key)
    ).all()
    names = {c.id: c.name for c in cluster_ops.clusters_on(top)}
    form.member_ids.choices = choices(
        (c.id, c.name + (f" ({names[c.parent_id]})" if c.parent_id in names else "")) for c in communes
    )
    if cluster is not None and not form.is_submitted():
        form.member_ids.data = [c.id for c in communes if c.parent_id == cluster.id]
    return form


@bp.route("/clusters/new", methods=["GET", "POST"], endpoint="cluster_new")
@bp.route("/clusters/<int:area_id>", methods=["GET", "POST"])
@permission_required("edit_clusters")
def cluster_edit(area_id: int | None = None):
    top = _newest_top()
    if top is None:
        abort(404)
    cluster = None
    if area_id is not None:
        cluster = get_or_404(Area, area_id, current_user)
        if cluster.level != "cluster":
            abort(404)
        top = db.session.get(Area, cluster.parent_id)
    form = _cluster_form(top, cluster)
    if form.validate_on_submit():
        try:
            saved = cluster_ops.save_cluster(cluster, top, form.name.data, form.member_ids.data or [])
        except OperationError as error:
            db.session.rollback()
            error.apply_to(form)
        else:
            flash(f"Đã lưu {saved.name}.", "success")
            return redirect(url_for("maps.clusters"))
    return render_template("areas/cluster_form.html", form=form, cluster=cluster, top=top)


@bp.route("/placements", methods=["GET", "POST"])
@permission_required("place_area")
def placements():
    if request.method == "POST":
        form = PlaceForm()
        history = get_or_404(AreaRehoming, request.form.get("rehoming_id", type=int) or 0, current_user)
        targets = placement.candidates([history.old_area_id]).get(history.old_area_id, [])
        form.new_area_id.choices = choices(targets)
        require("change_data", history)
        if form.validate_on_submit():
            try:
                placement.place(history, form.new_area_id.data, actor=current_user)
            except OperationError as error:
                db.session.rollback()
                flash(error.message, "danger")
            else:
                name = dict(targets).get(form.new_area_id.data, "")
                flash(f"Đã xếp bản ghi vào {name}.", "success")
        else:
            flash("Hãy chọn một xã mới trong danh sách.", "danger")
        return redirect(url_for("maps.placements", page=request.args.get("page", 1)))
    page = paginate(placement.pending_query(current_user))
    rows = placement.describe(list(page.items))
    return render_template("areas/placements.html", page=page, rows=rows, form=PlaceForm())
