"""`python -m bench api_lists`: the API's list endpoints under gunicorn at province scale, as a share of the
framework floor (budget: each at least 10 % of the hello-world floor's req/s in the same run).

It is the load test (`bench/loadtest`) restricted to the API pages: the province demo (built once per code
version), 4 clients (as its figures since it was first measured), 5 s per endpoint. Arguments are passed on (`--db pg`, `--duration 10`, …).
"""

from __future__ import annotations

import sys

from bench.loadtest.__main__ import main as loadtest


def main(argv: list[str]) -> int:
    return loadtest(["--pages", "api", "--duration", "5", "--clients", "4", *argv])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
