"""Export routes: `/exports/<kind>.<xlsx|csv>?<the list's filters>`, a class's learners, and the "Tệp xuất" pages.

Every export reads through the list page's scoped query (app/exports/tables.py); a kind or class outside the
user's reach answers 404. A list of more than `LARGE_EXPORT` rows is not streamed: the page offers to make the
file in the background (POST, CSRF), and `/exports/files/` shows its progress (a meta refresh every few seconds
while one is waiting or running: no script, works on any phone) and the download link; an export file is seen
and downloaded only by the user who asked for it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.exports import files
from app.exports.forms import ExportRequestForm
from app.exports.tables import LIST_FILES, TABLES, class_learners
from app.exports.writers import csv_response, xlsx_response
from app.extensions import db
from app.models import ExportFile, TrainingClass
from app.scope import get_or_404

bp = Blueprint("exports", __name__, url_prefix="/exports")
WRITERS = {"csv": csv_response, "xlsx": xlsx_response}
REFRESH_SECONDS = 5
LISTED = 30


def _send(table, fmt: str):
    if table is None or fmt not in WRITERS:
        abort(404)
    return WRITERS[fmt](table)


@bp.get("/<kind>.<fmt>")
@login_required
def table(kind: str, fmt: str):
    if kind not in TABLES or fmt not in WRITERS:
        abort(404)
    export = TABLES[kind](current_user, request.args)
    if export is None:
        abort(404)
    total = export.count()
    if total > files.LARGE_EXPORT:
        form = ExportRequestForm(kind=kind, fmt=fmt, filters=urlencode(files.list_filters(request.args)))
        return render_template("exports/large.html", form=form, table=export, total=total, fmt=fmt,
                               limit=files.LARGE_EXPORT)
    return _send(export, fmt)


@bp.get("/classes/<int:class_id>/learners.csv", defaults={"fmt": "csv"})
@bp.get("/classes/<int:class_id>/learners.xlsx", defaults={"fmt": "xlsx"})
@login_required
def learners_of_class(class_id: int, fmt: str):
    training_class = get_or_404(TrainingClass, class_id, current_user)
    return _send(class_learners(current_user, training_class), fmt)


@bp.post("/files")
@login_required
def create_file():
    form = ExportRequestForm()
    if not form.validate_on_submit():
        abort(400)
    kind, fmt = form.kind.data, form.fmt.data
    args = MultiDict(parse_qsl(form.filters.data or "")[:files.FILTER_KEYS])
    if kind not in TABLES or fmt not in WRITERS or TABLES[kind](current_user, args) is None:
        abort(404)
    files.queue_export(current_user, kind, fmt, args)
    flash("Đã nhận yêu cầu: tệp đang được xuất ở chế độ nền. Trang này tự cập nhật; tải tệp về khi xong.", "success")
    return redirect(url_for("exports.file_list"))


@bp.get("/files/")
@login_required
def file_list():
    exports = list(db.session.scalars(select(ExportFile).where(ExportFile.user_id == current_user.id)
                                      .order_by(ExportFile.created_at.desc(), ExportFile.id.desc()).limit(LISTED)))
    titles = {kind: title for kind, (_, title) in LIST_FILES.items()}
    waiting = any(export.state in ("queued", "running") for export in exports)
    return render_template("exports/files.html", exports=exports, titles=titles,
                           refresh=REFRESH_SECONDS if waiting else None, keep_days=files.keep_days())


@bp.get("/files/<int:export_id>")
@login_required
def download(export_id: int):
    export = db.session.scalar(select(ExportFile).where(ExportFile.id == export_id,
                                                        ExportFile.user_id == current_user.id))
    if export is None or export.state != "done" or not export.path:
        abort(404)
    path = Path(files.exports_dir()) / export.path
    if not path.is_file():
        abort(404)
    mimetype = ("text/csv" if export.format == "csv"
                else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return send_file(path, as_attachment=True, mimetype=mimetype,
                     download_name=files.download_name(export, LIST_FILES[export.table][0]))

