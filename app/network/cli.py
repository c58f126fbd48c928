"""`lantoa network …`: recompute the derived network data, move a branch (a data correction).

Commands never commit: the CLI boundary (`app/cli_boundary.py`) commits once when one returns and rolls back
on any failure, so a refused change leaves the database unchanged.
"""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import with_appcontext

from app.cli_boundary import BoundGroup
from app.extensions import db
from app.web.formatting import vn_number


@click.group("network", cls=BoundGroup, help="Mạng lưới giảng viên.")
def network_cli() -> None:
    pass


def echo_summary(summary: dict, echo=click.echo) -> None:
    s = summary["seconds"]
    echo(f"Đã tính lại mạng lưới ngày {datetime.fromisoformat(summary['as_of']):%d/%m/%Y}: "
         f"{vn_number(summary['trainers'])} giảng viên, {vn_number(summary['classes'])} lớp "
         f"(đọc {vn_number(s['load'], 2)} s, tính {vn_number(s['analyse'], 2)} s, ghi {vn_number(s['write'], 2)} s).")
    echo(f"Khác với dữ liệu đã lưu: {vn_number(summary['lineage_differences'])} dòng đào tạo/thế hệ, "
         f"{vn_number(summary['counter_differences'])} bộ đếm (thiếu hoặc sai), "
         f"{vn_number(summary['name_key_differences'])} khóa tìm theo tên; {vn_number(summary['in_loops'])} giảng viên "
         f"nằm trên vòng lặp.")
    for line in summary["examples"]:
        echo(f"  – {line}")
    snap = summary["snapshot"]
    r = "–" if snap["reproduction"] is None else f"{snap['reproduction']:.2f}".replace(".", ",")
    echo(f"Ảnh chụp: {vn_number(snap['active'])} đang hoạt động, sâu {snap['depth']} thế hệ, R = {r}, "
         f"{vn_number(snap['dormant_trainers'])} giảng viên chưa mở lớp, "
         f"{vn_number(snap['dormant_branches'])} nhánh ngưng hoạt động.")
    if summary["repaired"]:
        echo("Đã sửa và lưu.")
    else:
        echo("Chạy thử: chưa ghi gì.")


@network_cli.command("recompute")
@click.option("--dry-run", is_flag=True, help="Chỉ báo cáo khác biệt, không ghi.")
@click.option("--date", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Tính như vào ngày này.")
@with_appcontext
def recompute_cmd(dry_run: bool, as_of) -> None:
    """Tính lại dòng đào tạo, thế hệ, bộ đếm, tổng hợp theo địa bàn/đơn vị và ảnh chụp của ngày."""
    from app.network.operations import recompute_all

    summary = recompute_all(as_of.date() if as_of else None, repair=not dry_run)
    if dry_run:
        db.session.rollback()  # a dry run keeps nothing: the boundary then has nothing to commit
    echo_summary(summary)


@network_cli.command("move")
@click.argument("trainer_id", type=int)
@click.argument("mentor_id", type=int)
@click.option("--reason", default="", help="Lý do điều chỉnh (ghi vào nhật ký).")
@with_appcontext
def move_cmd(trainer_id: int, mentor_id: int, reason: str) -> None:
    """Chuyển giảng viên TRAINER_ID (cùng cả nhánh) sang người hướng dẫn MENTOR_ID."""
    from app.errors import OperationError
    from app.models import Trainer
    from app.network.operations import move_trainer

    trainer = db.session.get(Trainer, trainer_id)
    if trainer is None:
        raise OperationError(f"Không có giảng viên mã {trainer_id}.")
    moved = move_trainer(None, trainer, mentor_id, reason)
    click.echo(f"Đã chuyển {vn_number(moved)} giảng viên sang người hướng dẫn mã {mentor_id}.")
