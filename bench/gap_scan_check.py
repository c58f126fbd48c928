"""Check: the gap scan finds the same gaps and measures the same indicators before and after a change to how it
reads the database.

    python -m bench.gap_scan_check --url URL --write before.json     # on the old code
    python -m bench.gap_scan_check --url URL --against before.json   # on the new code: exit 1 when they differ

Reads only (nothing is stored): `app.gaps.scan.findings_for(today)` — every rule's findings as (rule, subject
kind, subject id, area id, params) — and the indicators as the scan reads them (`app.gaps.scan.scan_measures`:
every indicator's numerators and denominators per area of the working map, T3's per unit), on the database at
URL (e.g. the province demo, `lantoa demo --size province`). `--today` pins the day (default: the local day).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time


def snapshot(url: str, today: dt.date | None) -> dict:
    from app import create_app
    from app.areas.maps import AreaGraph, working_map
    from app.extensions import db
    from app.gaps.inputs import gap_settings
    from app.gaps.scan import findings_for, scan_measures
    from app.timeutil import local_today

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        today = today or local_today()
        settings = gap_settings()
        graph = AreaGraph.load()
        started = time.perf_counter()
        measures = scan_measures(working_map() or today, today, settings)
        findings = findings_for(today, settings, graph=graph, measures=measures)
        elapsed = time.perf_counter() - started
        gaps = sorted([f.rule_code, f.subject_kind, str(f.subject_id), f.area_id,
                       json.dumps(f.params, sort_keys=True)] for f in findings)
        figures = {code: {"numerators": sorted([str(k), v] for k, v in m.numerators.items() if v),
                          "denominators": sorted([str(k), v] for k, v in m.denominators.items() if v),
                          "has_denominator": m.has_denominator,
                          # the per-unit numerators the scan reads: T3's (`app.gaps.inputs._indicator_rows`)
                          "by_unit": sorted([str(k), v] for k, v in m.by_unit.items() if v)
                          if code == "civil_servants_trained" else []}
                   for code, m in sorted(measures.items())}
        db.session.rollback()
        db.engine.dispose()
    print(f"{len(gaps):,} findings, {len(figures)} indicators in {elapsed:.2f} s (today {today})")
    return {"today": today.isoformat(), "findings": gaps, "measures": figures}


def compare(before: dict, after: dict) -> list[str]:
    problems = []
    old, new = {json.dumps(g) for g in before["findings"]}, {json.dumps(g) for g in after["findings"]}
    if len(before["findings"]) != len(after["findings"]):
        problems.append(f"{len(before['findings'])} findings before, {len(after['findings'])} after")
    for label, rows in (("only before", old - new), ("only after", new - old)):
        for row in sorted(rows)[:10]:
            problems.append(f"{label}: {row}")
        if len(rows) > 10:
            problems.append(f"{label}: … {len(rows) - 10} more")
    for code in sorted(set(before["measures"]) | set(after["measures"])):
        if before["measures"].get(code) != after["measures"].get(code):
            problems.append(f"indicator {code} differs")
    return problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.gap_scan_check")
    parser.add_argument("--url", required=True)
    parser.add_argument("--today", type=dt.date.fromisoformat)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--write", metavar="FILE")
    what.add_argument("--against", metavar="FILE")
    args = parser.parse_args(argv)
    os.environ.setdefault("LANTOA_ENV", "test")
    if args.against:
        with open(args.against, encoding="utf-8") as f:
            before = json.load(f)
        after = snapshot(args.url, dt.date.fromisoformat(before["today"]))
        problems = compare(before, after)
        for line in problems:
            print(line)
        print("same gaps and indicators" if not problems else f"DIFFERENT ({len(problems)} lines)")
        return 1 if problems else 0
    data = snapshot(args.url, args.today)
    with open(args.write, "w", encoding="utf-8") as f:
        json.dump(data, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
