"""`lantoa demo`: the real 2024 and 2025 maps with their crosswalk, realistic units, a synthetic cascade and one account per role.

Rules: the seed is fixed, so a run on the same day gives the same data; a database that
already holds trainers is not seeded again (only the accounts are ensured); rows go in
with bulk inserts (Core executemany, `CHUNK` rows a statement) so that province scale (1M enrolments) loads in a
few minutes. Memory stays flat with the size: the cascade hands its persons and enrolments over every `CHUNK`
persons (`_Loader` inserts them and keeps only what the awards need), certificates and points are generated and
inserted a chunk at a time; only trainers and classes (tens of thousands) are held whole.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path

from sqlalchemy import bindparam, func, insert, select, text, update

from app import ROOT
from app.areas.crosswalk import crosswalk_maps, load_crosswalk
from app.areas.operations import load_map, map_period, read_map
from app.demo import awards
from app.demo.accounts import ensure_accounts
from app.demo.assignments import load_demo_neighbours, seed_assignments
from app.demo.cascade import SIZES, Cascade, District
from app.demo.plan import seed_plan
from app.demo.provinces import add_provinces
from app.demo.units import HEADCOUNT_SOURCE, HEADCOUNT_YEAR, PROVINCE_SEAT, SHORT_NAMES, UNITS
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
from app.rankings import totals
from app.timeutil import local_today
from app.web.formatting import vn_number

MAP_FILE = ROOT / "data" / "areas" / "vn-2024-thai-nguyen-bac-kan.csv"
NEW_MAP_FILE = ROOT / "data" / "areas" / "vn-2025-thai-nguyen.csv"
CROSSWALK_FILE = ROOT / "data" / "areas" / "vn-2025-crosswalk-thai-nguyen.csv"
POPULATION_FILE = ROOT / "data" / "areas" / "population-2019-thai-nguyen-districts.csv"
PROVINCE = "P19"
CHUNK = 20_000
# SQLite's page cache while the rows go in (PRAGMA cache_size: negative is KiB, so 128 MB): with the default 2 MB
# every insert into the persons' nine indexes (random phone, name and ID keys) reads its pages back from the file
SEED_CACHE = -131_072


def vacuum_analyze(engine) -> None:
    """On PostgreSQL, `VACUUM (ANALYZE)` once a bulk load is committed (outside any transaction, as VACUUM must
    be): the planner's statistics and, above all, the visibility map, without which every index-only scan reads
    the table's pages too. Measured on the province demo right after its seed: the trainer list 45 → 19 ms, the
    class list 31 → 11 ms, the learner list 24 → 10 ms (one request, no load); autovacuum would get there only
    later. Nothing on SQLite."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE)"))


