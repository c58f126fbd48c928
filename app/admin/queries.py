"""Choices for the admin forms: areas of the current map and units, in tree order."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Area, Unit
from app.web.choices import SelectChoice, choices


def area_ids():
    """What an admin may choose as an account's area scope: any area of any map (the options below)."""
    return select(Area.id)


def unit_ids():
    """What an admin may choose as an account's unit scope: any unit."""
    return select(Unit.id)


def area_choices() -> list[SelectChoice]:
    rows = db.session.execute(select(Area.id, Area.name, Area.path, Area.valid_from).order_by(Area.path)).all()
    pairs = [(0, "— Không giới hạn theo địa bàn —")]
    for area_id, name, path, valid_from in rows:
        indent = "\u00a0\u00a0" * (path.count("/") - 2)
        pairs.append((area_id, f"{indent}{name} (bản đồ {valid_from:%m/%Y})"))
    return choices(pairs)


def unit_choices() -> list[SelectChoice]:
    rows = db.session.execute(select(Unit.id, Unit.name).order_by(Unit.search_key)).all()
    return choices([(0, "— Không giới hạn theo đơn vị —"), *rows])
