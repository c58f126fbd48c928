"""`make bench`: every benchmark module, medians printed; budgets are in docs/architecture.md.

Usage: python -m bench [name ...]   (default: all). Each module exposes `main(argv)` or `run()`.
"""

from __future__ import annotations

import importlib
import sys

MODULES = {
    "network": "bench.network_bench",
    "roster": "bench.roster_import",
    "assignment": "bench.assignment_app",
    "network_db": "bench.network_db",
    "gap_scan": "bench.gap_scan",
    "gap_scan_pg": "bench.gap_scan_pg",
    "quarterly": "bench.quarterly_report",
    "exports": "bench.exports",
    "api_ingest": "bench.api_ingest",
    "invitations": "bench.invitations",
    "api_lists": "bench.api_lists",
}


def main(argv: list[str]) -> None:
    names = argv or list(MODULES)
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        module = importlib.import_module(MODULES[name])
        if hasattr(module, "main"):
            module.main([])
        else:
            module.run()


if __name__ == "__main__":
    main(sys.argv[1:])
