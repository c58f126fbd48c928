"""Learners of a class: one by one, or a roster import (template, dry run, streamed progress).

The import page streams: the response body is rendered while the rows are checked, matched and
loaded, so a long import shows its progress (a bar updated by small inline scripts, and text
lines that read without JavaScript). The body runs after the request boundary, so it ends its own transaction
(`app.web.boundary.end_streamed`): committed once, at the end, only if nothing failed.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, stream_template, url_for
from flask_login import current_user, login_required

from app.errors import OperationError
from app.imports.read import MAX_BYTES, FileError
from app.imports.table import Parsed
from app.models import TrainingClass
from app.permissions import require
from app.scope import get_or_404
from app.training.forms import LearnerForm, RosterForm
from app.training.roster import COLUMNS, EXAMPLE, SPEC, check_values
from app.training.roster_load import Outcome, import_steps, load_steps, match_steps
from app.training.routes import bp
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
    if form.validate_on_submit():
        try:
            outcome = add_one(training_class, form.data)
        except OperationError as error:
            error.apply_to(form)
        else:
            if outcome.already:
                flash("Người này đã có trong lớp.", "warning")
            else:
                flash("Đã thêm học viên" + (" (đã có hồ sơ, không tạo trùng)." if outcome.matched else "."), "success")
            return redirect(url_for("training.add_learner", class_id=class_id)
                            if request.form.get("again") else url_for("training.show", class_id=class_id))
    return render_template("training/learner_form.html", c=training_class, form=form)


_FIELD_OF = {header: key for key, header, _ in COLUMNS}


def add_one(training_class: TrainingClass, data: dict) -> Outcome:
    """One learner, through the same checks and matching as a roster row."""
    checked = Parsed()
    values = {k: str(data.get(k) or "").strip() for k, _h, _r in COLUMNS}
    row = check_values(values, checked.errors)
    if row is not None:
        checked.rows.append(row)
        for _ in match_steps(checked.rows, checked.errors):
            pass
    if checked.errors:
        first = checked.errors[0]
        raise OperationError(first.reason, field=_FIELD_OF.get(first.column))
    outcome = Outcome(checked=checked)
    for _ in load_steps(training_class, checked.rows, outcome):
        pass
    from app.audit import record

    record("class.learner_add", training_class, after={"person_id": checked.rows[0]["person_id"],
                                                       "created": bool(outcome.created)})
    return outcome
