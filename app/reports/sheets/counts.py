"""The programme's counts ("Số liệu chung"): every count of `app.counts` for the report's area as of the
report's day, one row each (label, number, what it counts) — the same labels and numbers as the web pages."""

from __future__ import annotations

from app import counts
from app.reports.tables import Column, write_table
from app.reports.workbook import ReportContext, sheet

COLUMNS = [Column("Số liệu", width=28), Column("Số lượng", "int", 14), Column("Cách tính", width=80)]


def count_rows(ctx: ReportContext) -> list[list]:
    figures = counts.figures(ctx.where.area, ctx.where.as_of, ctx.graph)
    return [[c.label, figures[c.key], c.note] for c in counts.COUNTS]


@sheet(25, "Số liệu chung")
def programme_counts(book, ctx: ReportContext) -> None:
    ws = book.add_worksheet("Số liệu chung")
    write_table(ws, ctx.formats, COLUMNS, count_rows(ctx))
