"""Neighbouring districts: read the hand-compiled pairs file and keep the pairs in `area_neighbours`.

Rules: a row names two district codes of one map (`code_a`, `code_b`); codes resolve to district-level
areas (the 2024 map is the only one with districts); a pair is stored once with the smaller id first, so
loading again changes nothing; a pair of the same code or an unknown code is an error naming the row.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.models import Area, AreaNeighbour


class NeighbourFileError(ValueError):
    """A bad row in a neighbours file (message in Vietnamese)."""


def read_pairs(path: Path) -> list[tuple[int, str, str]]:
    """(row number, code_a, code_b) for every row; the header must name code_a and code_b."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if not {"code_a", "code_b"} <= set(reader.fieldnames or ()):
            raise NeighbourFileError(f"{path.name}: cần hai cột code_a và code_b.")
        rows = [(n, (r["code_a"] or "").strip(), (r["code_b"] or "").strip()) for n, r in enumerate(reader, 2)]
    for n, a, b in rows:
        if not a or not b or a == b:
            raise NeighbourFileError(f"{path.name}, dòng {n}: cần hai mã huyện khác nhau.")
    return rows


def load_neighbours(path: Path) -> tuple[int, int]:
    """Store the file's pairs; returns (created, unchanged). Flushes, never commits."""
    rows = read_pairs(path)
    codes = {c for _n, a, b in rows for c in (a, b)}
    ids: dict[str, int] = {}
    for code, area_id in db.session.execute(
        select(Area.code, Area.id).where(Area.code.in_(codes), Area.level == "district").order_by(Area.valid_from)
    ):
        ids.setdefault(code, area_id)
    existing = {(a, b) for a, b in db.session.execute(select(AreaNeighbour.area_id, AreaNeighbour.neighbour_id))}
    created = unchanged = 0
    for n, a, b in rows:
        for code in (a, b):
            if code not in ids:
                raise NeighbourFileError(f"{path.name}, dòng {n}: không có huyện mã {code} (hãy nạp bản đồ trước).")
        pair = tuple(sorted((ids[a], ids[b])))
        if pair in existing:
            unchanged += 1
            continue
        db.session.add(AreaNeighbour(area_id=pair[0], neighbour_id=pair[1], source=path.name))
        existing.add(pair)
        created += 1
    db.session.flush()
    return created, unchanged


def neighbour_map() -> dict[int, set[int]]:
    """District id → ids of its neighbouring districts (both directions)."""
    near: dict[int, set[int]] = defaultdict(set)
    for a, b in db.session.execute(select(AreaNeighbour.area_id, AreaNeighbour.neighbour_id)):
        near[a].add(b)
        near[b].add(a)
    return dict(near)
