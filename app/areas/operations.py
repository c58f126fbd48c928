"""Loading an official map file into areas.

Rules: a map file is a CSV `code,name,division_type,level,parent_code`; every area it
holds gets the map's validity period; (code, valid_from) identifies an area, so loading
the same file again updates in place and creates nothing new. Parents must come from
the same file. Paths are rebuilt for the loaded map.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.audit import record
from app.extensions import db
from app.models import Area
from app.models.vocab import AREA_LEVELS, DIVISION_TYPES
from app.text import fold

MANIFEST = "maps.json"


class MapFileError(ValueError):
    """A row of a map file is wrong; the message is Vietnamese and names the row."""


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def map_period(path: Path) -> tuple[date, date | None]:
    """The validity period of a known map file, from `maps.json` beside it."""
    manifest = path.parent / MANIFEST
    if manifest.is_file():
        entry = json.loads(manifest.read_text(encoding="utf-8")).get(path.name)
        if entry and "valid_from" in entry:
            valid_to = entry.get("valid_to")
            return date.fromisoformat(entry["valid_from"]), date.fromisoformat(valid_to) if valid_to else None
    raise MapFileError(f"Không rõ thời gian hiệu lực của tệp {path.name}: hãy chỉ rõ --valid-from.")


def read_map(path: Path, only: str | None = None) -> list[dict]:
    """Rows of the file, checked; `only` keeps one top-level code and what lies below it."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        columns = set(reader.fieldnames or ())  # checked even when the file has no rows
        rows = list(reader)
    required = {"code", "name", "division_type", "level", "parent_code"}
    if not required <= columns:
        raise MapFileError(f"Tệp {path.name} thiếu cột: {', '.join(sorted(required - columns))}.")
    codes = {r["code"] for r in rows}
    for number, row in enumerate(rows, start=2):
        if not row["code"] or not row["name"]:
            raise MapFileError(f"Dòng {number}: thiếu mã hoặc tên địa bàn.")
        if row["level"] not in AREA_LEVELS:
            raise MapFileError(f"Dòng {number}: cấp '{row['level']}' không hợp lệ.")
        if row["division_type"] not in DIVISION_TYPES:
            raise MapFileError(f"Dòng {number}: loại đơn vị '{row['division_type']}' không hợp lệ.")
        if row["parent_code"] and row["parent_code"] not in codes:
            raise MapFileError(f"Dòng {number}: mã cấp trên '{row['parent_code']}' không có trong tệp.")
    if only:
        keep = {only}
        changed = True
        while changed:
            before = len(keep)
            keep |= {r["code"] for r in rows if r["parent_code"] in keep}
            changed = len(keep) != before
        rows = [r for r in rows if r["code"] in keep]
    parent_of = {r["code"]: r["parent_code"] for r in rows}

    def depth(code: str) -> int:
        steps = 0
        while parent_of.get(code):
            code, steps = parent_of[code], steps + 1
            if steps > len(parent_of):
                raise MapFileError(f"Mã '{code}' nằm trong một vòng lặp cấp trên.")
        return steps

    return sorted(rows, key=lambda r: depth(r["code"]))  # parents before children


def load_map(rows: list[dict], valid_from: date, valid_to: date | None) -> LoadResult:
    """Create or update the map's areas and their paths. Flushes; the caller commits."""
    result = LoadResult()
    existing = {a.code: a for a in db.session.scalars(select(Area).where(Area.valid_from == valid_from))}
    by_code: dict[str, Area] = {}
    for row in rows:
        area = existing.get(row["code"])
        values = {
            "name": row["name"], "division_type": row["division_type"], "level": row["level"],
            "valid_to": valid_to,
        }
        if area is None:
            area = Area(code=row["code"], valid_from=valid_from, path="", **values)
            area.search_key = fold(row["name"])
            db.session.add(area)
            result.created += 1
        elif any(getattr(area, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(area, key, value)
            area.search_key = fold(row["name"])
            result.updated += 1
        else:
            result.unchanged += 1
        by_code[row["code"]] = area
    db.session.flush()
    for row in rows:  # read_map puts parents first
        area = by_code[row["code"]]
        parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        area.parent_id = parent.id if parent else None
        area.path = (parent.path if parent else "/") + f"{area.id}/"
    db.session.flush()
    if result.created or result.updated:
        record("areas.load", entity="areas", after={
            "valid_from": valid_from.isoformat(), "created": result.created, "updated": result.updated,
        })
    return result
