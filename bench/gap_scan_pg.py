"""`python -m bench gap_scan_pg`: the gap-scan bench on PostgreSQL, the production database: the province demo
built there (`lantoa_bench`, dropped and created again; the seed's Core executemany in chunks, then ANALYZE, its
peak memory printed) and the same scans timed in a fresh process (`bench.gap_scan --pg`)."""

from __future__ import annotations

import sys

from bench.gap_scan import main as gap_scan


def main(argv: list[str]) -> dict[str, float]:
    return gap_scan(["--pg", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
