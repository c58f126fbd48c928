"""Scoped reads about areas: a user's root area, an area's children and their counts.

Counts go through the counting layer (`app.areas.maps`): an area's page counts on its own map,
so an old district still shows its history after the move to the new map, and a new commune
counts the classes held before the merger in the old communes it absorbed. Pages read them stored
(`app.summaries`: `area_metrics` for the metrics per area of a map, `counts` for the programme's counts);
the roll-up of a subtree is done here, on the stored per-area counts.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from app.areas.maps import UNPLACED_LABELS, AreaGraph, count_on_map, rollup
from app.counts import registered
from app.extensions import db
from app.models import Area, Trainer
from app.scope import visible
from app.summaries.registry import Stored
from app.timeutil import local_today

# metric name → (registered area column, extra conditions)
METRICS = {
    "trainers": ("trainers.area_id", ()),
    "active_trainers": ("trainers.area_id", (Trainer.status == "active",)),
    # the classes registered (`app.counts.CLASSES_REGISTERED`: not cancelled) as of the day (today)
    "classes": ("training_classes.venue_area_id", lambda as_of: (registered(as_of),)),
    "units": ("units.area_id", ()),
}


def root_areas(user, day: date | None = None) -> list[Area]:
    """The top of what the user may see: their scope area, or the top areas of the map valid on `day`."""
    scope_area_id = getattr(user, "scope_area_id", None)
    if scope_area_id is not None:
        return list(db.session.scalars(select(Area).where(Area.id == scope_area_id)))
    stmt = select(Area).where(Area.parent_id.is_(None), visible(Area, user))
    if day is not None:
        stmt = stmt.where(Area.valid_from <= day, (Area.valid_to.is_(None)) | (Area.valid_to >= day))
    return list(db.session.scalars(stmt.order_by(Area.valid_from.desc(), Area.code.desc())))


def lineage(area: Area, user) -> list[Area]:
    """Ancestors of `area` the user may see, top first, ending with the area itself."""
    ids = [int(part) for part in area.path.strip("/").split("/") if part]
    rows = {a.id: a for a in db.session.scalars(select(Area).where(Area.id.in_(ids), visible(Area, user)))}
    return [rows[i] for i in ids if i in rows]


def map_counts(day: date, graph: AreaGraph, as_of: date | None = None) -> dict[str, Counter]:
    """Every metric counted per area of the map valid on `day` (registered classes as of `as_of`, default
    today). Pages read it stored (`app.summaries.catalogue.area_metrics`)."""
    as_of = as_of or local_today()
    return {name: count_on_map(column, day, where(as_of) if callable(where) else where, graph)
            for name, (column, where) in METRICS.items()}


def stored_map_counts(day: date) -> tuple[dict[str, Counter], Stored]:
    """`map_counts(day, …)` as of today, read from the stored summary (with its time)."""
    from app.summaries.catalogue import area_metrics

    return area_metrics(day, local_today())


def overview(area: Area, graph: AreaGraph | None = None, counts: dict[str, Counter] | None = None,
             stored: Stored | None = None) -> dict:
    """Totals of the area's subtree, a row per child, and the row of what is not placed below it; the metrics
    and the counts come from the stored summaries (`counts`, when given, is `stored_map_counts` of the area's
    map, read as `stored`); `computed_at` is the older of their two times, `stale` whether either is."""
    from app.summaries.catalogue import counts_figures

    graph = graph or AreaGraph.load()
    if counts is None:
        counts, stored = stored_map_counts(area.valid_from)
    rolled = {name: rollup(c, area.id, graph) for name, c in counts.items()}
    children = list(db.session.scalars(select(Area).where(Area.parent_id == area.id).order_by(Area.search_key)))
    rows = [{"area": c, **{name: r.by_child.get(c.id, 0) for name, r in rolled.items()}} for c in children]
    unplaced = None
    if children and any(r.at_area for r in rolled.values()):
        label = UNPLACED_LABELS["newest" if area.valid_to is None else "older"]
        unplaced = {"label": label, **{name: r.at_area for name, r in rolled.items()}}
    figures = counts_figures(area, local_today())
    times = [t for t in (stored.computed_at if stored else None, figures.computed_at) if t is not None]
    return {"totals": {name: r.total for name, r in rolled.items()}, "children": rows, "unplaced": unplaced,
            "counts": figures, "computed_at": min(times) if times else None,
            "stale": figures.stale or bool(stored and stored.stale)}


def children_with_counts(area: Area) -> list[dict]:
    """Each child area with the trainers (all, active), classes and units counted in it on the area's map."""
    return overview(area)["children"]


def subtree_totals(area: Area) -> dict:
    """Trainers, active trainers, classes and units in the area's subtree, on the area's map."""
    return overview(area)["totals"]


def outside_map(day: date, graph: AreaGraph, counts: dict[str, Counter] | None = None) -> dict | None:
    """Rows with no area at all on this map (e.g. a new province-level row seen on the map of two old provinces)."""
    counts = counts if counts is not None else stored_map_counts(day)[0]
    row = {name: c.get(None, 0) for name, c in counts.items()}
    return row if any(row.values()) else None
