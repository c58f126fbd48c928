"""CSV injection: text that a spreadsheet would run as a formula is neutralised in CSV and stays text in xlsx."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from app.exports.writers import _text, neutralise
from app.extensions import db
from app.models import Area
from tests.factories import enrol, make_person, make_trainer

NAMES = ['=HYPERLINK("http://example.com/x","Bấm vào đây")', "+1", "-2", "@SUM(A1)", "\tTab", "\rCR"]


def _get(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    data = response.data
    response.close()
    return data


@pytest.fixture
def formula_names(world):
    mentor = world.trainers["Nguyễn Văn Đại"]
    hung_son = db.session.get(Area, mentor.area_id)
    source = world.classes["Soạn thảo văn bản với AI"]
    for name in NAMES:
        make_trainer(hung_son, mentor=mentor, name=name)
        enrol(source, make_person(name, hung_son))
    return source


def test_csv_exports_quote_cells_that_begin_like_a_formula(client, login_as, formula_names):
    login_as("coord_daitu")
    for url, column in (("/exports/trainers.csv", 0), ("/exports/learners.csv", 0),
                        (f"/exports/classes/{formula_names.id}/learners.csv", 0)):
        rows = list(csv.reader(io.StringIO(_get(client, url).decode("utf-8-sig"))))
        written = {row[column] for row in rows[1:]}
        for name in NAMES:
            assert "'" + name in written and name not in written, (url, name)
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row), url


def test_xlsx_exports_keep_those_names_as_text_not_formulas(client, login_as, formula_names):
    login_as("coord_daitu")
    for url in ("/exports/trainers.xlsx", "/exports/learners.xlsx",
                f"/exports/classes/{formula_names.id}/learners.xlsx"):
        sheet = openpyxl.load_workbook(io.BytesIO(_get(client, url))).active
        cells = {cell.value: cell.data_type for cell in sheet["A"][1:]}
        for name in NAMES:  # a stored carriage return is read back as xlsx's escape _x000D_
            found = [kind for value, kind in cells.items() if value in (name, name.replace("\r", "_x000D_"))]
            assert found == ["s"], (url, name, found)
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row), url


def test_numbers_stay_numbers_and_only_text_is_quoted():
    assert _text(-5) == "-5" and _text(-2.5) == "-2.5" and _text(0) == "0"
    assert _text("-5") == "'-5" and _text("=1+1") == "'=1+1" and _text("Lê -2") == "Lê -2"
    assert neutralise("") == "" and neutralise("0912345678") == "0912345678"
