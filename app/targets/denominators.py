"""Importing the targets' denominators from an xlsx or CSV file.

Columns (first row = titles, either the Vietnamese title or the key):
  ma_dia_ban "Mã địa bàn" | ma_don_vi "Mã đơn vị", nam "Năm", lao_dong "Người trong độ tuổi lao động",
  chu_doanh_nghiep "Chủ DN, HTX, hộ kinh doanh", can_bo "Cán bộ, công chức, viên chức", nguon "Nguồn",
  uoc_tinh "Ước tính" (có/không).
Rules:
- a row names either an area (its code; the area on the working map, else the newest map with that code) or a
  unit (its id in Lan Tỏa), never both;
- an area row gives the working-age population and/or the business owners for (area, year), stored in
  `area_populations` (a new row needs the working-age figure); a unit row gives its civil-servant headcount,
  stored on the unit; figures are whole numbers ≥ 0; the year lies in 2000–2100; the source is required;
- one (area, year) or unit appears once in a file;
- `check` lists every bad row (row number, column, Vietnamese reason) and changes nothing; `apply` writes all
  rows only when there is no error (all or nothing), with one audit event.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.areas.maps import working_map
from app.audit import record
from app.extensions import db
from app.models import Area, AreaPopulation, Unit
from app.text import fold
from app.web import table_files
from app.web.table_files import ImportFileError, cell_text, keyed_rows
from app.web.templates_xlsx import import_template

__all__ = ["COLUMNS", "template", "read_table", "check", "apply", "RowError", "ImportFileError"]

COLUMNS = (("ma_dia_ban", "Mã địa bàn"), ("ma_don_vi", "Mã đơn vị"), ("nam", "Năm"),
           ("lao_dong", "Người trong độ tuổi lao động"), ("chu_doanh_nghiep", "Chủ DN, HTX, hộ kinh doanh"),
           ("can_bo", "Cán bộ, công chức, viên chức"), ("nguon", "Nguồn"), ("uoc_tinh", "Ước tính"))
LABEL = dict(COLUMNS)
YES = {"co", "x", "1", "true", "yes", "uoc tinh"}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


def template() -> bytes:
    examples = (["D171", "", 2025, 105000, 4200, "", "Cục Thống kê tỉnh", "không"],
                ["", 12, 2025, "", "", 180, "Sở Nội vụ", "không"])
    return import_template("Mẫu số", [label for _, label in COLUMNS], examples, width=24, notes=[
        "Mỗi dòng một địa bàn (Mã địa bàn) hoặc một đơn vị (Mã đơn vị, xem trang Đơn vị); không ghi cả hai.",
        "Địa bàn: số người trong độ tuổi lao động (15–60) và/hoặc số chủ doanh nghiệp, HTX, hộ kinh doanh.",
        "Đơn vị: số cán bộ, công chức, viên chức. Năm: năm của số liệu. Nguồn: bắt buộc.",
        "Ước tính: ghi 'có' nếu là số ước tính. Dòng 2–3 là ví dụ, hãy xóa trước khi nhập.",
    ])


def read_table(filename: str, content: bytes) -> list[tuple[int, dict]]:
    """(row number, values by key as text) for every non-empty row: `app.web.table_files`."""
    header, rows = keyed_rows(table_files.read_table(filename, content), COLUMNS)
    missing = [LABEL[k] for k in ("nam", "nguon") if k not in header]
    if missing or not {"ma_dia_ban", "ma_don_vi"} & set(header):
        raise ImportFileError("Thiếu cột: " + ", ".join(missing or ["Mã địa bàn hoặc Mã đơn vị"]) + ".")
    return [(number, {key: cell_text(cell) for key, cell in values.items()}) for number, values in rows]


def _count(values: dict, key: str, number: int, errors: list[RowError]) -> int | None:
    text = values.get(key, "").replace(".", "").replace(",", "").replace(" ", "")
    if not text:
        return None
    if not text.isdigit():
        errors.append(RowError(number, LABEL[key], "phải là số nguyên không âm."))
        return None
    return int(text)


def _area(code: str) -> Area | None:
    day = working_map()
    found = db.session.scalars(select(Area).where(Area.code == code).order_by(Area.valid_from.desc())).all()
    return next((a for a in found if a.valid_from == day), found[0] if found else None)


def check(rows: list[tuple[int, dict]]) -> tuple[list[RowError], list[dict]]:
    """Every error, and the checked rows (kind, target id, year, figures, source, estimate)."""
    errors: list[RowError] = []
    checked, seen = [], {}
    for number, v in rows:
        before = len(errors)
        code, unit_text = v.get("ma_dia_ban", ""), v.get("ma_don_vi", "")
        year = _count(v, "nam", number, errors)
        if year is None or not 2000 <= year <= 2100:
            errors.append(RowError(number, LABEL["nam"], "phải là năm từ 2000 đến 2100."))
        if not v.get("nguon"):
            errors.append(RowError(number, LABEL["nguon"], "bắt buộc."))
        working, owners = _count(v, "lao_dong", number, errors), _count(v, "chu_doanh_nghiep", number, errors)
        headcount = _count(v, "can_bo", number, errors)
        row = {"year": year, "source": v.get("nguon", "")[:200], "estimate": fold(v.get("uoc_tinh", "")) in YES}
        if bool(code) == bool(unit_text):
            errors.append(RowError(number, LABEL["ma_dia_ban"], "ghi mã địa bàn hoặc mã đơn vị (chỉ một)."))
        elif code:
            area = _area(code)
            if area is None:
                errors.append(RowError(number, LABEL["ma_dia_ban"], f"không có địa bàn mã {code}."))
            elif working is None and owners is None:
                errors.append(RowError(number, LABEL["lao_dong"], "cần số người lao động hoặc số chủ doanh nghiệp."))
            else:
                row |= {"kind": "area", "id": area.id, "working_age": working, "business_owners": owners}
        else:
            unit = db.session.get(Unit, int(unit_text)) if unit_text.isdigit() else None
            if unit is None:
                errors.append(RowError(number, LABEL["ma_don_vi"], f"không có đơn vị mã {unit_text}."))
            elif headcount is None:
                errors.append(RowError(number, LABEL["can_bo"], "cần số cán bộ, công chức, viên chức."))
            else:
                row |= {"kind": "unit", "id": unit.id, "headcount": headcount}
        if len(errors) == before:
            key = (row["kind"], row["id"], year if row["kind"] == "area" else None)
            if key in seen:
                errors.append(RowError(number, LABEL["ma_dia_ban" if code else "ma_don_vi"],
                                       f"trùng với dòng {seen[key]}."))
            else:
                seen[key] = number
                checked.append(row | {"row": number})
    if not errors:
        existing = {(p.area_id, p.year): p for p in db.session.scalars(select(AreaPopulation))}
        for row in checked:
            if row["kind"] == "area" and row["working_age"] is None and (row["id"], row["year"]) not in existing:
                errors.append(RowError(row["row"], LABEL["lao_dong"],
                                       "chưa có số liệu năm này: cần số người trong độ tuổi lao động."))
    return errors, checked


def apply(checked: list[dict]) -> dict[str, int]:
    """Write the checked rows (call only without errors); flushes, never commits."""
    existing = {(p.area_id, p.year): p for p in db.session.scalars(select(AreaPopulation))}
    counts = {"areas": 0, "units": 0}
    for row in checked:
        if row["kind"] == "unit":
            db.session.get(Unit, row["id"]).headcount = row["headcount"]
            counts["units"] += 1
            continue
        population = existing.get((row["id"], row["year"]))
        if population is None:
            population = AreaPopulation(area_id=row["id"], year=row["year"], working_age=row["working_age"])
            db.session.add(population)
        if row["working_age"] is not None:
            population.working_age = row["working_age"]
        if row["business_owners"] is not None:
            population.business_owners = row["business_owners"]
        population.source, population.is_estimate = row["source"], row["estimate"]
        counts["areas"] += 1
    db.session.flush()
    record("targets.denominators_import", entity="area_populations", after=counts)
    return counts
