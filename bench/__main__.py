"""`make bench`: every benchmark module, medians printed; budgets are in docs/architecture.md.

Usage: python -m bench [name ...]   (names: network, network_db; default all). Each module exposes `main(argv)`.
"""

from __future__ import annotations

import importlib
import sys

MODULES = {
    "network": "bench.network_bench",
    "network_db": "bench.network_db",
}


def main(argv: list[str]) -> None:
    names = argv or list(MODULES)
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        importlib.import_module(MODULES[name]).main([])


if __name__ == "__main__":
    main(sys.argv[1:])
