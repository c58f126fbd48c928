"""Benchmark of the quarterly report workbook at province scale (DESIGN.md section 5: under 10 s).

Seeds `lantoa demo --size province` (~30k trainers, ~100k classes, ~1M enrolments) into a temporary SQLite file
(1–4 minutes), then builds the province-wide workbook of the last complete quarter `--repeat` times through
`app.reports.operations.create_report` (every sheet, written with constant_memory, archived) and prints the
median, the slowest sheet and the file size; also the district-level workbook of Đại Từ.

Usage: python -m bench.quarterly_report [--repeat 3] [--size province|demo]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def _sheet_times(ctx_factory) -> list[tuple[str, float]]:
    """Each sheet builder timed alone on a throw-away workbook (the measures and figures not cached)."""
    import xlsxwriter

    import app.reports.sheets  # noqa: F401
    from app.reports.printing import setup_book
    from app.reports.tables import Formats
    from app.reports.workbook import SHEETS

    times = []
    with tempfile.TemporaryDirectory() as folder:
        for spec in SHEETS:
            ctx = ctx_factory()
            book = xlsxwriter.Workbook(str(Path(folder) / f"{spec.order}.xlsx"), {"constant_memory": True})
            ctx.formats = Formats(book)
            started = time.perf_counter()
            spec.build(book, ctx)
            setup_book(book, ctx.name)  # as build_workbook does
            book.close()
            times.append((spec.title, time.perf_counter() - started))
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["demo", "province"], default="province")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv or [])
    os.environ.setdefault("LANTOA_ENV", "development")
    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import create_app
    from app.areas.graph import AreaGraph
    from app.areas.maps import programme_root
    from app.demo import seed_demo
    from app.extensions import db
    from app.models import Area
    from app.reports.operations import create_report
    from app.reports.quarters import Quarter
    from app.reports.workbook import ReportContext
    from app.targets.measures import Where
    from app.timeutil import local_today, utcnow

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                          "LANTOA_REPORTS_DIR": str(Path(folder) / "reports")})
        with app.app_context():
            started = time.perf_counter()
            upgrade()
            seed_demo(size=args.size, echo=lambda line: None)
            db.session.commit()
            print(f"[seed] {args.size}: {time.perf_counter() - started:.1f} s (migrate, demo rows, recompute)")
            quarter = Quarter.of(local_today()).previous()
            province = programme_root()
            runs, report = [], None
            for _ in range(args.repeat):
                started = time.perf_counter()
                report = create_report(quarter, province, None, origin="cli")
                db.session.commit()
                runs.append(time.perf_counter() - started)
            print(f"  province workbook {quarter.label}: median {statistics.median(runs):6.2f} s "
                  f"(runs {', '.join(f'{r:.2f}' for r in runs)}; budget 10 s), {report.size_bytes / 1024:,.0f} KB")
            dai_tu = db.session.scalar(select(Area).where(Area.code == "D171", Area.valid_from == province.valid_from))
            started = time.perf_counter()
            create_report(quarter, dai_tu, None, origin="cli")
            db.session.commit()
            print(f"  district workbook (Đại Từ):        {time.perf_counter() - started:6.2f} s")
            graph = AreaGraph.load()
            sheets = _sheet_times(lambda: ReportContext(Where(province, province.valid_from, quarter.end), quarter,
                                                        utcnow(), "bench", graph))
            print("  per sheet: " + ", ".join(f"{title} {seconds:.2f} s" for title, seconds in sheets))
