"""Scoped reads for the reports page: the archive, the quarters and areas one may report on."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Area, Report
from app.reports.operations import default_area, report_area_ids
from app.reports.quarters import Quarter
from app.scope import scoped


def archive(user) -> Select:
    return (scoped(Report, user).options(joinedload(Report.area), joinedload(Report.generated_by))
            .order_by(Report.generated_at.desc(), Report.id.desc()))


def quarter_choices(today: date, count: int = 8) -> list[tuple[str, str]]:
    current = Quarter.of(today)
    return [(q.code, q.label + (" (quý này)" if i == 0 else "")) for i, q in
            enumerate(current.previous(n) for n in range(count))]


def area_choices(user) -> list[tuple[int, str]]:
    """The user's own area first, then the province, districts and clusters of the working map they see."""
    own = default_area(user)
    rows = db.session.scalars(
        select(Area).where(Area.id.in_(report_area_ids(user)))
        .order_by(Area.path.startswith(own.path if own else "-").desc(), Area.level != "province", Area.name))
    areas = ([own] if own else []) + [a for a in rows if own is None or a.id != own.id]
    return [(a.id, a.name) for a in areas]
