"""The bad-input corpus (tests/data/imports/ and tests/imports_corpus.py) against every import, through the test
client: never a 500, a Vietnamese error naming the row and column (or the file's problem), and after a refusal
the database row counts and the upload folder unchanged."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.imports.spec import Spec
from app.models import Area, AreaPopulation, AuditEvent, Enrollment, Person, Trainer, Unit
from app.network.imports import SPEC as TRAINER_SPEC
from app.targets.denominators import SPEC as DENOMINATOR_SPEC
from app.training.roster import SPEC as ROSTER_SPEC
from app.units.imports import SPEC as UNIT_SPEC
from tests.conftest import post_form
from tests.factories import make_class
from tests.imports_corpus import bad_cells, bad_files, good_files

DATA = Path(__file__).parent / "data" / "imports"
IMPORTS = ("roster", "trainers", "denominators", "units")


@dataclass
class Case:
    user: str
    url: str
    write: dict  # form fields of the real import (all or nothing)
    dry: dict  # form fields of the dry run
    spec: Spec
    good: dict  # one valid row by key
    text_key: str  # a text column to put bad text in


@pytest.fixture
def case(request, world) -> Case:
    if request.param == "roster":
        training_class = make_class(world.trainers["Nguyễn Văn Đại"], world.dai_tu, status="open", topic="Kho")
        return Case("trainer_daitu", f"/classes/{training_class.id}/roster", {"action": "import"},
                    {"action": "dry_run"}, ROSTER_SPEC,
                    {"full_name": 'Lê "Tí" Cường', "phone": "0912000201", "birth_year": 1990, "gender": "Nữ"},
                    "full_name")
    if request.param == "trainers":
        root_phone = db.session.get(Person, world.trainers["Nguyễn Văn Đại"].person_id).phone.replace("+84", "0")
        code = db.session.scalar(select(Area.code).where(Area.parent_id == world.dai_tu.id).order_by(Area.code)
                                 .limit(1))
        return Case("coord_daitu", "/network/import", {"action": "apply"}, {"action": "check"}, TRAINER_SPEC,
                    {"full_name": 'Giảng Viên "Kho"', "phone": "0981000031", "mentor_phone": root_phone,
                     "tier": "Giảng viên cơ sở", "max_level": 1, "area_code": code, "certified_on": "20/05/2025"},
                    "full_name")
    if request.param == "units":
        return Case("steering", "/units/import", {}, {"dry_run": "y"}, UNIT_SPEC,
                    {"ten": 'Trường "Kho" Thử', "loai": "Trường học", "ma_dia_ban": "D171", "nhan_su": 40, "nam": 2025,
                     "nguon": "Sở GD", "tu_ngay": "01/09/2025"}, "ten")
    return Case("steering", "/targets/denominators", {}, {"dry_run": "y"}, DENOMINATOR_SPEC,
                {"ma_dia_ban": "D171", "nam": 2031, "lao_dong": 120000, "nguon": 'Cục "Thống kê" tỉnh'}, "nguon")


def _state(app) -> tuple:
    counts = tuple(db.session.scalar(select(func.count()).select_from(m))
                   for m in (Person, Trainer, Enrollment, AreaPopulation, AuditEvent, Unit))
    headcounts = db.session.scalar(select(func.coalesce(func.sum(Unit.headcount), 0)))
    folder = Path(app.config["LANTOA_UPLOAD_DIR"])
    return counts, headcounts, sorted(p.name for p in folder.rglob("*"))


def _post(client, case: Case, filename: str, data: bytes, fields: dict):
    response = post_form(client, case.url, {**fields, "file": (io.BytesIO(data), filename)},
                         content_type="multipart/form-data", follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


def _names_row_and_column(html: str, row: int, column: str) -> bool:
    return re.search(rf">{row}</td>\s*<td>{re.escape(column)}</td>", html) is not None


@pytest.mark.parametrize("case", IMPORTS, indirect=True)
def test_files_refused_as_a_whole_change_nothing(app, client, login_as, case):
    login_as(case.user)
    before = _state(app)
    for name, (filename, data, message) in bad_files(case.spec).items():
        status, html = _post(client, case, filename, data, case.write)
        assert status < 500 and message in html, (name, status, html[-1500:])
        assert _state(app) == before, name


@pytest.mark.parametrize("case", IMPORTS, indirect=True)
def test_bad_cells_are_named_by_row_and_column_and_change_nothing(app, client, login_as, case):
    login_as(case.user)
    before = _state(app)
    column = case.spec.header(case.text_key)
    for name, (filename, data, reason) in bad_cells(case.spec, case.good, case.text_key).items():
        for fields in (case.dry, case.write):
            status, html = _post(client, case, filename, data, fields)
            assert status < 500 and reason in html and _names_row_and_column(html, 2, column), (name, html[-2500:])
            assert _state(app) == before, name


@pytest.mark.parametrize("case", IMPORTS, indirect=True)
def test_every_way_excel_saves_a_good_row_is_accepted(app, client, login_as, case):
    login_as(case.user)
    before = _state(app)
    for name, (filename, data) in good_files(case.spec, case.good).items():
        status, html = _post(client, case, filename, data, case.dry)
        assert status == 200 and "Tệp hợp lệ: 1 dòng" in html, (name, html[-2500:])
        assert _state(app) == before, name


@pytest.mark.parametrize("case", IMPORTS, indirect=True)
def test_the_committed_files_never_fail_with_a_500(app, client, login_as, case):
    login_as(case.user)
    before = _state(app)
    for path in sorted(DATA.iterdir()):
        if path.suffix != ".csv":
            continue
        status, html = _post(client, case, path.name, path.read_bytes(), case.dry)
        assert status < 500, path.name
        if case.spec is not ROSTER_SPEC:  # the files hold roster columns: the other imports say what is missing
            assert any(m in html for m in ("Thiếu cột", "Không tìm thấy dòng tiêu đề", "Tệp trống")), path.name
        assert _state(app) == before, path.name


ROSTER_FILES = {  # committed file → what the roster import says, and whether it names row 2, "Họ và tên"
    "excel-bom-semicolon.csv": ("Tệp hợp lệ: 2 dòng", False),
    "title-rows.csv": ("Tệp hợp lệ: 1 dòng", False),
    "nfd.csv": ("Tệp hợp lệ: 1 dòng", False),
    "formula.csv": ("công thức", True),
    "html.csv": ("thẻ HTML", True),
    "long-name.csv": ("Dài 10.000 ký tự, tối đa 120.", True),
    "header-only.csv": ("không có dòng dữ liệu nào", False),
    "empty.csv": ("Tệp trống", False),
}


@pytest.mark.parametrize("case", ["roster"], indirect=True)
def test_the_committed_files_against_the_roster(app, client, login_as, case):
    login_as(case.user)
    assert set(ROSTER_FILES) == {p.name for p in DATA.glob("*.csv")}
    for name, (expected, names_cell) in ROSTER_FILES.items():
        status, html = _post(client, case, name, (DATA / name).read_bytes(), case.dry)
        assert status == 200 and expected in html, (name, html[-2000:])
        assert _names_row_and_column(html, 2, "Họ và tên") == names_cell, name
    status, html = _post(client, case, "nfd.csv", (DATA / "nfd.csv").read_bytes(), case.write)
    assert "Đã nhập 1 học viên" in html
    person = db.session.scalar(select(Person).where(Person.phone == "+84912000104"))
    assert person.full_name == "Nguyễn Thị Ánh Tuyết" == unicodedata.normalize("NFC", person.full_name)
    _post(client, case, "excel-bom-semicolon.csv", (DATA / "excel-bom-semicolon.csv").read_bytes(), case.write)
    assert db.session.scalar(select(Person.full_name).where(Person.phone == "+84912000101")) == 'Nguyễn Văn "Tèo" An'
