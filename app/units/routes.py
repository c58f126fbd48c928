"""The unit registry pages: the list (search, kind, area, state, paging), a unit's page, create, edit, close, and
the import (template, dry run, all or nothing), merges, splits and the placement of a split unit's records. Thin views: reads in `queries`, changes in `operations`."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.errors import OperationError
from app.extensions import db
from app.imports.read import MAX_BYTES
from app.models import Area, Trainer, Unit, UnitCrosswalk, UnitName
from app.permissions import may, require
from app.scope import get_or_404, scope_of, scoped, visible
from app.timeutil import local_today
from app.units import changes, imports, operations, queries
from app.units.forms import CloseForm, MergeForm, PlaceForm, SplitForm, UnitForm, UnitImportForm
from app.web.boundary import discard_changes
from app.web.choices import choices
from app.web.lists import paginate
from app.web.templates_xlsx import XLSX_MIMETYPE

bp = Blueprint("units", __name__, url_prefix="/units")


@bp.get("/")
@login_required
def index():
    require("see_network")
    filters = queries.unit_filters(request.args)
    stmt = queries.unit_list(current_user, local_today(), **filters).options(
        selectinload(Unit.area), selectinload(Unit.parent))
    page = paginate(stmt)
    ids = [u.id for u in page.items]
    trainer_counts = dict(db.session.execute(
        select(Trainer.unit_id, func.count(Trainer.id)).where(Trainer.unit_id.in_(ids)).group_by(Trainer.unit_id)
    ).all()) if ids else {}
    parents = {u.parent_id for u in page.items if u.parent_id}
    shown = set(db.session.scalars(select(Unit.id).where(Unit.id.in_(parents), visible(Unit, current_user)))) \
        if parents else set()  # a parent outside the user's scope is not named
    return render_template("units/index.html", page=page, filters=filters, trainer_counts=trainer_counts, shown=shown,
                           areas=queries.filter_area_choices(current_user), states=queries.STATES,
                           may_manage=may(current_user, "manage_units"))


@bp.get("/<int:unit_id>")
@login_required
def show(unit_id: int):
    unit = get_or_404(Unit, unit_id, current_user)
    area = db.session.get(Area, unit.area_id)
    parent = db.session.scalar(scoped(Unit, current_user).where(Unit.id == unit.parent_id)) if unit.parent_id else None
    children = list(db.session.scalars(scoped(Unit, current_user).where(Unit.parent_id == unit.id)
                                       .order_by(Unit.search_key, Unit.id)))
    names = list(db.session.scalars(select(UnitName).where(UnitName.unit_id == unit.id)
                                    .order_by(UnitName.valid_from.desc(), UnitName.id.desc())))
    trainers = list(db.session.execute(
        select(Trainer.id, Trainer.tier, Trainer.status, Trainer.generation)
        .where(Trainer.unit_id == unit.id).order_by(Trainer.id).limit(100)
    ))
    went = db.session.execute(select(UnitCrosswalk, Unit.name).join(Unit, Unit.id == UnitCrosswalk.to_unit_id)
                              .where(UnitCrosswalk.from_unit_id == unit.id).order_by(UnitCrosswalk.id)).all()
    came = db.session.execute(select(UnitCrosswalk, Unit.name).join(Unit, Unit.id == UnitCrosswalk.from_unit_id)
                              .where(UnitCrosswalk.to_unit_id == unit.id).order_by(UnitCrosswalk.id)).all()
    waiting = sum(p.count for p in changes.pending(unit.id)) if any(x.kind == "split" for x, _ in went) else 0
    return render_template("units/show.html", unit=unit, area=area, parent=parent, children=children, names=names,
                           trainers=trainers, may_manage=may(current_user, "manage_units", unit),
                           today=local_today(), went=went, came=came, waiting=waiting)


def _form_choices(form: UnitForm, unit: Unit | None = None) -> None:
    today = local_today()
    required = not scope_of(current_user).everything and (unit is None or unit.parent_id is not None)
    form.parent_id.choices = queries.parent_choices(current_user, today, required)
    form.area_id.choices = queries.area_choices(current_user)
    if unit is not None:  # its own parent and area are offered even outside the choices
        own = []
        if unit.parent_id and unit.parent_id not in {c.value for c in form.parent_id.choices}:
            own.append((unit.parent_id, db.session.get(Unit, unit.parent_id).name))
        form.parent_id.choices += choices(own)
        if unit.area_id not in {c.value for c in form.area_id.choices}:
            form.area_id.choices += choices([(unit.area_id, db.session.get(Area, unit.area_id).name)])


def _fields(form: UnitForm) -> operations.UnitFields:
    def text(value):
        return (value or "").strip() or None

    return operations.UnitFields(
        name=(form.name.data or "").strip(), short_name=text(form.short_name.data), kind=form.kind.data,
        parent_id=form.parent_id.data or None, area_id=form.area_id.data, headcount=form.headcount.data,
        headcount_year=form.headcount_year.data, headcount_source=text(form.headcount_source.data),
        contact=text(form.contact.data), valid_from=form.valid_from.data)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require("manage_units")
    form = UnitForm()
    _form_choices(form)
    if request.method == "GET":
        form.valid_from.data = local_today()
        parent = request.args.get("parent", 0, type=int)
        if parent and any(c.value == parent for c in form.parent_id.choices):
            form.parent_id.data = parent
    if form.validate_on_submit():
        try:
            unit = operations.create_unit(current_user, _fields(form), local_today())
        except OperationError as error:
            error.apply_to(form)
        else:
            flash(f"Đã thêm đơn vị {unit.name}.", "success")
            return redirect(url_for("units.show", unit_id=unit.id))
    return render_template("units/form.html", form=form, unit=None)


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@login_required
def edit(unit_id: int):
    unit = get_or_404(Unit, unit_id, current_user)
    require("manage_units", unit)
    form = UnitForm()
    _form_choices(form, unit)
    if request.method == "GET":
        form.fill(unit)
    if form.validate_on_submit():
        try:
            changed = operations.edit_unit(current_user, unit, _fields(form), local_today())
        except OperationError as error:
            error.apply_to(form)
        else:
            flash("Đã lưu đơn vị." if changed else "Không có gì thay đổi.", "success")
            return redirect(url_for("units.show", unit_id=unit.id))
    return render_template("units/form.html", form=form, unit=unit)


@bp.route("/<int:unit_id>/close", methods=["GET", "POST"])
@login_required
def close(unit_id: int):
    unit = get_or_404(Unit, unit_id, current_user)
    require("manage_units", unit)
    form = CloseForm()
    if request.method == "GET":
        form.valid_to.data = local_today()
    if form.validate_on_submit():
        try:
            operations.close_unit(current_user, unit, form.valid_to.data)
        except OperationError as error:
            error.apply_to(form)
        else:
            flash(f"Đã ghi nhận đơn vị {unit.name} ngừng hoạt động.", "success")
            return redirect(url_for("units.show", unit_id=unit.id))
    return render_template("units/close.html", form=form, unit=unit)


@bp.get("/import/template.xlsx")
@login_required
def import_template():
    require("manage_units")
    return Response(imports.template(), mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": "attachment; filename=mau-don-vi.xlsx"})


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_units():
    require("manage_units")
    form = UnitImportForm()
    errors, checked, written, parsed = [], None, None, None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            parsed = imports.read_table(upload.filename or "", upload.read(MAX_BYTES + 1))
        except imports.ImportFileError as error:
            form.file.errors = [str(error)]
        else:
            errors, checked = imports.check(current_user, parsed, local_today())
            if not errors and not form.dry_run.data:
                written = imports.apply(current_user, checked, local_today())
    return render_template("units/import.html", form=form, errors=errors, checked=checked, written=written,
                           parsed=parsed, summary=imports.summary(checked) if checked else None), \
        400 if errors else 200


def _open_managed_choices(exclude: int | None = None) -> list[tuple[int, str]]:
    rows = db.session.execute(select(Unit.id, Unit.name).where(
        Unit.id.in_(queries.parent_ids(current_user, local_today()))).order_by(Unit.search_key, Unit.id)).all()
    return [(i, name) for i, name in rows if i != exclude]


@bp.route("/merge", methods=["GET", "POST"])
@login_required
def merge():
    """Merge several units into one (an existing unit or a new one): their records follow at once."""
    require("manage_units")
    form = MergeForm()
    offered = _open_managed_choices()
    form.source_ids.choices = choices(offered)
    form.successor_id.choices = choices([(0, "— Một đơn vị mới —"), *offered])
    if request.method == "GET":
        first = request.args.get("unit", 0, type=int)
        form.source_ids.data = [first] if any(i == first for i, _ in offered) else []
    if form.validate_on_submit():
        source_ids, successor_id = form.source_ids.data or [], form.successor_id.data or None
        try:
            successor, moved = changes.merge_units(current_user, source_ids, successor_id, form.new_name.data,
                                                   form.effective.data, form.decision.data or "", local_today())
        except OperationError as error:
            error.apply_to(form)
            discard_changes()
        else:
            flash(f"Đã gộp {len(source_ids)} đơn vị vào {successor.name}: " + _moved_text(moved) + ".", "success")
            return redirect(url_for("units.show", unit_id=successor.id))
    return render_template("units/merge.html", form=form)


def _moved_text(moved: dict[str, int]) -> str:
    from app.models.unit import UNIT_MOVE_ENTITIES

    parts = [f"{UNIT_MOVE_ENTITIES[k].lower()}: {n}" for k, n in moved.items() if n]
    return "chuyển theo " + "; ".join(parts) if parts else "không có hồ sơ nào cần chuyển"


@bp.route("/<int:unit_id>/split", methods=["GET", "POST"])
@login_required
def split(unit_id: int):
    """Split a unit into several: its records stay until placed on the placement page."""
    unit = get_or_404(Unit, unit_id, current_user)
    require("manage_units", unit)
    form = SplitForm()
    form.successor_ids.choices = choices(_open_managed_choices(exclude=unit.id))
    if form.validate_on_submit():
        names = (form.new_names.data or "").splitlines()
        try:
            made = changes.split_unit(current_user, unit.id, form.successor_ids.data or [], names,
                                      form.effective.data, form.decision.data or "", local_today())
        except OperationError as error:
            error.apply_to(form)
            discard_changes()
        else:
            flash(f"Đã tách {unit.name} thành {len(made)} đơn vị. Hãy xếp từng hồ sơ của đơn vị cũ vào đơn vị mới.",
                  "success")
            return redirect(url_for("units.placement", unit_id=unit.id))
    return render_template("units/split.html", form=form, unit=unit)


@bp.route("/<int:unit_id>/placement", methods=["GET", "POST"])
@login_required
def placement(unit_id: int):
    """The records still on a split unit, to be placed one by one (or a chosen group at a time) on its successors."""
    unit = get_or_404(Unit, unit_id, current_user)
    require("manage_units", unit)
    links = changes.successors_of(unit.id)
    if not links:
        abort(404)
    form = PlaceForm()
    targets = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_([x.to_unit_id for x in links])))}
    form.to_unit_id.choices = choices([(0, "— Chọn đơn vị —"), *((i, targets[i].name) for i in targets)])
    if form.validate_on_submit():
        try:
            moved = changes.place(current_user, unit, form.entity.data, form.record_ids.data or [],
                                  form.to_unit_id.data)
        except OperationError as error:
            error.apply_to(form)
            discard_changes()
        else:
            flash(f"Đã xếp {moved} hồ sơ vào {targets[form.to_unit_id.data].name}.", "success")
            return redirect(url_for("units.placement", unit_id=unit.id))
    waiting = [p for p in changes.pending(unit.id) if p.count]
    records = {p.entity: changes.records_on(p.entity, unit.id) for p in waiting}
    return render_template("units/placement.html", unit=unit, form=form, waiting=waiting, records=records,
                           targets=targets, links=links)
