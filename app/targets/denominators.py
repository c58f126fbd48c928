"""Importing the targets' denominators from an xlsx or CSV file (a declared table read by `app.imports`).

Columns (header = the Vietnamese title or the key, diacritics, case and "(*)" ignored; title rows above are fine):
  ma_dia_ban "Mã địa bàn" | ma_don_vi "Mã đơn vị", nam "Năm", lao_dong "Người trong độ tuổi lao động",
  chu_doanh_nghiep "Chủ DN, HTX, hộ kinh doanh", can_bo "Cán bộ, công chức, viên chức", nguon "Nguồn",
  uoc_tinh "Ước tính" (có/không).
Rules:
- a row names either an area (its code; the area on the working map, else the newest map with that code) or a
  unit (its id in Lan Tỏa), never both;
- an area row gives the working-age population and/or the business owners for (area, year), stored in
  `area_populations` (a new row needs the working-age figure); a unit row gives its civil-servant headcount,
  stored on the unit; figures are whole numbers ≥ 0 ("120.000" reads as 120000); the year lies in 2000–2100;
  an area row needs its year and its source (fitting its column); a unit row may leave them empty (a unit's
  headcount keeps the year and source it had), and when given they are stored with the headcount
  (`units.headcount_year`, `headcount_source`; the export, `/exports/denominators.<xlsx|csv>`, writes them back);
- one (area, year) or unit appears once in a file; the template's example rows are skipped;
- `check` lists every bad row (row number, column, Vietnamese reason) and changes nothing; `apply` writes all
  rows only when there is no error (all or nothing), with one audit event.
"""

from __future__ import annotations

from sqlalchemy import select

from app.areas.maps import working_map
from app.audit import record
from app.extensions import db
from app.imports.read import FileError
from app.imports.spec import Column, RowError, Spec, length_of
from app.imports.table import Parsed, parse
from app.models import Area, AreaPopulation, Unit
from app.text import fold
from app.web.templates_xlsx import import_template

__all__ = ["SPEC", "COLUMNS", "template", "read_table", "check", "apply", "RowError", "ImportFileError"]

ImportFileError = FileError
YES = {"co", "x", "1", "true", "yes", "uoc tinh"}
YES_LABEL = "có"
EXAMPLES = (("D171", "", 2025, 105000, 4200, "", "Cục Thống kê tỉnh", "không"),
            ("", 12, 2025, "", "", 180, "Sở Nội vụ", "không"))
_COUNT = {"kind": "int", "minimum": 0, "message": "Phải là số nguyên không âm."}
SPEC = Spec("mẫu số chỉ tiêu", (
    Column("ma_dia_ban", "Mã địa bàn", max_length=length_of(Area.code)),
    Column("ma_don_vi", "Mã đơn vị", "int", minimum=1, message="Mã đơn vị là một số (xem trang Đơn vị)."),
    Column("nam", "Năm", "int", minimum=2000, maximum=2100, message="Năm phải từ 2000 đến 2100."),
    Column("lao_dong", "Người trong độ tuổi lao động", **_COUNT),
    Column("chu_doanh_nghiep", "Chủ DN, HTX, hộ kinh doanh", **_COUNT),
    Column("can_bo", "Cán bộ, công chức, viên chức", **_COUNT),
    Column("nguon", "Nguồn", max_length=length_of(AreaPopulation.source)),
    Column("uoc_tinh", "Ước tính", max_length=20),
), one_of=(("ma_dia_ban", "ma_don_vi"), ("nam",), ("nguon",)), examples=EXAMPLES)
COLUMNS = tuple((c.key, c.header) for c in SPEC.columns)
LABEL = dict(COLUMNS)


def template() -> bytes:
    return import_template("Mẫu số", [c.header for c in SPEC.columns], EXAMPLES, width=24, notes=[
        "Mỗi dòng một địa bàn (Mã địa bàn) hoặc một đơn vị (Mã đơn vị, xem trang Đơn vị); không ghi cả hai.",
        "Địa bàn: số người trong độ tuổi lao động (15–60) và/hoặc số chủ doanh nghiệp, HTX, hộ kinh doanh.",
        "Đơn vị: số cán bộ, công chức, viên chức. Năm (của số liệu) và Nguồn: bắt buộc với dòng địa bàn.",
        "Ước tính: ghi 'có' nếu là số ước tính. Dòng 2–3 là ví dụ: dòng giống hệt ví dụ được bỏ qua khi nhập.",
    ])


