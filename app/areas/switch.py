"""The map switch: which map dashboards and area lists count on, from `?map=` or the session.

Rules: `?map=<key>` (e.g. 2024, 2025) chooses a loaded map and is remembered in the session;
without a choice, the map in force today is used (the newest if none is).
"""

from __future__ import annotations

from flask import request, session

from app.areas.maps import MapInfo, available_maps, map_on
from app.timeutil import local_today

SESSION_KEY = "map"


def selected_map(maps: list[MapInfo] | None = None) -> MapInfo | None:
    maps = available_maps() if maps is None else maps
    by_key = {m.key: m for m in maps}
    asked = request.args.get("map")
    if asked in by_key:
        session[SESSION_KEY] = asked
    key = session.get(SESSION_KEY)
    if key in by_key:
        return by_key[key]
    return map_on(local_today(), maps)
