"""`lantoa reports quarterly [--quarter 2025-Q4] [--area CODE]`: build and archive a quarterly workbook."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.errors import OperationError
from app.extensions import db


@click.group("reports", help="Báo cáo quý.")
def reports_cli() -> None:
    pass


@reports_cli.command("quarterly")
@click.option("--quarter", "quarter", default=None, help="Quý, dạng 2025-Q4 (mặc định: quý hiện tại).")
@click.option("--area", "area_code", default=None, help="Mã địa bàn (mặc định: cả tỉnh).")
@with_appcontext
def quarterly(quarter: str | None, area_code: str | None) -> None:
    from app.reports.operations import generate_quarterly

    try:
        summary = generate_quarterly(quarter=quarter, area_code=area_code, origin="cli")
    except (OperationError, ValueError) as error:
        db.session.rollback()
        raise click.ClickException(getattr(error, "message", str(error))) from None
    db.session.commit()
    click.echo(summary)
