"""Bench: exporting a large learner table — streamed CSV (the request path) and the background export's CSV and
xlsx (`app.exports.files.run_export`, batches of keys with progress commits).

A child process builds a SQLite database: the 2024 map and `--rows` persons (default 200,000) spread over the
province's communes with Core bulk inserts (seconds, instead of the province demo's minutes), and one steering
account. Each case then runs in its own fresh process, so its peak resident memory (`ru_maxrss`) is its own;
the figure printed next to it is that peak and the process's resident memory before the export started, then
the CPU seconds of the export (and of the xlsx writer process with its peak resident memory, when the xlsx is
written aside) and the load average: on a shared machine the CPU seconds say more than the wall clock.

    python -m bench.exports [--rows 200000] [--db PATH]
    python -m bench.exports --demo PATH      # an existing demo database, e.g. `lantoa demo --size province`

`--db PATH` keeps the built database at PATH and reuses it when it already has the rows. `--demo PATH` times the
background CSV and xlsx of the whole learner list of a demo database (steering account `bcd`): at province scale
the real path for the 1.14M learners, which a request may not stream (a worker is stopped after 30 s).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

CASES = ("stream_csv", "background_csv", "background_xlsx")
MAP_2024 = "data/areas/vn-2024-thai-nguyen-bac-kan.csv"


def _app(path: Path):
    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench", "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "LANTOA_EXPORTS_DIR": str(path.parent / "exports")})
    app.instance_path = str(path.parent)
    return app


def build(path: Path, rows: int) -> None:
    from sqlalchemy import insert, select

    from app import ROOT
    from app.areas.operations import load_map, map_period, read_map
    from app.extensions import db
    from app.models import Area, Person, User
    from app.text import fold

    app = _app(path)
    with app.app_context():
        db.create_all()
        load_map(read_map(ROOT / MAP_2024), *map_period(ROOT / MAP_2024))
        communes = list(db.session.scalars(select(Area.id).where(Area.level == "commune")))
        steering = User(username="bench_steering", full_name="Ban Chỉ đạo", role="steering")
        steering.set_password("bench-password")
        db.session.add(steering)
        family, middle, given = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đỗ"], ["Văn", "Thị", "Minh", "Thu"], \
            ["An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Tâm", "Yến"]
        rng = random.Random(7)
        for start in range(0, rows, 20_000):
            batch = []
            for n in range(start, min(start + 20_000, rows)):
                name = f"{rng.choice(family)} {rng.choice(middle)} {rng.choice(given)} {n}"
                batch.append({"full_name": name, "search_key": fold(name), "phone": f"+8498{n:07d}",
                              "birth_year": 1960 + n % 45, "gender": ("male", "female")[n % 2],
                              "home_area_id": rng.choice(communes), "audience_group": "rural_worker"})
            db.session.execute(insert(Person), batch)
        db.session.commit()
        db.engine.dispose()


def _row_count(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as conn:
        try:
            return conn.execute("SELECT count(*) FROM persons").fetchone()[0]
        except sqlite3.OperationalError:
            return -1


def case(path: Path, name: str, username: str = "bench_steering") -> dict:
    """One export, timed, in this (fresh) process."""
    from sqlalchemy import select

    from app.exports import files
    from app.extensions import db
    from app.models import ExportFile, User

    app = _app(path)
    with app.app_context():
        files.LARGE_EXPORT = 10**9  # the request path streams whatever the size
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        user = db.session.scalar(select(User).where(User.username == username))
        started, cpu, children = time.perf_counter(), _cpu(), _ChildPeak()
        if name == "stream_csv":
            client = app.test_client()
            client.post("/login", data={"username": user.username, "password": "bench-password"})
            response = client.get("/exports/learners.csv")
            size, lines = 0, 0
            for chunk in response.response:
                size += len(chunk)
                lines += chunk.count(b"\n")
            response.close()
            rows = lines - 1
        else:
            export = ExportFile(user_id=user.id, table="learners", format=name.rsplit("_", 1)[1], state="running")
            db.session.add(export)
            db.session.commit()
            export = files.run_export(export)
            assert export.state == "done", export.message
            written = Path(files.exports_dir()) / export.path
            rows, size = export.rows_done, written.stat().st_size
            written.unlink()  # measured: not kept beside the database
        seconds = time.perf_counter() - started
        cpu = [after - start for after, start in zip(_cpu(), cpu, strict=True)]
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"case": name, "rows": rows, "seconds": seconds, "bytes": size, "rss_before_mb": before / 1024,
            "peak_rss_mb": peak / 1024, "cpu_self": cpu[0], "cpu_children": cpu[1],
            "child_peak_rss_mb": children.stop() / 1024}


class _ChildPeak:
    """The peak resident memory (kB) of this process's children (the xlsx writer), read from /proc every 0.2 s:
    `RUSAGE_CHILDREN` would report the parent's size, inherited by the fork that precedes the spawned exec."""

    def __init__(self):
        self.peak, self.done = 0, threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        me = os.getpid()
        while not self.done.wait(0.2):
            try:
                pids = Path(f"/proc/{me}/task/{me}/children").read_text().split()
            except OSError:
                return
            for pid in pids:
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak = max(self.peak, int(line.split()[1]))

    def stop(self) -> int:
        self.done.set()
        self.thread.join()
        return self.peak


def _cpu() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its finished children (the xlsx writer)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench.exports")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--demo", type=Path)
    parser.add_argument("--case", choices=CASES)
    args = parser.parse_args(argv)
    if args.case:  # a child: one case, its figures as JSON on the last line
        print(json.dumps(case(args.demo or args.db, args.case, "bcd" if args.demo else "bench_steering")))
        return
    env = dict(os.environ, LANTOA_ENV="test")
    if args.demo:
        for name in CASES[1:]:
            _report(args.demo, name, env, demo=True)
        return
    folder = None if args.db else Path(tempfile.mkdtemp(prefix="lantoa-bench-exports-"))
    path = args.db or folder / "bench.db"
    if _row_count(path) != args.rows:
        path.unlink(missing_ok=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"from bench.exports import build; from pathlib import Path; "
                        f"build(Path({str(path)!r}), {args.rows})"], check=True, env=env)
        print(f"built {args.rows:,} learners in {time.perf_counter() - started:.1f} s ({path})")
    try:
        for name in CASES:
            _report(path, name, env)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def _report(path: Path, name: str, env: dict, demo: bool = False) -> None:
    """Run one case in a fresh process and print its figures."""
    out = subprocess.run([sys.executable, "-m", "bench.exports", "--demo" if demo else "--db", str(path),
                          "--case", name], check=True, env=env, capture_output=True, text=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    print(f"{name:16s} {r['rows']:>9,} rows in {r['seconds']:6.2f} s = {r['rows'] / r['seconds']:>9,.0f} rows/s, "
          f"{r['bytes'] / 2**20:6.1f} MB file, peak RSS {r['peak_rss_mb']:.0f} MB "
          f"(before the export {r['rss_before_mb']:.0f} MB), CPU {r['cpu_self']:.1f} s"
          + (f" + {r['cpu_children']:.1f} s in the xlsx writer process (peak RSS {r['child_peak_rss_mb']:.0f} MB)"
             if r["cpu_children"] else "")
          + f", load average {os.getloadavg()[0]:.1f}", flush=True)

if __name__ == "__main__":
    main(sys.argv[1:])
