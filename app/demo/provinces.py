"""Synthetic provinces for the growth test: `lantoa demo --provinces N` copies the real province's demo N − 1 times.

Rules:
- Province k (2 … N) is a copy of the real province's area tree on the demo's map (codes `M<k>-<code>`, the
  province named "Tỉnh mẫu k", every district and commune "<name> (mẫu k)"), of its units ("<name> (tỉnh mẫu k)")
  and of every row of its cascade: persons, trainers, classes, enrolments, certificates, point entries, district
  populations. Nothing of it has an image on the merged map (no crosswalk row), so it lies outside the programme's
  area (`app.areas.maps.programme_roots`): the pages of one province, while the tables hold N.
- Ids: every copied table's ids are shifted by (k − 1) × the table's largest id before the copy, and so is every
  foreign key to a copied table: the copy is one INSERT … SELECT per table and province (the database does the
  work; the process holds only the trainers, a few tens of thousands, for their paths). Tables that are not copied
  (users, gaps, plans, assignments …) stay the real province's.
- Unique values are made unique without a lookup: a copy's phone is `+841` and its person id on 8 digits (no real
  or demo number starts +841), its national ID number takes the province code `1kk` instead of `019`, its
  certificate code is `U` and its id on 9 digits (`U` is outside the codes' alphabet, so it never meets a random
  code: the copies' certificates are not verifiable), its serial is `BDHAI-<year>-<its id>`.
- Run once, right after the real province's cascade is in (before the network pass, the point totals and ANALYZE,
  which then see every province).
"""

from __future__ import annotations

import time

from sqlalchemy import String, bindparam, case, cast, func, insert, literal, select, text, update

from app.extensions import db
from app.models import (
    Area,
    AreaPopulation,
    Certificate,
    Enrollment,
    Person,
    PointEntry,
    Trainer,
    TrainingClass,
    Unit,
)
from app.text import fold

# copied in this order (foreign keys first); areas and units by hand (names and paths), the rest INSERT … SELECT
COPIED = (Area, Unit, Person, Trainer, TrainingClass, Enrollment, Certificate, PointEntry, AreaPopulation)
# what a point entry's source id refers to, by reason (the demo's ledger: app/demo/awards.py points)
POINT_SOURCES = {"class_opened": "training_classes", "learner_completed": "enrollments",
                 "certificate": "certificates", "trainer_grown": "trainers"}
CODE_PREFIX = "M{k}-"


def province_name(k: int) -> str:
    return f"Tỉnh mẫu {k}"


def add_provinces(province: Area, count: int, echo=print) -> None:
    """Provinces 2 … `count`: copies of `province` (its subtree on its map) and of every row made by the seed."""
    if count <= 1:
        return
    started = time.perf_counter()
    spans = {model.__tablename__: db.session.scalar(select(func.max(model.id))) or 0 for model in COPIED}
    areas = list(db.session.scalars(
        select(Area).where(Area.valid_from == province.valid_from, Area.path.startswith(province.path, autoescape=True))
        .order_by(Area.id)))
    units = list(db.session.scalars(select(Unit).order_by(Unit.id)))
    trainers = [dict(r._mapping) for r in db.session.execute(select(Trainer.__table__).order_by(Trainer.id))]
    for k in range(2, count + 1):
        offsets = {name: (k - 1) * span for name, span in spans.items()}
        _copy_areas(areas, province, k, offsets["areas"])
        _copy_units(units, k, offsets)
        _copy_rows(Person, k, offsets, spans)
        _copy_trainers(trainers, offsets)
        for model in (TrainingClass, Enrollment, Certificate, PointEntry, AreaPopulation):
            _copy_rows(model, k, offsets, spans)
        origins = [{"tid": t["id"] + offsets["trainers"], "cid": t["origin_class_id"] + offsets["training_classes"]}
                   for t in trainers if t["origin_class_id"] is not None]
        if origins:
            table = Trainer.__table__
            db.session.execute(
                update(table).where(table.c.id == bindparam("tid")).values(origin_class_id=bindparam("cid")),
                origins)
        echo(f"Đã tạo {province_name(k)} (bản sao của {province.name}, mã {CODE_PREFIX.format(k=k)}…) "
             f"sau {time.perf_counter() - started:.1f} giây.")
    _sync_sequences()


