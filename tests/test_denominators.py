"""Importing denominators: a template, a dry run listing every bad row, all or nothing."""

from __future__ import annotations

import io

from sqlalchemy import select

from app.extensions import db
from app.models import AreaPopulation
from tests.conftest import post_form

KEYS = "ma_dia_ban;ma_don_vi;nam;lao_dong;chu_doanh_nghiep;can_bo;nguon;uoc_tinh\n"


def _post(client, text: str, dry_run: bool):
    data = {"file": (io.BytesIO(text.encode()), "mau-so.csv")}
    if dry_run:
        data["dry_run"] = "y"
    return post_form(client, "/targets/denominators", data, content_type="multipart/form-data")


def test_template_downloads_for_steering(client, login_as):
    login_as("steering")
    response = client.get("/targets/denominators/template.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"


def test_bad_rows_are_listed_and_nothing_is_written(client, login_as, world):
    login_as("steering")
    unit = world.units["Sở Giáo dục và Đào tạo"]
    text = KEYS + (f"D171;;2025;120000;5000;;Cục Thống kê;không\n"
                   f"XYZ;;2025;1000;;;Cục Thống kê;\n"
                   f";{unit.id};20x5;;;;;\n"
                   f"D173;;2025;1000;;;;\n")
    response = _post(client, text, dry_run=False)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "chưa ghi dòng nào" in page
    assert "Không có địa bàn mã XYZ" in page and "Năm phải từ 2000 đến 2100" in page
    assert "<td>5</td><td>Nguồn</td><td>Bắt buộc, đang để trống.</td>" in page
    assert db.session.scalar(select(AreaPopulation).where(AreaPopulation.year == 2025)) is None


def test_a_dry_run_then_the_import(client, login_as, world):
    login_as("steering")
    unit = world.units["Sở Giáo dục và Đào tạo"]
    text = KEYS + f"D171;;2025;120.000;5000;;Cục Thống kê;có\n;{unit.id};2025;;;75;Sở Nội vụ;\n"
    response = _post(client, text, dry_run=True)
    assert response.status_code == 200 and "Tệp hợp lệ: 2 dòng" in response.get_data(as_text=True)
    assert db.session.scalar(select(AreaPopulation).where(AreaPopulation.year == 2025)) is None
    response = _post(client, text, dry_run=False)
    assert "Đã nhập 1 dòng địa bàn và 1 dòng đơn vị" in response.get_data(as_text=True)
    row = db.session.scalar(select(AreaPopulation).where(AreaPopulation.year == 2025))
    assert (row.area_id, row.working_age, row.business_owners, row.is_estimate) == (world.dai_tu.id, 120000, 5000, True)
    assert (unit.headcount, unit.headcount_year, unit.headcount_source) == (75, 2025, "Sở Nội vụ")
    exported = client.get("/exports/denominators.csv")
    assert f",{unit.id},2025,,,75,Sở Nội vụ,," in exported.get_data(as_text=True)  # written back with the headcount
    exported.close()
    _post(client, KEYS + f";{unit.id};;;;80;;\n", dry_run=False)  # a row without year and source keeps them
    assert (unit.headcount, unit.headcount_year, unit.headcount_source) == (80, 2025, "Sở Nội vụ")


def test_the_template_imports_back_unchanged(client, login_as):
    login_as("steering")
    template = client.get("/targets/denominators/template.xlsx").data
    data = {"file": (io.BytesIO(template), "mau.xlsx")}
    response = post_form(client, "/targets/denominators", data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Bỏ qua dòng ví dụ của tệp mẫu (dòng 2, 3)" in page
    assert "Đã nhập 0 dòng địa bàn và 0 dòng đơn vị" in page
    assert db.session.scalar(select(AreaPopulation).where(AreaPopulation.year == 2025)) is None


def test_coordinators_cannot_import(client, login_as):
    login_as("coord_daitu")
    assert client.get("/targets/denominators").status_code == 404
