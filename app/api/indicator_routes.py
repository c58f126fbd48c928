"""Indicators of one area as of a day (`/api/v1/areas/<id>/indicators`).

Rules: the area must be in the client's scope (else 404); the area is counted on its own map (the day is
brought into the area's validity, so an old-map district answers with its old-map figures); the figures are
the day's stored snapshots (`indicator_snapshots`, written by the daily gap scan) when there are any, else
measured by `app.targets.indicators` (the one implementation of the plan's indicators).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.api import schemas as s
from app.api.endpoint import endpoint
from app.api.routes import bp, one_in_scope
from app.areas.graph import AreaGraph
from app.areas.maps import available_maps, map_on
from app.extensions import db
from app.models import Area, IndicatorSnapshot
from app.targets.indicators import MEASURED, measure_all, totals
from app.timeutil import local_today
from app.training.settings import plan_setting


def _ratio(num: int, den: int | None) -> float | None:
    return round(num / den, 6) if den else None


def _map_day(area: Area, day: dt.date) -> dt.date:
    if day < area.valid_from:
        return area.valid_from
    if area.valid_to is not None and day > area.valid_to:
        return area.valid_to
    return day


@bp.get("/areas/<int:area_id>/indicators")
@endpoint(summary="Indicators of an area", description="The plan's indicators of an area of the client's scope, "
          "as of `date`.", tag="Indicators", response=s.IndicatorsOut, query=s.IndicatorQuery, errors=(400, 404))
def indicators(area_id: int, query: s.IndicatorQuery):
    area = one_in_scope(Area, area_id)
    day = query.date or local_today()
    map_day = _map_day(area, day)
    info = map_on(map_day, available_maps())
    rows = db.session.execute(select(IndicatorSnapshot.indicator_code, IndicatorSnapshot.numerator,
                                     IndicatorSnapshot.denominator)
                              .where(IndicatorSnapshot.day == day, IndicatorSnapshot.area_id == area.id)).all()
    if rows:
        out = [s.IndicatorOut(code=code, numerator=num, denominator=den, ratio=_ratio(num, den))
               for code, num, den in sorted(rows)]
        source = "snapshot"
    else:
        graph = AreaGraph.load()
        measures = measure_all(map_day, day, plan_setting("core_group_min_trainers"), graph)
        out = []
        for code in MEASURED:
            num, den = totals(measures[code], area.id, graph)
            out.append(s.IndicatorOut(code=code, numerator=num, denominator=den, ratio=_ratio(num, den)))
        source = "live"
    return s.IndicatorsOut(area_id=area.id, date=day, map=info.key if info else "", source=source, indicators=out)
