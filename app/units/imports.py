"""Importing units from an xlsx or CSV file (a declared table read by `app.imports`): a template, a dry run
listing every bad row, all or nothing.

Columns (header = the title or the key, diacritics, case and "(*)" ignored):
  ma_don_vi "Mã đơn vị" | ten "Tên đơn vị" (*) | ten_viet_tat "Tên viết tắt" | loai "Loại" (*) |
  ma_cap_tren "Mã đơn vị cấp trên" | ma_dia_ban "Mã địa bàn" (*) | nhan_su "Số cán bộ, nhân sự" |
  nam "Năm của số liệu" | nguon "Nguồn số liệu" | lien_he "Liên hệ" | tu_ngay "Hoạt động từ ngày".
Rules:
- a unit's code is its id in Lan Tỏa (as the denominators import reads it); a row with a code is that unit, which
  the importing user must manage (else "không có trong phạm vi"); a row without one is a new unit;
- the parent is named by its code and must be a unit the user may choose (`queries.parent_ids`), the area by its
  code (the working map's area, else the newest map with that code); a parent or area equal to the unit's own
  is always accepted, so a coordinator's own unit imports back with its parent outside their subtree;
- a row of an existing unit is "unchanged" when every value equals the unit's, else an update through
  `operations.edit_unit` (a rename keeps its history); an empty "Hoạt động từ ngày" keeps the unit's date
  (a new unit starts today);
- every rule of `operations.check_fields` is checked per row (a new or changed headcount needs its year and
  source; a unit coordinator's new unit needs a parent in their subtree; no loop); a new unit named like a
  sibling under the same parent (in the database or the file) is refused: give its code to update it;
- so the unit list's export (`/exports/units.<xlsx|csv>`) and the template import back with no error;
- nothing is written while any row has an error; then new units, then updates, and one `unit.import` audit
  event with the counts (each unit's own create/edit events too).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.areas.maps import working_map
from app.audit import record
from app.errors import OperationError
from app.extensions import db
from app.imports.read import FileError
from app.imports.spec import Column, RowError, Spec, length_of
from app.imports.table import Parsed, parse
from app.models import Area, Unit
from app.models.vocab import UNIT_KINDS
from app.text import fold
from app.units import operations, queries
from app.web.templates_xlsx import import_template

__all__ = ["SPEC", "COLUMNS", "template", "read_table", "check", "apply", "summary", "ImportFileError"]

ImportFileError = FileError
KINDS = {fold(label): code for code, label in UNIT_KINDS.items()} | {code: code for code in UNIT_KINDS}
EXAMPLE = ("", "Trường THCS Mẫu Đơn", "THCS Mẫu Đơn", UNIT_KINDS["school"], "", "D171", 40, 2025,
           "Phòng Giáo dục và Đào tạo", "0208 3 000 000, thcs.maudon@example.vn", "01/09/2025")
SPEC = Spec("danh sách đơn vị", (
    Column("ma_don_vi", "Mã đơn vị", "int", minimum=1, message="Mã đơn vị là một số (xem trang Đơn vị)."),
    Column("ten", "Tên đơn vị", required=True, max_length=length_of(Unit.name), aliases=("Tên",)),
    Column("ten_viet_tat", "Tên viết tắt", max_length=length_of(Unit.short_name)),
    Column("loai", "Loại", "choice", required=True, choices=KINDS,
           message="Loại không hợp lệ (" + "; ".join(UNIT_KINDS.values()) + ")."),
    Column("ma_cap_tren", "Mã đơn vị cấp trên", "int", minimum=1,
           message="Mã đơn vị cấp trên là một số (mã của đơn vị đó)."),
    Column("ma_dia_ban", "Mã địa bàn", required=True, max_length=length_of(Area.code)),
    Column("nhan_su", "Số cán bộ, nhân sự", "int", minimum=0, message="Phải là số nguyên không âm.",
           aliases=("Quân số",)),
    Column("nam", "Năm của số liệu", "int", minimum=2000, maximum=2100, message="Năm phải từ 2000 đến 2100."),
    Column("nguon", "Nguồn số liệu", max_length=length_of(Unit.headcount_source)),
    Column("lien_he", "Liên hệ", max_length=length_of(Unit.contact)),
    Column("tu_ngay", "Hoạt động từ ngày", "date"),
), unique=("ma_don_vi",), one_of=(("ten",), ("ma_dia_ban",)), examples=(EXAMPLE,))
COLUMNS = [(c.key, c.header) for c in SPEC.columns]  # key, title (the export starts with exactly these)
LABEL = dict(COLUMNS)
FIELD_COLUMN = {"name": "ten", "short_name": "ten_viet_tat", "kind": "loai", "parent_id": "ma_cap_tren",
                "area_id": "ma_dia_ban", "headcount": "nhan_su", "headcount_year": "nam", "headcount_source": "nguon",
                "contact": "lien_he", "valid_from": "tu_ngay", "valid_to": "tu_ngay"}


def template() -> bytes:
    return import_template("Đơn vị", SPEC.template_headers, [EXAMPLE], width=22, notes=[
        "Mỗi dòng một cơ quan, đơn vị. Cột có (*) là bắt buộc.",
        "Mã đơn vị: để trống với đơn vị mới; ghi mã (xem trang Đơn vị hoặc tệp xuất) để cập nhật đơn vị đã có.",
        "Loại: " + "; ".join(UNIT_KINDS.values()) + ".",
        "Mã đơn vị cấp trên: mã của đơn vị cấp trên đã có (để trống nếu là đơn vị cấp cao nhất).",
        "Mã địa bàn: mã xã/huyện/tỉnh trên bản đồ đang dùng (xem trang Địa bàn).",
        "Số cán bộ, nhân sự: khi ghi mới hoặc thay đổi, cần ghi cả Năm của số liệu và Nguồn số liệu.",
        "Hoạt động từ ngày: dd/mm/yyyy; để trống: đơn vị mới tính từ hôm nay, đơn vị đã có giữ nguyên.",
        "Dòng 2 là ví dụ: dòng giống hệt ví dụ được bỏ qua khi nhập. Nhập tất cả hoặc không nhập gì.",
    ])


def read_table(filename: str, content: bytes) -> Parsed:
    return parse(SPEC, filename, content)


def areas_by_code(codes: set[str], user) -> dict[str, int]:
    """Code → area id: the working map's area, else the newest map's with that code."""
    day = working_map(user)
    found: dict[str, tuple] = {}
    for area in db.session.execute(select(Area.id, Area.code, Area.valid_from).where(Area.code.in_(sorted(codes)))):
        rank = (area.valid_from == day, area.valid_from)
        if area.code not in found or rank > found[area.code][0]:
            found[area.code] = (rank, area.id)
    return {code: value[1] for code, value in found.items()}


def check(user, parsed: Parsed, today: date) -> tuple[list[RowError], list[dict]]:
    """Every error (cells and database), and the checked rows: {"row", "unit_id" (None: new), "fields",
    "changes"}."""
    errors: list[RowError] = list(parsed.errors)
    ids = {v["ma_don_vi"] for v in parsed.rows if v["ma_don_vi"]}
    units = {u.id: u for u in db.session.scalars(
        select(Unit).where(Unit.id.in_(sorted(ids)), queries.managed(user)))} if ids else {}
    areas = areas_by_code({v["ma_dia_ban"] for v in parsed.rows}, user)
    area_codes = dict(db.session.execute(select(Area.id, Area.code).where(
        Area.id.in_(sorted({u.area_id for u in units.values()})))).all()) if units else {}
    checked, siblings, names = [], {}, {}
    for v in parsed.rows:
        number, unit = v["row"], units.get(v["ma_don_vi"])
        if v["ma_don_vi"] and unit is None:
            errors.append(RowError(number, LABEL["ma_don_vi"],
                                   f"Không có đơn vị mã {v['ma_don_vi']} trong phạm vi quản lý của bạn."))
            continue
        if unit is not None and area_codes.get(unit.area_id) == v["ma_dia_ban"]:
            area_id = unit.area_id
        else:
            area_id = areas.get(v["ma_dia_ban"])
            if area_id is None:
                errors.append(RowError(number, LABEL["ma_dia_ban"], f"Không có địa bàn mã {v['ma_dia_ban']}."))
                continue
        fields = operations.UnitFields(
            name=v["ten"], kind=v["loai"], area_id=area_id, parent_id=v["ma_cap_tren"], short_name=v["ten_viet_tat"],
            headcount=v["nhan_su"], headcount_year=v["nam"], headcount_source=v["nguon"], contact=v["lien_he"],
            valid_from=v["tu_ngay"] or (unit.valid_from if unit else today))
        try:
            if unit is not None:
                changed = operations.changes(unit, fields)
                if changed:
                    operations.check_fields(user, fields, today, unit)
                    _no_loop(unit, fields.parent_id)
            else:
                changed = None
                operations.check_fields(user, fields, today)
        except OperationError as error:
            errors.append(RowError(number, LABEL[FIELD_COLUMN.get(error.field, "ten")], error.message))
            continue
        if unit is None:
            key = (fields.parent_id, fold(fields.name))
            if fields.parent_id not in names:
                names[fields.parent_id] = _names_under(fields.parent_id)
            same = siblings.get(key) or names[fields.parent_id].get(key[1])
            if same:
                errors.append(RowError(number, LABEL["ten"], same))
                continue
            siblings[key] = f"Trùng tên với dòng {number} (cùng đơn vị cấp trên)."
        checked.append({"row": number, "unit_id": unit.id if unit else None, "fields": fields, "changes": changed})
    return sorted(errors, key=lambda e: e.row), checked


def _no_loop(unit: Unit, parent_id: int | None) -> None:
    parent = db.session.get(Unit, parent_id) if parent_id else None
    if parent is not None and parent.path.startswith(unit.path):
        raise OperationError("Không thể chọn chính đơn vị này hoặc một đơn vị trực thuộc nó làm đơn vị cấp trên.",
                             field="parent_id")


def _names_under(parent_id: int | None) -> dict[str, str]:
    """Folded name → the refusal, for the units directly under `parent_id` (None: the roots)."""
    parent = Unit.parent_id.is_(None) if parent_id is None else Unit.parent_id == parent_id
    return {fold(name): f"Đã có đơn vị tên này (mã {unit_id}) cùng đơn vị cấp trên: ghi mã đơn vị để cập nhật."
            for unit_id, name in db.session.execute(select(Unit.id, Unit.name).where(parent))}


def summary(checked: list[dict]) -> dict[str, int]:
    new = sum(1 for row in checked if row["unit_id"] is None)
    updated = sum(1 for row in checked if row["changes"])
    return {"new": new, "updated": updated, "unchanged": len(checked) - new - updated}


def apply(user, checked: list[dict], today: date) -> dict[str, int]:
    """Write the checked rows (call only without errors): new units, then updates; flushes, never commits."""
    for row in checked:
        if row["unit_id"] is None:
            operations.create_unit(user, row["fields"], today)
    for row in checked:
        if row["changes"]:
            operations.edit_unit(user, db.session.get(Unit, row["unit_id"]), row["fields"], today)
    counts = summary(checked)
    record("unit.import", entity="units", after=counts, actor=user)
    return counts
