"""Large exports as background files ("Tệp xuất"): queued by a user, written by the scheduler's job.

Rules:
- a list of more than `LARGE_EXPORT` rows is not streamed in the request (a web worker is stopped after 30 s:
  the province's 1.14M learners stopped at 811,619 rows); the user queues an `ExportFile` instead, with the
  list's filters, and downloads it from the "Tệp xuất" page when it is done;
- the job (`run_queued`, app/jobs/registry.py `exports`) claims the oldest queued export (an UPDATE that only
  one process wins), reads the list with the asking user's scope (`scope_of` works without a request: it reads
  the user's scope from the database), its keys first (their number is the total shown, and bounds the xlsx's
  sheets), then in batches of keys (`ExportTable.batches`), and commits the progress
  (`rows_done`) after every batch; a user who can no longer see the list (role changed, account locked) gets a
  failed export, not someone else's rows;
- the file is written under LANTOA_EXPORTS_DIR with a random name, first as `<name>.part`, renamed when
  complete; a failure removes the partial file and records a Vietnamese message;
- only the user who asked sees the export or downloads it (another user: 404, like any id outside the scope);
- `clean_old` deletes exports older than LANTOA_EXPORT_KEEP_DAYS with their files, and marks failed an export
  left running longer than `STALE_RUNNING` (its process died).
Functions here flush or commit as stated: `queue_export` flushes (the view commits); the job functions commit.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from app.audit import record
from app.exports.tables import TABLES, ExportTable
from app.exports.writers import write_csv, write_xlsx, write_xlsx_aside
from app.extensions import db
from app.jobs.boundary import commit_step
from app.models import ExportFile, User
from app.text import fold
from app.timeutil import utcnow
from app.web.formatting import _local as local_time

LARGE_EXPORT = 100_000  # more rows than this: a background export
# an xlsx of at least this many rows is written by a child process (`write_xlsx_aside`): below it writing in the job
# is as fast and takes less CPU (the child's start and the pickled batches: measured 200,000 learners 4.4 s in
# the job against 4.8 s aside, 500,000 11.2–11.5 s against 11.6–17.1 s; the province's 1.15M 34.0 s against 27.8 s)
XLSX_ASIDE = 500_000
STALE_RUNNING = timedelta(hours=6)
FILTER_KEYS = 20  # at most this many filter values are kept (a list has a handful)


def exports_dir() -> Path:
    path = Path(current_app.config.get("LANTOA_EXPORTS_DIR") or Path(current_app.instance_path) / "exports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep_days() -> int:
    return int(current_app.config.get("LANTOA_EXPORT_KEEP_DAYS") or 7)


def list_filters(args) -> dict[str, str]:
    """The list's filters as stored with an export (the page number is not one)."""
    kept = {key: value[:200] for key, value in args.items() if key != "page" and isinstance(value, str)}
    return dict(list(kept.items())[:FILTER_KEYS])


def table_for(export: ExportFile, user) -> ExportTable | None:
    builder = TABLES.get(export.table)
    return builder(user, MultiDict(export.filters or {})) if builder and user is not None else None


def queue_export(user, kind: str, fmt: str, args) -> ExportFile:
    """A queued export of the list `kind` with its filters, for `user` (flushed)."""
    export = ExportFile(user_id=user.id, table=kind, format=fmt, filters=list_filters(args), state="queued")
    db.session.add(export)
    db.session.flush()
    record("exports.queue", export, after={"table": kind, "format": fmt, "filters": export.filters})
    return export


def download_name(export: ExportFile, table_name: str) -> str:
    """`hoc-vien-20251203-0845.csv`: the list and when it was asked for, in Vietnam's time."""
    return f"{fold(table_name).replace(' ', '-')}-{local_time(export.created_at):%Y%m%d-%H%M}.{export.format}"


def _claim() -> ExportFile | None:
    """The oldest queued export, now running (committed), or None; two processes never claim the same one."""
    while True:
        export_id = db.session.scalar(select(ExportFile.id).where(ExportFile.state == "queued")
                                      .order_by(ExportFile.created_at, ExportFile.id).limit(1))
        if export_id is None:
            return None
        claimed = db.session.execute(update(ExportFile).where(ExportFile.id == export_id,
                                                              ExportFile.state == "queued")
                                     .values(state="running", started_at=utcnow(), rows_done=0))
        commit_step()
        if claimed.rowcount == 1:
            return db.session.get(ExportFile, export_id)


def _batches(export: ExportFile, table: ExportTable, keys):
    """The table's rows in batches, committing `rows_done` after each batch has been taken."""
    for batch in table.batches(keys=keys):
        yield batch
        export.rows_done += len(batch)
        commit_step()


def _progress(export: ExportFile, table: ExportTable, keys):
    """The table's rows, committing `rows_done` after each batch."""
    for batch in _batches(export, table, keys):
        yield from batch


def _write(export: ExportFile, table: ExportTable, partial: Path, keys) -> None:
    if export.format == "xlsx":
        if len(keys) >= XLSX_ASIDE:
            write_xlsx_aside(table, str(partial), _batches(export, table, keys), len(keys))
        else:
            write_xlsx(table, str(partial), _progress(export, table, keys), len(keys))
        return
    with open(partial, "w", encoding="utf-8", newline="") as out:
        write_csv(table, out, _progress(export, table, keys))


def run_export(export: ExportFile) -> ExportFile:
    """Write a claimed (running) export's file with its user's scope; done or failed, committed."""
    user = db.session.get(User, export.user_id)
    table = table_for(export, user) if user is not None and user.is_active else None
    if table is None:
        return _fail(export, "Tài khoản không còn xem được danh sách này.")
    keys = table.keys()  # the rows to write, their number known before the first (the xlsx's sheets)
    export.rows_total = len(keys)
    commit_step()
    folder = exports_dir()
    name = f"{export.id}-{secrets.token_hex(8)}.{export.format}"
    partial = folder / (name + ".part")
    try:
        _write(export, table, partial, keys)
        os.replace(partial, folder / name)
    except Exception:
        db.session.rollback()
        partial.unlink(missing_ok=True)
        current_app.logger.exception("export %s failed", export.id)
        return _fail(db.session.get(ExportFile, export.id), "Không xuất được tệp; hãy thử lại hoặc báo quản trị.")
    export.path, export.state, export.finished_at = name, "done", utcnow()
    export.rows_total = export.rows_done
    commit_step()
    return export


def _fail(export: ExportFile, message: str) -> ExportFile:
    export.state, export.message, export.finished_at = "failed", message, utcnow()
    commit_step()
    return export


def run_queued() -> list[ExportFile]:
    """Every queued export, oldest first, one after another (the scheduler job)."""
    finished = []
    while (export := _claim()) is not None:
        finished.append(run_export(export))
    return finished


def clean_old(days: int, now=None) -> tuple[int, int]:
    """Delete exports older than `days` days and their files; fail exports stuck running. Committed."""
    now = now or utcnow()
    stale = db.session.execute(update(ExportFile).where(ExportFile.state == "running",
                                                        ExportFile.started_at < now - STALE_RUNNING)
                               .values(state="failed", finished_at=now,
                                       message="Bị gián đoạn (tác vụ nền đã dừng); hãy tạo lại tệp.")).rowcount
    old = list(db.session.scalars(select(ExportFile).where(ExportFile.created_at < now - timedelta(days=days))))
    folder = exports_dir()
    for export in old:
        if export.path:
            (folder / export.path).unlink(missing_ok=True)
        db.session.delete(export)
    commit_step()
    return len(old), stale
