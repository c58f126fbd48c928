"""`lantoa units …`: list, create, import and close units from the command line (the operator manages the whole
tree; changes are audited without an account).

Commands never commit: the CLI boundary (`app/cli_boundary.py`) commits once when one returns and rolls back on
any failure, so a refused change or a file with one bad row leaves the database unchanged; a dry run rolls
itself back.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.cli_boundary import BoundGroup, CommandError, InputFile
from app.extensions import db
from app.web.formatting import vn_number


@click.group("units", cls=BoundGroup, help="Cơ quan, đơn vị.")
def units_cli() -> None:
    pass


def _kind(value: str) -> str:
    from app.text import fold
    from app.units.imports import KINDS

    kind = KINDS.get(fold(value)) or KINDS.get(value)
    if kind is None:
        from app.models.vocab import UNIT_KINDS

        raise CommandError(f"Loại “{value}” không hợp lệ (" + "; ".join(UNIT_KINDS) + ").")
    return kind


@units_cli.command("list")
@click.option("--q", "q", default="", help="Tìm theo tên hoặc tên viết tắt (không cần dấu).")
@click.option("--kind", default="", help="Chỉ một loại (mã hoặc tên loại).")
@click.option("--all", "show_all", is_flag=True, help="Cả đơn vị đã ngừng hoạt động.")
@with_appcontext
def list_cmd(q: str, kind: str, show_all: bool) -> None:
    """Liệt kê đơn vị: mã, tên, loại, mã địa bàn, mã đơn vị cấp trên."""
    from sqlalchemy import select

    from app.models import Area, Unit
    from app.timeutil import local_today
    from app.units.queries import open_on
    from app.web.lists import apply_search

    stmt = (select(Unit.id, Unit.name, Unit.kind, Area.code, Unit.parent_id, Unit.valid_to)
            .join(Area, Area.id == Unit.area_id).order_by(Unit.search_key, Unit.id))
    if q:
        stmt = apply_search(stmt, Unit.search_key, q)
    if kind:
        stmt = stmt.where(Unit.kind == _kind(kind))
    if not show_all:
        stmt = stmt.where(open_on(local_today()))
    rows = db.session.execute(stmt).all()
    for row in rows:
        closed = f"\tđến {row.valid_to:%d/%m/%Y}" if row.valid_to else ""
        click.echo(f"{row.id}\t{row.name}\t{row.kind}\t{row.code}\t{row.parent_id or ''}{closed}")
    click.echo(f"{vn_number(len(rows))} đơn vị.")


@units_cli.command("create")
@click.option("--name", required=True, help="Tên đơn vị.")
@click.option("--kind", required=True, help="Loại (mã, ví dụ agency, hoặc tên loại).")
@click.option("--area", "area_code", required=True, help="Mã địa bàn (bản đồ đang dùng).")
@click.option("--parent", "parent_id", type=int, help="Mã đơn vị cấp trên.")
@click.option("--short-name", default=None, help="Tên viết tắt.")
@click.option("--headcount", type=int, help="Số cán bộ, nhân sự (cần --year và --source).")
@click.option("--year", type=int, help="Năm của số liệu.")
@click.option("--source", default=None, help="Nguồn số liệu.")
@click.option("--contact", default=None, help="Liên hệ (điện thoại, thư điện tử, địa chỉ).")
@click.option("--from", "valid_from", type=click.DateTime(["%Y-%m-%d"]), help="Hoạt động từ ngày (mặc định hôm nay).")
@with_appcontext
def create_cmd(name, kind, area_code, parent_id, short_name, headcount, year, source, contact, valid_from) -> None:
    """Thêm một đơn vị."""
    from app.timeutil import local_today
    from app.units.imports import areas_by_code
    from app.units.operations import UnitFields, create_unit

    area_id = areas_by_code({area_code}, None).get(area_code)
    if area_id is None:
        raise CommandError(f"Không có địa bàn mã {area_code}.")
    unit = create_unit(None, UnitFields(
        name=name.strip(), kind=_kind(kind), area_id=area_id, parent_id=parent_id, short_name=short_name,
        headcount=headcount, headcount_year=year, headcount_source=source, contact=contact,
        valid_from=valid_from.date() if valid_from else None), local_today())
    click.echo(f"Đã thêm đơn vị mã {unit.id}: {unit.name}.")


@units_cli.command("import")
@click.argument("file", type=InputFile())
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra, không ghi.")
@with_appcontext
def import_cmd(file: Path, dry_run: bool) -> None:
    """Nhập danh sách đơn vị từ tệp .xlsx/.csv (cùng cột với tệp mẫu và tệp xuất): tất cả hoặc không gì cả."""
    from app.timeutil import local_today
    from app.units import imports

    parsed = imports.read_table(file.name, file.read_bytes())
    errors, checked = imports.check(None, parsed, local_today())
    if errors:
        for error in errors:
            click.echo(f"Dòng {error.row}, cột {error.column}: {error.reason}", err=True)
        raise CommandError(f"{file.name}: {vn_number(len(errors))} lỗi, chưa ghi dòng nào.")
    counts = imports.summary(checked)
    if not dry_run:
        imports.apply(None, checked, local_today())
    verb = "Tệp hợp lệ (chạy thử, chưa ghi gì)" if dry_run else "Đã nhập"
    click.echo(f"{verb}: {vn_number(counts['new'])} đơn vị mới, {vn_number(counts['updated'])} cập nhật, "
               f"{vn_number(counts['unchanged'])} không đổi.")


@units_cli.command("close")
@click.argument("unit_id", type=int)
@click.option("--date", "last_day", type=click.DateTime(["%Y-%m-%d"]),
              help="Ngày cuối cùng đơn vị còn hoạt động (mặc định hôm nay).")
@with_appcontext
def close_cmd(unit_id: int, last_day) -> None:
    """Ghi nhận đơn vị UNIT_ID ngừng hoạt động sau ngày --date."""
    from app.models import Unit
    from app.timeutil import local_today
    from app.units.operations import close_unit

    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise CommandError(f"Không có đơn vị mã {unit_id}.")
    day = last_day.date() if last_day else local_today()
    close_unit(None, unit, day)
    click.echo(f"Đơn vị mã {unit.id} ({unit.name}) hoạt động đến hết {day:%d/%m/%Y}.")


@units_cli.command("merge")
@click.argument("source_ids", type=int, nargs=-1, required=True)
@click.option("--into", "successor_id", type=int, help="Mã đơn vị tiếp nhận (đơn vị đã có).")
@click.option("--new-name", default=None, help="Hoặc tên đơn vị mới hình thành sau khi gộp.")
@click.option("--date", "effective", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="Ngày có hiệu lực (các đơn vị được gộp hoạt động đến hết ngày hôm trước).")
@click.option("--decision", required=True, help="Căn cứ (số quyết định).")
@with_appcontext
def merge_cmd(source_ids, successor_id, new_name, effective, decision) -> None:
    """Gộp các đơn vị SOURCE_IDS vào đơn vị --into (hoặc một đơn vị mới --new-name): mọi hồ sơ chuyển theo."""
    from app.timeutil import local_today
    from app.units.changes import merge_units

    if bool(successor_id) == bool(new_name):
        raise CommandError("Cần đúng một trong hai: --into (đơn vị đã có) hoặc --new-name (đơn vị mới).")
    successor, moved = merge_units(None, list(source_ids), successor_id, new_name, effective.date(), decision,
                                   local_today())
    summary = ", ".join(f"{k} {vn_number(n)}" for k, n in moved.items() if n) or "không có hồ sơ nào"
    click.echo(f"Đã gộp {vn_number(len(source_ids))} đơn vị vào mã {successor.id} ({successor.name}); "
               f"chuyển theo: {summary}.")


@units_cli.command("split")
@click.argument("source_id", type=int)
@click.option("--into", "successor_ids", type=int, multiple=True, help="Mã một đơn vị đã có nhận một phần.")
@click.option("--new-name", "new_names", multiple=True, help="Tên một đơn vị mới (lặp lại cho nhiều đơn vị).")
@click.option("--date", "effective", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Ngày có hiệu lực.")
@click.option("--decision", required=True, help="Căn cứ (số quyết định).")
@with_appcontext
def split_cmd(source_id, successor_ids, new_names, effective, decision) -> None:
    """Tách đơn vị SOURCE_ID; hồ sơ của nó chờ được xếp vào đơn vị mới (trang “Xếp hồ sơ sau khi tách”)."""
    from app.timeutil import local_today
    from app.units.changes import pending, split_unit

    made = split_unit(None, source_id, list(successor_ids), list(new_names), effective.date(), decision,
                      local_today())
    click.echo("Đã tách thành: " + "; ".join(f"mã {u.id} {u.name}" for u in made) + ".")
    waiting = sum(p.count for p in pending(source_id))
    click.echo(f"Còn {vn_number(waiting)} hồ sơ chờ xếp vào đơn vị mới.")
