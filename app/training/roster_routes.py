"""Learners of a class: one by one, several typed on the class page (quick add), or a roster import (template, dry
run, streamed progress).

The import page streams: the response body is rendered while the rows are checked, matched and
loaded, so a long import shows its progress (a bar updated by small inline scripts, and text
lines that read without JavaScript). The body runs after the request boundary, so it ends its own transaction
(`app.web.boundary.end_streamed`): committed once, at the end, only if nothing failed.
"""

from __future__ import annotations

import csv
import io
import re

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
from app.training.forms import LearnerForm, QuickAddForm, RosterForm
from app.training.roster import COLUMNS, EXAMPLE, HEADER, SPEC, check_values
from app.training.roster_load import Outcome, import_steps, load_steps, match_steps
from app.training.routes import bp
from app.training.workplace import choosable_units, default_unit, label, resolve
from app.web.boundary import discard_changes, end_streamed
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


QUICK_LINE = re.compile(r"^(?P<name>.*?)[\s,;\t]+(?P<phone>\+?[\d][\d .\-]{7,}\d)\s*$")
QUICK_MAX_LINES = 200


def quick_rows(text: str) -> tuple[bytes, list[str]]:
    """The quick-add box as a roster CSV ("Họ và tên", "Số điện thoại"), and the lines that have no phone at their
    end (named by their number): one line per person, the phone after the name (a comma, a tab or spaces)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([HEADER["full_name"], HEADER["phone"]])
    problems = []
    lines = [line.strip() for line in text.splitlines()]
    for number, line in enumerate(lines, 1):
        if not line:
            continue
        found = QUICK_LINE.match(line)
        if found is None or not found["name"].strip(" ,;"):
            problems.append(f"Dòng {number}: cần họ và tên rồi số điện thoại (ví dụ: Nguyễn Thị Lan, 0912 345 678).")
            continue
        writer.writerow([found["name"].strip(" ,;"), found["phone"]])
    return out.getvalue().encode("utf-8"), problems


@bp.post("/<int:class_id>/quick-add")
@login_required
def quick_add(class_id: int):
    """Learners typed on the class page go through the roster import (same checks, matching and audit), all or
    nothing; a refusal names the line and keeps the text in the box."""
    training_class = _class_for_learners(class_id)
    if training_class.status not in ENROLLING:
        abort(404)
    form = QuickAddForm()
    problems: list[str] = []
    if form.validate_on_submit():
        data, problems = quick_rows(form.people.data)
        if not problems and data.count(b"\n") - 1 > QUICK_MAX_LINES:
            problems = [f"Tối đa {QUICK_MAX_LINES} người mỗi lần; dùng “Nhập danh sách” cho danh sách dài."]
        if not problems:
            outcome = Outcome()
            try:
                for _ in import_steps(training_class, "them-nhanh.csv", data, outcome, False, current_user):
                    pass
            except FileError as error:
                problems = [str(error)]
            else:
                lines = _line_numbers(form.people.data)
                problems = [f"Dòng {lines.get(e.row, e.row)}: {e.column}: {e.reason}" for e in outcome.errors]
                if not problems:
                    added = outcome.enrolled
                    flash(f"Đã thêm {added} học viên vào lớp" + (f" ({outcome.matched} người đã có hồ sơ, không "
                          "tạo trùng)" if outcome.matched else "") + (f"; {outcome.already} người đã có trong lớp"
                                                                        if outcome.already else "") + ".", "success")
                    return redirect(url_for("training.show", class_id=class_id, _anchor="learners"))
    else:
        problems = [e for errors in form.errors.values() for e in errors]
    discard_changes()
    for problem in problems[:10]:
        flash(problem, "danger")
    if len(problems) > 10:
        flash(f"… và {len(problems) - 10} lỗi khác. Chưa thêm ai.", "danger")
    from app.training.routes import _show

    return _show(training_class, quick_form=form)


def _line_numbers(text: str) -> dict[int, int]:
    """Roster row number (2 = the first person) → the line of the box it came from."""
    rows, row = {}, 1
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and QUICK_LINE.match(line.strip()):
            row += 1
            rows[row] = number
    return rows
