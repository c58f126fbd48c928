"""The quarterly report workbook as a registry of sheet builders: one function per sheet, in order.

Rules:
- a sheet builder is `build(book, ctx)`; it adds its own worksheet(s) and writes only rows in `ctx.where`
  (the report's area subtree, counted on that area's map, standing on the quarter's last day);
- `@sheet(order, title)` registers a builder; `build_workbook` runs every registered builder in order, so a
  feature adds a sheet by registering one more builder (sheets live in app/reports/sheets/);
- the workbook is written with `constant_memory` (rows streamed to disk) and Vietnamese formats;
- every sheet gets its print setup (`app.reports.printing.setup_book`: A4 landscape, fit to width, repeated
  header rows, the report's name and page numbers); a chart goes in with `printing.place_chart` (a page of its own).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

import xlsxwriter
from xlsxwriter.workbook import Workbook

from app import ROOT
from app.areas.graph import AreaGraph
from app.reports.printing import setup_book
from app.reports.quarters import Quarter
from app.reports.tables import Formats
from app.targets.measures import Where

PLAN_FILE = ROOT / "data" / "plans" / "kh137.yaml"


@dataclass
class ReportContext:
    where: Where
    quarter: Quarter
    generated_at: datetime
    generated_by: str
    graph: AreaGraph
    formats: Formats | None = None
    cache: dict = field(default_factory=dict)  # shared results between sheets (e.g. the measures)

    @property
    def name(self) -> str:
        """The report's name: on the workbook's properties, the cover and every printed page's header."""
        return f"Báo cáo {self.quarter.label} — {self.where.area.name}"

    @property
    def plan(self):
        """The plan in force at the quarter's end (`app.plan.queries.plan_in_force`), as stored; KH 137's file
        when no plan is stored."""
        if "plan" not in self.cache:
            from app.plan.domain import stated_plan
            from app.plan.queries import plan_in_force

            stored = plan_in_force(self.quarter.end)
            self.cache["plan"] = stated_plan(stored) if stored is not None and stored.targets else load_plan()
        return self.cache["plan"]


@dataclass(frozen=True)
class SheetSpec:
    order: int
    title: str
    build: Callable[[Workbook, ReportContext], None]


SHEETS: list[SheetSpec] = []


def sheet(order: int, title: str):
    """Register a sheet builder; `title` is the worksheet name (at most 31 characters)."""

    def register(build: Callable[[Workbook, ReportContext], None]):
        SHEETS[:] = [s for s in SHEETS if s.title != title]
        SHEETS.append(SheetSpec(order, title, build))
        SHEETS.sort(key=lambda s: s.order)
        return build

    return register


@cache
def load_plan():
    from rollout.plan import load_plan_file

    return load_plan_file(PLAN_FILE)


def build_workbook(path: Path, ctx: ReportContext) -> list[str]:
    """Write the workbook to `path`; returns the sheet titles in order."""
    import app.reports.sheets  # noqa: F401  (registers the builders)

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "default_date_format": "dd/mm/yyyy"})
    book.set_properties({"title": ctx.name, "author": ctx.generated_by, "company": "Bình dân học AI — Lan Tỏa"})
    ctx.formats = Formats(book)
    for spec in SHEETS:
        spec.build(book, ctx)
    setup_book(book, ctx.name)
    book.close()
    return [spec.title for spec in SHEETS]