def _copy_areas(areas: list[Area], province: Area, k: int, offset: int) -> None:
    prefix = CODE_PREFIX.format(k=k)
    rows = []
    for a in areas:
        name = province_name(k) if a.id == province.id else f"{a.name} (mẫu {k})"
        rows.append({
            "id": a.id + offset, "code": prefix + a.code, "name": name, "search_key": fold(name),
            "division_type": a.division_type, "level": a.level,
            "parent_id": a.parent_id + offset if a.id != province.id else None,
            "valid_from": a.valid_from, "valid_to": a.valid_to, "path": _shifted(a.path, offset),
        })
    db.session.execute(insert(Area.__table__), rows)


def _copy_units(units: list[Unit], k: int, offsets: dict[str, int]) -> None:
    if not units:
        return
    offset = offsets["units"]
    rows = []
    for u in units:
        name = f"{u.name} (tỉnh mẫu {k})"
        short = f"{u.short_name} M{k}" if u.short_name else None
        rows.append({
            "id": u.id + offset, "name": name, "short_name": short, "search_key": fold(f"{name} {short}" if short
                                                                                       else name),
            "kind": u.kind, "area_id": u.area_id + offsets["areas"],
            "parent_id": u.parent_id + offset if u.parent_id is not None else None,
            "headcount": u.headcount, "headcount_year": u.headcount_year, "headcount_source": u.headcount_source,
            "contact": u.contact, "valid_from": u.valid_from, "valid_to": u.valid_to,
            "path": _shifted(u.path, offset),
        })
    db.session.execute(insert(Unit.__table__), rows)


def _copy_trainers(trainers: list[dict], offsets: dict[str, int]) -> None:
    """Trainers in id order (a mentor before its trainees); origins are set once the classes are in."""
    offset = offsets["trainers"]
    rows = []
    for t in trainers:
        rows.append({
            **t, "id": t["id"] + offset, "person_id": t["person_id"] + offsets["persons"],
            "mentor_id": t["mentor_id"] + offset if t["mentor_id"] is not None else None, "origin_class_id": None,
            "area_id": t["area_id"] + offsets["areas"] if t["area_id"] is not None else None,
            "unit_id": t["unit_id"] + offsets["units"] if t["unit_id"] is not None else None,
            "path": _shifted(t["path"], offset),
        })
    for start in range(0, len(rows), 20_000):
        db.session.execute(insert(Trainer.__table__), rows[start:start + 20_000])


def _copy_rows(model, k: int, offsets: dict[str, int], spans: dict[str, int]) -> None:
    """One INSERT … SELECT: the table's rows as they were before the first copy, ids and foreign keys shifted."""
    table = model.__table__
    columns, values = [], []
    for column in table.c:
        expr = _copied(table, column, k, offsets)
        columns.append(column.name)
        values.append(expr.label(column.name))
    source = select(*values).where(table.c.id <= spans[table.name]).order_by(table.c.id)
    db.session.execute(insert(table).from_select(columns, source))


def _copied(table, column, k: int, offsets: dict[str, int]):
    name = table.name
    new_id = table.c.id + offsets[name]
    if column.name == "id":
        return new_id
    if name == "persons" and column.name == "phone":
        return case((column.is_(None), None), else_=literal("+841") + _padded(new_id, 8))
    if name == "persons" and column.name == "national_id":
        return case((column.is_(None), None), else_=literal(f"1{k:02d}") + func.substr(column, 4, type_=String))
    if name == "certificates" and column.name == "code":
        return literal("U") + _padded(new_id, 9)
    if name == "certificates" and column.name == "serial":
        return literal("BDHAI-") + func.substr(column, 7, 4, type_=String) + literal("-") + _padded(new_id, 6)
    if name == "point_entries" and column.name == "source_id":
        return case(*((table.c.reason == reason, column + offsets[target]) for reason, target in POINT_SOURCES.items()),
                    else_=column)
    targets = {fk.column.table.name for fk in column.foreign_keys}
    if targets:
        (target,) = targets
        if target in offsets:
            return column + offsets[target]
    return column


def _padded(expr, width: int):
    """An integer as text, zero-padded to `width` digits (never cut: PostgreSQL's lpad cuts a longer text)."""
    if db.session.get_bind().dialect.name == "postgresql":
        digits = cast(expr, String)
        return func.lpad(digits, func.greatest(width, func.length(digits)), "0", type_=String)
    return func.printf(f"%0{width}d", expr, type_=String)


def _shifted(path: str, offset: int) -> str:
    """'/1/12/150/' with every id shifted: '/1+o/12+o/150+o/'."""
    ids = [int(p) for p in path.strip("/").split("/") if p]
    return "/" + "".join(f"{i + offset}/" for i in ids) if ids else path


def _sync_sequences() -> None:
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in COPIED:
        name = model.__table__.name
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT MAX(id) FROM {name}))"))

