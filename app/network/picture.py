"""The cascade as a picture: generations as layers, sized by counts, coloured by the areas below the chosen one.

Rules: one horizontal band per generation, its width proportional to the number of trainers (the widest band
fills the drawing); each band is split by sub-area (districts for the province, communes for a district) in a
fixed order, the nine biggest sub-areas get their own colour and the rest are grouped as "Khác"; counts come
from the weekly network pass's roll-ups (`network_rollups.by_generation` of each sub-area, and of the area
itself for the trainers placed at it and not below), never from a pass over the subtree's trainers, and the
picture says their time (`as_of`). A user who sees an area sees every trainer working in its subtree
(`app.scope`: an area scope is a subtree), so the roll-ups are what a scoped count would give.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Area, NetworkRollup
from app.scope import visible

PALETTE = ["#0b6e4f", "#175cd3", "#b54708", "#7a2e8e", "#c11574", "#1b8a9e", "#6f8f1d", "#b42318", "#4b5a9b"]
OTHER = "#98a2b3"
WIDTH, LEFT, BAND, GAP = 1200, 210, 44, 30
BAR = WIDTH - LEFT - 190


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    count: int
    name: str


@dataclass
class Layer:
    generation: int
    total: int
    y: int
    x: float
    width: float
    segments: list[Segment]


def data(area: Area, user) -> dict:
    """Counts per generation and sub-area, from the roll-ups, and the drawing geometry."""
    subs = list(db.session.execute(select(Area.id, Area.name).where(Area.parent_id == area.id,
                                                                    visible(Area, user))).all())
    stored = {r.key_id: r for r in db.session.scalars(select(NetworkRollup).where(
        NetworkRollup.kind == "area", NetworkRollup.key_id.in_([area.id, *(s.id for s in subs)])))}
    names = {s.id: s.name for s in subs} | {area.id: area.name}
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[int, int] = defaultdict(int)
    below: dict[int, int] = defaultdict(int)
    for sub in subs:
        for generation, count in _generations(stored.get(sub.id)).items():
            counts[generation][sub.id] += count
            totals[sub.id] += count
            below[generation] += count
    for generation, count in _generations(stored.get(area.id)).items():
        if count > below[generation]:  # trainers placed at the area itself, in no sub-area
            counts[generation][area.id] += count - below[generation]
            totals[area.id] += count - below[generation]
    as_of = min((r.computed_at for r in stored.values()), default=None)
    order = sorted(totals, key=lambda g: (-totals[g], names.get(g, "")))
    colour = {g: PALETTE[i] for i, g in enumerate(order[:len(PALETTE)])}
    legend = [(names[g], colour[g], totals[g]) for g in order[:len(PALETTE)]]
    rest = sum(totals[g] for g in order[len(PALETTE):])
    if rest:
        legend.append(("Khác", OTHER, rest))
    widest = max((sum(c.values()) for c in counts.values()), default=1)
    layers = []
    for i, generation in enumerate(sorted(g for g in counts if g >= 0)):
        total = sum(counts[generation].values())
        width = max(BAR * total / widest, 2.0)
        x = LEFT + (BAR - width) / 2
        segments, cursor = [], x
        for g in order:
            n = counts[generation].get(g, 0)
            if n:
                w = width * n / total
                segments.append(Segment(cursor, w, colour.get(g, OTHER), n, names.get(g, "Khác")))
                cursor += w
        layers.append(Layer(generation, total, 110 + i * (BAND + GAP), x, width, segments))
    legend_top = 110 + len(layers) * (BAND + GAP) + 10
    return {
        "area": area, "layers": layers, "legend": legend, "total": sum(totals.values()),
        "band": BAND, "gap": GAP, "width": WIDTH, "left": LEFT, "bar": BAR, "legend_top": legend_top,
        "height": legend_top + 40 + ((len(legend) + 2) // 3) * 28, "as_of": as_of,
    }


def _generations(rollup: NetworkRollup | None) -> dict[int, int]:
    return {int(g): int(n) for g, n in (rollup.by_generation or {}).items()} if rollup is not None else {}
