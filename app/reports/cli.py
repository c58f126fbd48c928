"""`lantoa reports quarterly [--quarter 2025-Q4] [--area CODE] [--kind workbook|document|review]`: build and archive a
quarterly workbook (or the quarter's administrative document, or the year-end review of the quarter's year).

The command never commits: the CLI boundary (`app/cli_boundary.py`) commits the archived report's row once.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.cli_boundary import BoundGroup
from app.errors import OperationError


@click.group("reports", cls=BoundGroup, help="Báo cáo quý.")
def reports_cli() -> None:
    pass


@reports_cli.command("quarterly")
@click.option("--quarter", "quarter", default=None, help="Quý, dạng 2025-Q4 (mặc định: quý hiện tại).")
@click.option("--area", "area_code", default=None, help="Mã địa bàn (mặc định: cả tỉnh).")
@click.option("--kind", type=click.Choice(["workbook", "document", "review"]), default="workbook",
              help="workbook: bảng tính quý; document: báo cáo quý dạng văn bản (.docx); review: báo cáo tổng kết năm.")
@with_appcontext
def quarterly(quarter: str | None, area_code: str | None, kind: str) -> None:
    from app.reports.operations import generate_quarterly

    try:
        summary = generate_quarterly(quarter=quarter, area_code=area_code, origin="cli", kind=kind)
    except ValueError as error:  # a quarter not written as 2025-Q4 (the message is Vietnamese)
        raise OperationError(str(error)) from None
    click.echo(summary)
