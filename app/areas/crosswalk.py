"""Loading the official old→new crosswalk into `area_crosswalk`.

Rules: the file is a CSV `old_code,old_name,new_code,new_name,old_is_split`; an old code names an
area of the earlier map, a new code an area of the later map (a code means something only with its
map, so both maps are named by their validity dates, from `maps.json` or the command's options).
Every code must exist on its map and `old_is_split` is yes/no, else the row is named and nothing is
written. Loading again updates in place: (old area, new area) is one row.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.areas.operations import MANIFEST, MapFileError
from app.audit import record
from app.extensions import db
from app.models import Area, AreaCrosswalk

REQUIRED = {"old_code", "new_code", "old_is_split"}


@dataclass
class CrosswalkResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    old_areas: int = 0


def crosswalk_maps(path: Path) -> tuple[date, date]:
    """The validity dates of the old and the new map a crosswalk file links, from `maps.json`."""
    manifest = path.parent / MANIFEST
    if manifest.is_file():
        entry = json.loads(manifest.read_text(encoding="utf-8")).get(path.name) or {}
        if "old_valid_from" in entry and "new_valid_from" in entry:
            return date.fromisoformat(entry["old_valid_from"]), date.fromisoformat(entry["new_valid_from"])
    raise MapFileError(f"Không rõ tệp {path.name} nối hai bản đồ nào: hãy chỉ rõ --old-map và --new-map.")


def _codes(valid_from: date) -> dict[str, int]:
    return dict(db.session.execute(select(Area.code, Area.id).where(Area.valid_from == valid_from)).all())


def load_crosswalk(path: Path, old_map: date, new_map: date) -> CrosswalkResult:
    """Create or update the crosswalk rows of the file. Flushes; the caller commits."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        columns = set(reader.fieldnames or ())  # checked even when the file has no rows
        rows = list(reader)
    if not columns >= REQUIRED:
        raise MapFileError(f"Tệp {path.name} thiếu cột: {', '.join(sorted(REQUIRED - columns))}.")
    old_codes, new_codes = _codes(old_map), _codes(new_map)
    if not old_codes or not new_codes:
        missing = old_map if not old_codes else new_map
        raise MapFileError(f"Chưa nạp bản đồ hiệu lực từ {missing:%d/%m/%Y}: hãy nạp bản đồ trước bảng chuyển đổi.")
    wanted: dict[tuple[int, int], bool] = {}
    for number, row in enumerate(rows, start=2):
        old_id, new_id = old_codes.get(row["old_code"]), new_codes.get(row["new_code"])
        if old_id is None:
            raise MapFileError(f"Dòng {number}: mã cũ '{row['old_code']}' không có trên bản đồ {old_map:%d/%m/%Y}.")
        if new_id is None:
            raise MapFileError(f"Dòng {number}: mã mới '{row['new_code']}' không có trên bản đồ {new_map:%d/%m/%Y}.")
        flag = (row["old_is_split"] or "").strip().lower()  # None: a row shorter than the header
        if flag not in ("yes", "no"):
            raise MapFileError(f"Dòng {number}: cột old_is_split phải là yes hoặc no, không phải '{flag}'.")
        wanted[(old_id, new_id)] = flag == "yes"
    result = CrosswalkResult(old_areas=len({old for old, _ in wanted}))
    existing = {
        (c.old_area_id, c.new_area_id): c
        for c in db.session.scalars(
            select(AreaCrosswalk).where(AreaCrosswalk.old_area_id.in_({old for old, _ in wanted}))
        )
    }
    for (old_id, new_id), is_split in wanted.items():
        link = existing.get((old_id, new_id))
        if link is None:
            db.session.add(AreaCrosswalk(old_area_id=old_id, new_area_id=new_id, is_split=is_split))
            result.created += 1
        elif link.is_split != is_split:
            link.is_split = is_split
            result.updated += 1
        else:
            result.unchanged += 1
    db.session.flush()
    if result.created or result.updated:
        record("areas.crosswalk", entity="area_crosswalk", after={
            "file": path.name, "old_map": old_map.isoformat(), "new_map": new_map.isoformat(),
            "created": result.created, "updated": result.updated,
        })
    return result