def read_table(filename: str, content: bytes) -> Parsed:
    """The upload read and checked cell by cell (`app.imports`); `FileError` when unreadable as a whole."""
    return parse(SPEC, filename, content)


def _area(code: str) -> Area | None:
    day = working_map()
    found = db.session.scalars(select(Area).where(Area.code == code).order_by(Area.valid_from.desc())).all()
    return next((a for a in found if a.valid_from == day), found[0] if found else None)


def check(parsed: Parsed) -> tuple[list[RowError], list[dict]]:
    """Every error (the cells' and the database's), and the checked rows (kind, target id, year, figures, source,
    estimate)."""
    errors: list[RowError] = list(parsed.errors)
    checked, seen = [], {}
    for v in parsed.rows:
        number, before = v["row"], len(errors)
        code, unit_id, year = v["ma_dia_ban"], v["ma_don_vi"], v["nam"]
        row = {"year": year, "source": v["nguon"], "estimate": fold(v["uoc_tinh"] or "") in YES}
        if bool(code) == bool(unit_id):
            errors.append(RowError(number, LABEL["ma_dia_ban"], "Ghi mã địa bàn hoặc mã đơn vị (chỉ một)."))
        elif code:
            area = _area(code)
            for key, value in (("nam", year), ("nguon", v["nguon"])):
                if value is None:
                    errors.append(RowError(number, LABEL[key], "Bắt buộc, đang để trống."))
            if len(errors) > before:
                pass
            elif area is None:
                errors.append(RowError(number, LABEL["ma_dia_ban"], f"Không có địa bàn mã {code}."))
            elif v["lao_dong"] is None and v["chu_doanh_nghiep"] is None:
                errors.append(RowError(number, LABEL["lao_dong"], "Cần số người lao động hoặc số chủ doanh nghiệp."))
            else:
                row |= {"kind": "area", "id": area.id, "working_age": v["lao_dong"],
                        "business_owners": v["chu_doanh_nghiep"]}
        else:
            unit = db.session.get(Unit, unit_id)
            if unit is None:
                errors.append(RowError(number, LABEL["ma_don_vi"], f"Không có đơn vị mã {unit_id}."))
            elif v["can_bo"] is None:
                errors.append(RowError(number, LABEL["can_bo"], "Cần số cán bộ, công chức, viên chức."))
            else:
                row |= {"kind": "unit", "id": unit.id, "headcount": v["can_bo"]}
        if len(errors) == before:
            key = (row["kind"], row["id"], year if row["kind"] == "area" else None)
            if key in seen:
                errors.append(RowError(number, LABEL["ma_dia_ban" if code else "ma_don_vi"],
                                       f"Trùng với dòng {seen[key]}."))
            else:
                seen[key] = number
                checked.append(row | {"row": number})
    if not errors:
        existing = {(p.area_id, p.year): p for p in db.session.scalars(select(AreaPopulation))}
        for row in checked:
            if row["kind"] == "area" and row["working_age"] is None and (row["id"], row["year"]) not in existing:
                errors.append(RowError(row["row"], LABEL["lao_dong"],
                                       "Chưa có số liệu năm này: cần số người trong độ tuổi lao động."))
    return sorted(errors, key=lambda e: e.row), checked


def apply(checked: list[dict]) -> dict[str, int]:
    """Write the checked rows (call only without errors); flushes, never commits."""
    existing = {(p.area_id, p.year): p for p in db.session.scalars(select(AreaPopulation))}
    counts = {"areas": 0, "units": 0}
    for row in checked:
        if row["kind"] == "unit":
            unit = db.session.get(Unit, row["id"])
            unit.headcount = row["headcount"]
            if row["year"] is not None:
                unit.headcount_year = row["year"]
            if row["source"]:
                unit.headcount_source = row["source"]
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