def seed_demo(size: str = "demo", seed: int = 137, echo: Callable[[str], None] = print,
              provinces: int = 1) -> list[str]:
    """Seed the demo of `size`; `provinces` > 1 adds that many − 1 synthetic copies of the province
    (`app/demo/provinces.py`), outside the programme's area, for the growth test."""
    started = time.perf_counter()
    valid_from, valid_to = load_maps()
    province = db.session.scalar(select(Area).where(Area.code == PROVINCE, Area.valid_from == valid_from))
    load_demo_neighbours()
    if db.session.scalar(select(func.count(Trainer.id))):
        echo("Cơ sở dữ liệu đã có dữ liệu mẫu: giữ nguyên, chỉ kiểm tra tài khoản.")
    else:
        units = _units(valid_from)
        districts = _districts(province)
        today = local_today()
        cache = _sqlite_cache(SEED_CACHE)
        loader = _Loader(today)
        first_certificate = (db.session.scalar(select(func.max(Certificate.id))) or 0) + 1
        rows = Cascade(districts, units, SIZES[size], today, seed, _first_ids(), sink=loader, chunk=CHUNK).run()
        done, classes = loader.completions, loader.classes
        order = awards.certificate_order(done, classes)
        certs = _bulk_insert(Certificate, awards.certificates(done, order, classes, first_certificate))
        ledger = _bulk_insert(PointEntry, awards.points(rows.trainers, classes, done, order, first_certificate))
        _bulk_insert(AreaPopulation, awards.populations(POPULATION_FILE, {d.code: d.id for d in districts}))
        _sync_sequences(Person, Trainer, TrainingClass, Enrollment, Certificate, PointEntry, AreaPopulation)
        del done, order
        # trainers and classes refer to each other: origins go in once both exist
        origins = [{"tid": t["id"], "cid": t["origin_class_id"]} for t in rows.trainers
                   if t["origin_class_id"] is not None]
        if origins:
            table = Trainer.__table__
            db.session.execute(
                update(table).where(table.c.id == bindparam("tid")).values(origin_class_id=bindparam("cid")),
                origins,
            )
        add_provinces(province, provinces, echo)
        totals.refresh(everything=True)
        made = (len(rows.trainers), len(rows.classes), loader.enrollments)
        del rows, classes, loader, origins  # before the network, the assignments and the scan
        _sqlite_cache(cache)
        assigned = seed_assignments(local_today(), seed)
        echo(f"Đã tạo {vn_number(made[0])} giảng viên, {vn_number(assigned)} phân công, "
             f"{vn_number(made[1])} lớp, "
             f"{vn_number(made[2])} lượt học viên, {vn_number(certs)} chứng nhận, "
             f"{vn_number(ledger)} mục điểm trong {vn_number(time.perf_counter() - started, 1)} giây.")
        from app.network.cli import echo_summary
        from app.network.operations import recompute_all

        echo_summary(recompute_all(), echo)
        if db.session.get_bind().dialect.name == "postgresql":
            # fresh statistics for the planner after a million rows (autovacuum would get there later); SQLite is
            # left without statistics: its list pages are planned for that (app/web/paging.py)
            db.session.execute(text("ANALYZE"))
    for line in seed_plan(province, local_today()):
        echo(line)
    lines = ensure_accounts(province)
    for line in apply_mergers(local_today()):
        echo(line)
    # the dashboards' stored summaries, counted once the rows are in (bulk Core inserts: marked stale, then the
    # first reads of the home, area, targets and forecast pages computed ahead)
    from app.summaries import mark_stale, refresh_due
    from app.summaries.catalogue import warm

    mark_stale(Person, Trainer, TrainingClass, Enrollment, Certificate, AreaPopulation)
    started = time.perf_counter()
    refresh_due(local_today())
    echo(f"Đã tính trước {warm(local_today())} bảng số liệu tổng hợp trong "
         f"{vn_number(time.perf_counter() - started, 1)} giây.")
    return lines


def apply_mergers(today) -> list[str]:
    """The department mergers of 1/3/2025 (`units.MERGERS`), once the demo's today has reached them: the merged
    departments' staff, trainers, classes, sub-units and the coordinator's scope follow the successor. Idempotent:
    a merger already recorded is left alone."""
    from datetime import date

    from app.demo.units import MERGER_DAY, MERGER_DECISION, MERGERS
    from app.models import Unit, UnitCrosswalk
    from app.units.changes import merge_units

    day = date(*MERGER_DAY)
    if today < day:
        return [f"Chưa đến ngày gộp sở ({day:%d/%m/%Y}): các sở giữ nguyên."]
    lines = []
    for source_name, successor_name in MERGERS:
        source = db.session.scalar(select(Unit).where(Unit.name == source_name))
        successor = db.session.scalar(select(Unit).where(Unit.name == successor_name))
        if source is None or successor is None or db.session.scalar(
                select(UnitCrosswalk.id).where(UnitCrosswalk.from_unit_id == source.id)):
            continue
        _unit, moved = merge_units(None, [source.id], successor.id, None, day, MERGER_DECISION, today)
        lines.append(f"Gộp {source_name} vào {successor_name} từ {day:%d/%m/%Y}: "
                     f"{vn_number(moved['person'])} người, {vn_number(moved['trainer'])} giảng viên, "
                     f"{vn_number(moved['class'])} lớp chuyển theo.")
    return lines


