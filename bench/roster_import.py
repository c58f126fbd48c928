"""Bench: validate and load a 100k-row roster (csv and xlsx) into a fresh SQLite database.

Budget (DESIGN.md §5): a 100k-row roster workbook validated and loaded under 15 s.
Each run builds a fresh database with the test world, generates the files (csv with the csv
module, xlsx with xlsxwriter constant_memory), then times read + check + match + load through
the same code the import page streams (`import_steps`, reading through `app.imports`). Prints medians.
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
from pathlib import Path

ROWS = 100_000
REPEATS = 3
HEADERS = ["Họ và tên", "Số điện thoại", "Số định danh", "Năm sinh", "Giới tính", "Dân tộc", "Email"]


def _rows(n: int):
    for i in range(n):
        yield [f"Học Viên Thử {i}", f"0{912000000 + i}", f"0190{90 + i % 10:02d}{i:06d}", str(1960 + i % 45),
               "Nữ" if i % 2 else "Nam", "Kinh" if i % 3 else "Tày", ""]


def make_csv(n: int = ROWS) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(_rows(n))
    return buffer.getvalue().encode("utf-8")


def make_xlsx(n: int = ROWS) -> bytes:
    import xlsxwriter

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        book = xlsxwriter.Workbook(tmp.name, {"constant_memory": True})
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, HEADERS)
        for r, row in enumerate(_rows(n), start=1):
            sheet.write_row(r, 0, row)
        book.close()
        return Path(tmp.name).read_bytes()


def _one(filename: str, data: bytes) -> tuple[float, int]:
    os.environ.setdefault("LANTOA_ENV", "test")
    from app import create_app
    from app.extensions import db
    from app.models import Trainer, TrainingClass
    from app.training.roster_load import Outcome, import_steps
    from tests import factories

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            factories.build_world()
            db.session.commit()
            trainer = db.session.scalar(db.select(Trainer).order_by(Trainer.id).limit(1))
            venue = db.session.get(factories.Area, trainer.area_id)
            training_class = factories.make_class(trainer, venue, status="open", topic="Bench")
            db.session.commit()
            started = time.perf_counter()
            outcome = Outcome()
            for _ in import_steps(training_class, filename, data, outcome, dry_run=False):
                pass
            db.session.commit()
            elapsed = time.perf_counter() - started
            assert outcome.written and not outcome.errors, outcome.errors[:5]
            count = db.session.scalar(db.select(db.func.count()).where(
                factories.Enrollment.class_id == training_class.id))
            assert isinstance(training_class, TrainingClass)
            db.engine.dispose()
        return elapsed, count


def run() -> dict[str, float]:
    results = {}
    for kind, maker in (("csv", make_csv), ("xlsx", make_xlsx)):
        t0 = time.perf_counter()
        data = maker()
        made = time.perf_counter() - t0
        times = []
        for _ in range(REPEATS):
            elapsed, count = _one(f"roster.{kind}", data)
            assert count == ROWS, count
            times.append(elapsed)
        results[kind] = statistics.median(times)
        print(f"roster import {kind:4s} {ROWS:,} rows ({len(data) / 2**20:.1f} MB, generated in {made:.1f} s): "
              f"median {results[kind]:.2f} s over {REPEATS} runs "
              f"[{', '.join(f'{t:.2f}' for t in times)}] — budget 15 s")
    return results


if __name__ == "__main__":
    run()
