"""Statistics of a load run: percentiles, one summary row per page, the printed table.

Rules: a percentile interpolates linearly between the two nearest ranks of the sorted sample (the
"linear" method of NumPy and of `statistics.quantiles(..., method="inclusive")`), so p50 of an even-sized
sample is the mean of its two middle values; an empty sample has no percentile (None, printed "—"). An error
is any answer that is not 2xx (a redirect to the login page counts: the session was lost) or a request that
got no answer at all (status 0). The ratio is the page's p50 over the p50 of the hello-world floor measured in
the same run, so figures taken on a busy shared machine stay comparable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0 ≤ q ≤ 100) of `values`, interpolated between nearest ranks."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must lie in [0, 100], not {q}")
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Sample:
    """One request: its status (0 = no answer) and how long it took, in seconds."""

    status: int
    seconds: float

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass(frozen=True)
class Summary:
    label: str
    requests: int
    per_second: float
    p50_ms: float | None
    p99_ms: float | None
    errors: int
    ratio: float | None = None  # p50 over the floor's p50
    share: float | None = None  # req/s as a share of the floor's req/s (the budgets: ≥ 5 %, dashboards ≥ 2 %)
    growth: float | None = None  # p50 at this size over the p50 of the same page on the normal demo, same run
    misses: tuple[str, ...] | None = None  # the budgets it misses (None: no budget, e.g. the floor)


@dataclass(frozen=True)
class Budget:
    """What a page must reach in a run: p99 under `p99_ms`, req/s at least `share` of the floor's, and (when
    measured on both sizes) p50 at province scale at most `growth` times its p50 on the normal demo."""

    share: float
    p99_ms: float = 300.0
    growth: float = 1.5

    def misses(self, row: Summary) -> tuple[str, ...]:
        missed = []
        if row.p99_ms is None or row.p99_ms >= self.p99_ms:
            missed.append(f"p99 ≥ {self.p99_ms:g} ms")
        if row.share is None or row.share < self.share:
            missed.append(f"req/s < {self.share * 100:g} %")
        if row.growth is not None and row.growth > self.growth:
            missed.append(f"growth > {self.growth:g}×")
        if row.errors:
            missed.append("errors")
        return tuple(missed)


def summarize(label: str, samples: list[Sample], elapsed: float, floor_p50_ms: float | None = None) -> Summary:
    """Summary of the samples of one page measured during `elapsed` seconds (every request, errors included,
    counts in the latency percentiles: a fast error page must not flatter the page)."""
    times_ms = [s.seconds * 1000 for s in samples]
    p50 = percentile(times_ms, 50)
    ratio = p50 / floor_p50_ms if p50 is not None and floor_p50_ms else None
    return Summary(label=label, requests=len(samples), per_second=len(samples) / elapsed if elapsed > 0 else 0.0,
                   p50_ms=p50, p99_ms=percentile(times_ms, 99), errors=sum(not s.ok for s in samples),
                   ratio=ratio)


def _num(value: float | None, digits: int) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


COLUMNS = ("page", "requests", "req/s", "p50 ms", "p99 ms", "errors", "p50/floor", "req/s of floor", "growth",
           "budget")


def _budget(row: Summary) -> str:
    if row.misses is None:
        return ""
    return "ok" if not row.misses else "; ".join(row.misses)


def format_table(rows: list[Summary]) -> str:
    """The rows as an aligned plain-text table (also valid Markdown)."""
    cells = [COLUMNS] + [
        (r.label, f"{r.requests:,}", _num(r.per_second, 1), _num(r.p50_ms, 1), _num(r.p99_ms, 1),
         f"{r.errors:,}", _num(r.ratio, 1) + ("×" if r.ratio is not None else ""),
         _num(None if r.share is None else r.share * 100, 1) + (" %" if r.share is not None else ""),
         _num(r.growth, 2) + ("×" if r.growth is not None else ""), _budget(r))
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]

    def line(row) -> str:
        first, last = row[0].ljust(widths[0]), row[-1].ljust(widths[-1])
        rest = (cell.rjust(width) for cell, width in zip(row[1:-1], widths[1:-1], strict=True))
        return "| " + " | ".join([first, *rest, last]) + " |"

    last = len(widths) - 1
    rule = "|" + "|".join("-" * (w + 1) + (":" if 0 < i < last else "-") for i, w in enumerate(widths)) + "|"
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])