def load_maps():
    """Both maps (old Thái Nguyên and old Bắc Kạn, then the merged province) and the crosswalk;
    the demo's data stays on the old Thái Nguyên communes. Returns the old map's period."""
    period = map_period(MAP_FILE)
    load_map(read_map(MAP_FILE), *period)
    load_map(read_map(NEW_MAP_FILE), *map_period(NEW_MAP_FILE))
    load_crosswalk(CROSSWALK_FILE, *crosswalk_maps(CROSSWALK_FILE))
    return period


def _first_ids() -> dict[str, int]:
    return {
        model.__tablename__: (db.session.scalar(select(func.max(model.id))) or 0) + 1
        for model in (Person, Trainer, TrainingClass, Enrollment)
    }


def _units(valid_from) -> list[dict]:
    """Create the demo organisations once; return them as plain dicts."""
    areas = {a.code: a for a in db.session.scalars(select(Area).where(Area.valid_from == valid_from))}
    existing = {u.name: u for u in db.session.scalars(select(Unit))}
    for name, kind, district_code, headcount, parent in UNITS:
        if name in existing:
            continue
        district = areas[district_code or PROVINCE_SEAT]
        unit = Unit(kind=kind, area_id=district.id, headcount=headcount, headcount_year=HEADCOUNT_YEAR,
                    headcount_source=HEADCOUNT_SOURCE, parent_id=existing[parent].id if parent else None, path="")
        unit.set_name(name, SHORT_NAMES.get(name))
        db.session.add(unit)
        db.session.flush()
        unit.path = (existing[parent].path if parent else "/") + f"{unit.id}/"
        existing[name] = unit
    by_name = {row[0]: row[2] for row in UNITS}
    return [{"id": u.id, "district_code": by_name.get(u.name), "kind": u.kind} for u in existing.values()]


def _districts(province: Area) -> list[District]:
    with Path(POPULATION_FILE).open(encoding="utf-8") as fh:
        population = {row["code"]: int(row["population_2019"]) for row in csv.DictReader(fh)}
    districts = db.session.scalars(select(Area).where(Area.parent_id == province.id).order_by(Area.code))
    result = []
    for district in districts:
        communes = list(db.session.scalars(
            select(Area.id).where(Area.parent_id == district.id).order_by(Area.code)
        ))
        result.append(District(district.id, district.code, population.get(district.code, 50_000), communes))
    return result


class _Loader:
    """The cascade's sink: inserts each chunk (persons, trainers, classes, enrolments: foreign keys first) and
    keeps the classes by id and the completed enrolments as ints (`awards.Completions`) for the awards."""

    def __init__(self, today) -> None:
        self.today = today
        self.classes: dict[int, dict] = {}
        self.completions = awards.Completions()
        self.enrollments = 0

    def __call__(self, persons: list[dict], trainers: list[dict], classes: list[dict],
                 enrollments: list[dict]) -> None:
        awards.class_dates(classes, self.today)
        self.classes.update((c["id"], c) for c in classes)
        awards.candidates(enrollments, self.classes, self.today)
        _bulk_insert(Person, persons)
        # a trainer's origin class may not be inserted yet: origins are set once everything is in
        _bulk_insert(Trainer, ({**t, "origin_class_id": None} for t in trainers))
        _bulk_insert(TrainingClass, classes)
        _bulk_insert(Enrollment, enrollments)
        self.completions.add(enrollments)
        self.enrollments += len(enrollments)


def _sqlite_cache(size: int | None) -> int | None:
    """Set this connection's SQLite `PRAGMA cache_size`; returns the previous value (None: not SQLite)."""
    if size is None or db.session.get_bind().dialect.name != "sqlite":
        return None
    before = db.session.execute(text("PRAGMA cache_size")).scalar()
    db.session.execute(text(f"PRAGMA cache_size={int(size)}"))
    return before


def _bulk_insert(model, rows: Iterable[dict]) -> int:
    """Insert the rows, `CHUNK` at a time (an iterator is never held whole); returns how many."""
    table, rows, count = model.__table__, iter(rows), 0
    while batch := list(islice(rows, CHUNK)):
        db.session.execute(insert(table), batch)
        count += len(batch)
    return count


def _sync_sequences(*models) -> None:
    """PostgreSQL: each table's id sequence moved past the explicit ids inserted."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        name = model.__table__.name
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT MAX(id) FROM {name}))"
        ))
