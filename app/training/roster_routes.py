"""Learners of a class: one by one, or a roster import (template, dry run, streamed progress).

The import page streams: the response body is rendered while the rows are checked, matched and
loaded, so a long import shows its progress (a bar updated by small inline scripts, and text
lines that read without JavaScript). The body runs after the request boundary, so it ends its own transaction
(`app.web.boundary.end_streamed`): committed once, at the end, only if nothing failed.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, stream_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.errors import OperationError
from app.extensions import db
from app.imports.read import MAX_BYTES, FileError
from app.imports.table import Parsed
from app.models import TrainingClass, Unit
from app.permissions import require
from app.scope import get_or_404
from app.training.forms import LearnerForm, RosterForm
from app.training.roster import COLUMNS, EXAMPLE, HEADER, SPEC, check_values
from app.training.roster_load import Outcome, import_steps, load_steps, match_steps
from app.training.routes import bp
from app.training.workplace import choosable_units, default_unit, label, resolve
from app.web.boundary import end_streamed
from app.web.templates_xlsx import XLSX_MIMETYPE, import_template

ENROLLING = ("planned", "open", "running")


def _class_for_learners(class_id: int) -> TrainingClass:
    training_class = get_or_404(TrainingClass, class_id, current_user)
    require("change_class", training_class)
    return training_class


@bp.get("/roster-template.xlsx")
@login_required
def roster_template():
    """The roster template: the Vietnamese headers (required ones marked) and one example row."""
    body = import_template("Danh sách học viên", SPEC.template_headers, [EXAMPLE], notes=[
        "(*) bắt buộc. Cần số điện thoại hoặc số định danh.",
        "Đơn vị công tác: ghi mã đơn vị hoặc tên (tên viết tắt) của đơn vị, không cần dấu. Lớp cán bộ, công chức, "
        "viên chức có đơn vị chủ trì: ô để trống lấy đơn vị chủ trì.",
        "Dòng 2 là ví dụ: khi nhập, dòng giống hệt ví dụ được bỏ qua; hãy ghi đè hoặc xóa nó."])
    return Response(body, mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": "attachment; filename=mau-danh-sach-hoc-vien.xlsx"})


@bp.route("/<int:class_id>/roster", methods=["GET", "POST"])
@login_required
def roster(class_id: int):
    training_class = _class_for_learners(class_id)
    form = RosterForm()
    if training_class.status not in ENROLLING:
        flash("Lớp đã kết thúc hoặc đã hủy, không thể thêm học viên.", "warning")
        return redirect(url_for("training.show", class_id=class_id))
    if not form.validate_on_submit():
        return render_template("training/roster.html", c=training_class, form=form, max_mb=MAX_BYTES // 2**20)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        form.file.errors = ["Vui lòng chọn tệp .xlsx hoặc .csv."]
        return render_template("training/roster.html", c=training_class, form=form, max_mb=MAX_BYTES // 2**20)
    data = upload.read(MAX_BYTES + 1)
    dry_run = request.form.get("action") != "import"
    outcome = Outcome()
    progress = import_steps(training_class, upload.filename, data, outcome, dry_run, current_user)
    try:
        first = next(progress)
    except FileError as error:
        form.file.errors = [str(error)]
        return render_template("training/roster.html", c=training_class, form=form, max_mb=MAX_BYTES // 2**20)

    def steps():
        try:
            yield first
            yield from progress
        except FileError as error:
            outcome.file_error = str(error)
        end_streamed(keep=outcome.written)

    return stream_template("training/roster_result.html", c=training_class, steps=steps(), outcome=outcome,
                           dry_run=dry_run, filename=upload.filename)


@bp.route("/<int:class_id>/learners/new", methods=["GET", "POST"])
@login_required
def add_learner(class_id: int):
    training_class = _class_for_learners(class_id)
    if training_class.status not in ENROLLING:
        abort(404)
    form = LearnerForm()
    if not form.is_submitted():
        form.workplace.data = prefilled_workplace(training_class)
    if form.validate_on_submit():
        try:
            outcome = add_one(training_class, form.data, current_user)
        except OperationError as error:
            error.apply_to(form)
        else:
            if outcome.already:
                flash("Người này đã có trong lớp.", "warning")
            else:
                flash("Đã thêm học viên" + (" (đã có hồ sơ, không tạo trùng)." if outcome.matched else "."), "success")
            return redirect(url_for("training.add_learner", class_id=class_id)
                            if request.form.get("again") else url_for("training.show", class_id=class_id))
    return render_template("training/learner_form.html", c=training_class, form=form,
                           workplaces=workplace_options(current_user, training_class),
                           host_default=default_unit(training_class) is not None)


_FIELD_OF = {header: key for key, header, _ in COLUMNS}


def prefilled_workplace(training_class: TrainingClass) -> str:
    """The learner form's workplace before anything is typed: the host unit of a civil-servant class."""
    unit_id = default_unit(training_class)
    return label(unit_id, db.session.get(Unit, unit_id).name) if unit_id else ""


def workplace_options(user, training_class: TrainingClass) -> list[str]:
    """The units offered while typing a workplace (a datalist; any code or name is still checked)."""
    rows = db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(choosable_units(user, training_class)))
                              .order_by(Unit.search_key).limit(500)).all()
    return [label(i, n) for i, n in rows]


def add_one(training_class: TrainingClass, data: dict, user=None) -> Outcome:
    """One learner, through the same checks and matching as a roster row (the workplace among the units
    `user` may choose)."""
    checked = Parsed()
    values = {k: str(data.get(k) or "").strip() for k, _h, _r in COLUMNS}
    row = check_values(values, checked.errors)
    if row is not None:
        checked.rows.append(row)
        for _ in match_steps(checked.rows, checked.errors):
            pass
        resolve(checked.rows, checked.errors, HEADER["workplace"], user, training_class)
    if checked.errors:
        first = checked.errors[0]
        raise OperationError(first.reason, field=_FIELD_OF.get(first.column))
    outcome = Outcome(checked=checked)
    for _ in load_steps(training_class, checked.rows, outcome):
        pass
    from app.audit import record

    row = checked.rows[0]
    record("class.learner_add", training_class, after={
        "person_id": row["person_id"], "created": bool(outcome.created), "unit_id": row.get("unit_id"),
        "unit_before": row.get("own_unit_id") if row.get("unit_change") else None})
    return outcome
