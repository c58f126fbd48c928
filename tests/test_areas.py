"""Loading the official map: counts, idempotence, paths, and clear errors on bad files."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.areas.operations import MapFileError, load_map, read_map
from app.extensions import db
from app.models import Area
from tests.factories import MAP_2024


def test_the_2024_file_holds_both_provinces():
    rows = read_map(MAP_2024)
    by_level = {}
    for row in rows:
        by_level[row["level"]] = by_level.get(row["level"], 0) + 1
    assert by_level == {"province": 2, "district": 17, "commune": 280}


def test_reloading_changes_nothing(world):
    before = db.session.scalar(select(func.count(Area.id)))
    result = load_map(read_map(MAP_2024, "P19"), date(2024, 12, 1), date(2025, 6, 30))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 182)
    assert db.session.scalar(select(func.count(Area.id))) == before


def test_paths_nest_communes_under_their_district(world):
    communes = db.session.scalars(select(Area).where(Area.parent_id == world.dai_tu.id)).all()
    assert len(communes) == 27
    assert all(c.path.startswith(world.dai_tu.path) and c.depth == 2 for c in communes)


def test_a_second_map_keeps_the_same_codes_apart(world):
    rows = [r for r in read_map(MAP_2024, "P19") if r["level"] != "commune"]
    result = load_map(rows, date(2030, 1, 1), None)
    assert result.created == 10
    assert db.session.scalar(select(func.count(Area.id)).where(Area.code == "D171")) == 2


def test_bad_rows_are_named(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,division_type,level,parent_code\nP1,Tỉnh A,tinh,province,\nW1,Xã B,xa,village,P1\n",
                   encoding="utf-8")
    with pytest.raises(MapFileError, match="Dòng 3: cấp 'village'"):
        read_map(bad)
    bad.write_text("code,name,division_type,level,parent_code\nW1,Xã B,xa,commune,D9\n", encoding="utf-8")
    with pytest.raises(MapFileError, match="Dòng 2: mã cấp trên 'D9'"):
        read_map(bad)


def test_cli_loads_a_map(app, tmp_path):
    small = tmp_path / "small.csv"
    small.write_text("code,name,division_type,level,parent_code\nW2,Xã Con,xa,commune,P9\nP9,Tỉnh Thử,tinh,province,\n",
                     encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["areas", "load", str(small), "--valid-from", "2031-01-01"])
    assert result.exit_code == 0, result.output
    assert "2 mới" in result.output
    child = db.session.scalar(select(Area).where(Area.code == "W2", Area.valid_from == date(2031, 1, 1)))
    assert child.path.endswith(f"/{child.id}/") and child.depth == 1
    result = runner.invoke(args=["areas", "load", str(small)])
    assert result.exit_code != 0 and "Không rõ thời gian hiệu lực" in result.output
