"""Programme scope by date: the programme's area on a day is the province as it was that day — old Thái Nguyên
(P19 of the 2024 map) before 1/7/2025, the merged province from then on — and assignments, the steering home,
targets, leaderboards and reports never include areas outside it, before and after `lantoa areas migrate`."""

from __future__ import annotations

import re
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from app.areas.maps import in_programme, programme_root, programme_roots, working_map
from app.areas.migration import migrate_to
from app.assignments.need import place_ids, places
from app.assignments.queries import overview, target_choices
from app.extensions import db
from app.models import Area, PointTotal, User
from app.rankings.totals import period_key
from app.reports.operations import create_report, report_area_ids, report_path
from app.reports.quarters import Quarter
from tests.factories import make_class, make_trainer, make_unit

BEFORE, AFTER = date(2025, 6, 15), date(2025, 7, 15)
OLD, NEW = date(2024, 12, 1), date(2025, 7, 1)


def _pin(app, day: date):
    app.config["LANTOA_TODAY"] = day.isoformat()


@pytest.fixture
def pin(app):
    previous = app.config.get("LANTOA_TODAY")
    yield lambda day: _pin(app, day)
    app.config["LANTOA_TODAY"] = previous


def _province(code: str, day: date) -> Area:
    return db.session.scalar(select(Area).where(Area.code == code, Area.valid_from == day))


def _inside(area_id: int, root: Area) -> bool:
    return db.session.get(Area, area_id).path.startswith(root.path)


@pytest.fixture
def bac_kan(world):
    """Old Bắc Kạn (2024 map) with a trainer with room, a unit and a class, and points on the boards."""
    province = _province("P06", OLD)
    district = db.session.scalar(select(Area).where(Area.parent_id == province.id).order_by(Area.code).limit(1))
    commune = db.session.scalar(select(Area).where(Area.parent_id == district.id).order_by(Area.code).limit(1))
    trainer = make_trainer(commune, name="Triệu Văn Kạn")
    unit = make_unit("Trường THPT Chợ Đồn", commune, "school")
    make_class(trainer, commune, start_on=date(2025, 3, 1), topic="Lớp ở Bắc Kạn")
    for kind, key in (("trainer", trainer.id), ("area", commune.id)):
        db.session.add(PointTotal(kind=kind, key_id=key, period=period_key(None), points=10_000))
    db.session.flush()
    return {"province": province, "district": district, "commune": commune, "trainer": trainer, "unit": unit}


def _steering() -> User:
    return db.session.scalar(select(User).where(User.username == "steering"))


def test_the_programme_area_changes_on_1_july_2025(app, ctx, world, pin):
    old_tn, old_bk, merged = _province("P19", OLD), _province("P06", OLD), _province("P19", NEW)
    assert programme_roots(BEFORE, OLD) == [old_tn]
    # after the merger, on the map the data still lives on, the merged province is both old provinces
    assert {a.id for a in programme_roots(AFTER, OLD)} == {old_tn.id, old_bk.id}
    assert programme_roots(AFTER, NEW) == [merged]


def test_suggestions_before_the_merger_never_target_old_bac_kan(app, ctx, world, bac_kan, pin):
    pin(BEFORE)
    old_tn = _province("P19", OLD)
    result = overview(_steering(), BEFORE)
    assert result.targets and result.suggestions
    for target in result.targets:
        place = target.commune_id if target.kind == "area" else db.session.get(type(bac_kan["unit"]),
                                                                               target.id).area_id
        assert _inside(place, old_tn), target.name
    assert bac_kan["unit"].id not in {t.id for t in result.targets if t.kind == "unit"}
    assert all(_inside(s.target.commune_id or s.target.district_id or old_tn.id, old_tn) for s in result.suggestions)
    assert bac_kan["trainer"].id not in result.slots  # a trainer based outside is not sent in either
    # what the hand-assignment form offers and accepts
    assert bac_kan["commune"].id not in set(db.session.scalars(place_ids(_steering(), "area", BEFORE)))
    assert bac_kan["unit"].id not in set(db.session.scalars(place_ids(_steering(), "unit", BEFORE)))
    assert f"area:{bac_kan['commune'].id}" not in dict(target_choices(_steering(), BEFORE))


def test_after_the_merger_old_bac_kan_is_inside(app, ctx, world, bac_kan, pin):
    pin(AFTER)
    result = overview(_steering(), AFTER)
    assert bac_kan["commune"].id in {t.id for t in result.targets if t.kind == "area"}
    assert bac_kan["unit"].id in {t.id for t in result.targets if t.kind == "unit"}
    assert bac_kan["trainer"].id in result.slots


def test_after_areas_migrate_the_merged_province(app, ctx, world, bac_kan, pin):
    pin(AFTER)
    migrate_to(NEW)
    db.session.flush()
    assert working_map() == NEW
    merged = _province("P19", NEW)
    result = overview(_steering(), AFTER)
    communes = [t for t in result.targets if t.kind == "area"]
    assert communes and all(_inside(t.commune_id, merged) for t in communes)
    assert db.session.get(Area, bac_kan["trainer"].area_id).valid_from == NEW  # moved with the data
    assert bac_kan["trainer"].id in result.slots
    # and an area outside any programme (there is none on the 2025 map) is never inside
    assert db.session.scalar(select(Area.id).where(~in_programme(Area.id, AFTER, NEW), Area.valid_from == NEW)) \
        is None


def _blocks(html: str) -> list[str]:
    return re.findall(r'<section class="map-root" data-area="([^"]+)">\s*<h2>([^<]+)', html)


def test_steering_home_before_the_merger_has_no_bac_kan_block(client, login_as, world, bac_kan, pin):
    pin(BEFORE)
    login_as("steering")
    old = client.get("/?map=2024").get_data(as_text=True)
    assert [code for code, _name in _blocks(old)] == ["P19"]
    assert "Tỉnh Bắc Kạn" not in old and bac_kan["district"].name not in old
    new = client.get("/?map=2025").get_data(as_text=True)
    assert [code for code, _name in _blocks(new)] == ["P19"]
    # the merged province holds the old Bắc Kạn communes: its block counts the class held there
    assert "Theo địa bàn (92)" in new


def test_targets_leaderboards_and_reports_before_the_merger_leave_old_bac_kan_out(app, client, login_as, world,
                                                                                   bac_kan, pin):
    pin(BEFORE)
    login_as("steering")
    outside = (bac_kan["district"].name, bac_kan["commune"].name, "Triệu Văn Kạn", "Tỉnh Bắc Kạn")
    for url in ("/targets/", "/targets/forecast", "/rankings/", "/rankings/?scope=province", "/rankings/honours"):
        html = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert not [name for name in outside if name in html], url
    with app.test_request_context():
        choices = set(db.session.scalars(report_area_ids(_steering())))
        assert bac_kan["province"].id not in choices and bac_kan["district"].id not in choices
        assert _province("P19", OLD).id in choices
        report = create_report(Quarter(2025, 2), None, _steering(), today=BEFORE)
        book = openpyxl.load_workbook(report_path(report))
        names = {row[1] for row in book["Theo huyện"].iter_rows(min_row=2, values_only=True)}
        assert "Tỉnh Thái Nguyên" in names and bac_kan["district"].name not in names


def test_after_the_merger_on_the_old_map_home_network_and_boards_hold_both_old_provinces(app, client, login_as, world,
                                                                                        bac_kan, pin):
    """Data still on the 2024 map after 1/7/2025: the programme is the merged province, old Thái Nguyên and old
    Bắc Kạn together, on the steering home, the network overview and the leaderboards (a trainer of old Bắc Kạn
    ranks on the province board, her own board's province is the whole programme)."""
    from app.network.recompute import recompute_all
    from app.rankings.queries import area_board, board_scopes, trainer_board

    pin(AFTER)
    recompute_all(AFTER)
    old_tn, old_bk = _province("P19", OLD), _province("P06", OLD)
    with app.test_request_context():
        region = board_scopes(_steering())["province"]
        assert region.name == "Tỉnh Thái Nguyên" and {a.id for a in region.parts} == {old_tn.id, old_bk.id}
        assert "Triệu Văn Kạn" in [row[1] for row in trainer_board(region)]
        assert bac_kan["district"].id in {r["area"].id for r in area_board(region)}
    login_as("steering")
    home = client.get("/?map=2024").get_data(as_text=True)
    assert sorted(code for code, _name in _blocks(home)) == ["P06", "P19"]
    assert "chương trình là Tỉnh Thái Nguyên sau sáp nhập" in home
    board = client.get("/rankings/?scope=province").get_data(as_text=True)
    assert "Triệu Văn Kạn" in board and bac_kan["district"].name in board
    network = client.get("/network/").get_data(as_text=True)
    assert "chương trình là Tỉnh Thái Nguyên sau sáp nhập" in network
    rows = dict(re.findall(r'network/areas/(\d+)">([^<]+)</a>', network))
    assert {rows.get(str(old_tn.id)), rows.get(str(old_bk.id))} == {"Tỉnh Thái Nguyên", "Tỉnh Bắc Kạn"}
    # the roll-ups taken together: the old Bắc Kạn trainer counts in the programme's trainers
    tn_only = client.get(f"/network/areas/{old_tn.id}").get_data(as_text=True)
    trainers = re.compile(r'stat-value">([\d.]+)</span><span class="stat-label">Giảng viên \(')
    assert int(trainers.search(network).group(1).replace(".", "")) == \
        int(trainers.search(tn_only).group(1).replace(".", "")) + 1


def test_before_the_merger_the_network_is_old_thai_nguyen_alone(client, login_as, world, bac_kan, pin):
    pin(BEFORE)
    login_as("steering")
    network = client.get("/network/").get_data(as_text=True)
    assert "Mạng lưới giảng viên · Tỉnh Thái Nguyên" in network
    assert "sau sáp nhập" not in network and "Tỉnh Bắc Kạn" not in network


def test_the_gap_scan_covers_the_programme_of_its_day(app, ctx, world, bac_kan, pin):
    """The scan's areas (and the trainers, classes, units placed in them) are the programme's of the day: old
    Bắc Kạn's communes are left out before 1/7/2025 and looked at from then on, on the un-migrated map."""
    from app.gaps.inputs import network_inputs

    def scanned(day):
        pin(day)
        inputs, _groups = network_inputs(day)
        placed = {str(t.id): t.area_id for t in inputs.trainers}
        return {int(a.id) for a in inputs.areas}, placed[str(bac_kan["trainer"].id)]

    areas, placed = scanned(BEFORE)
    assert bac_kan["commune"].id not in areas and placed is None  # outside: the trainer is placed nowhere
    areas, placed = scanned(AFTER)
    assert bac_kan["commune"].id in areas and bac_kan["province"].id in areas
    assert _province("P19", OLD).id in areas and str(placed) == str(bac_kan["commune"].id)


def test_assignment_places_stay_inside_the_programme_province(world, today, ctx):
    communes, districts = places(today)  # 1/6/2025: before the merger
    root = programme_root(working_map())
    paths = dict(db.session.execute(select(Area.id, Area.path).where(Area.id.in_([*communes, *districts]))).all())
    assert communes and all(p.startswith(root.path) for p in paths.values())
    bac_kan = db.session.scalar(select(Area).where(Area.code == "P06", Area.valid_from == working_map()))
    assert bac_kan is not None  # the 2024 map holds old Bắc Kạn, outside the programme
    assert not any(p.startswith(bac_kan.path) for p in paths.values())


def test_steering_home_shows_only_the_programme_province(client, login_as):
    login_as("steering")
    page = client.get("/").get_data(as_text=True)
    assert "Tỉnh Thái Nguyên" in page
    assert "Tỉnh Bắc Kạn" not in page


def test_after_areas_migrate_targets_leaderboards_and_reports_are_the_merged_province(app, client, login_as, world,
                                                                                        bac_kan, pin):
    from app.rankings.queries import board_scopes
    from app.reports.operations import default_area
    from app.targets.dashboard import dashboard_for

    pin(AFTER)
    migrate_to(NEW)
    db.session.flush()
    merged = _province("P19", NEW)
    steering = _steering()
    with app.test_request_context():
        assert dashboard_for(steering, AFTER).area == merged
        assert board_scopes(steering)["province"].parts == (merged,)
        assert default_area(steering) == merged
        choices = set(db.session.scalars(report_area_ids(steering)))
        assert merged.id in choices and all(db.session.get(Area, a).valid_from == NEW for a in choices)
    login_as("steering")
    html = client.get("/rankings/").get_data(as_text=True)
    assert "Triệu Văn Kạn" in html  # the old Bắc Kạn trainer is inside the merged province now


def test_the_programme_roots_follow_a_change_of_the_maps(app, ctx, world):
    """The roots on another map are kept per process (finding them walks every area): a new area or crosswalk
    row is seen at once."""
    from app.models import AreaCrosswalk

    old_tn, old_bk, merged = _province("P19", OLD), _province("P06", OLD), _province("P19", NEW)
    assert {a.id for a in programme_roots(AFTER, OLD)} == {old_tn.id, old_bk.id}
    extra = Area(code="PX9", name="Tỉnh thử", division_type=old_bk.division_type, level="province",
                 valid_from=OLD, valid_to=old_bk.valid_to)
    db.session.add(extra)
    db.session.flush()
    extra.path = f"/{extra.id}/"
    db.session.add(AreaCrosswalk(old_area_id=extra.id, new_area_id=merged.id))
    db.session.flush()
    assert {a.id for a in programme_roots(AFTER, OLD)} == {old_tn.id, old_bk.id, extra.id}
    assert programme_roots(BEFORE, OLD) == [old_tn]


def test_the_programme_roots_follow_an_area_moved_to_the_top(app, ctx, world):
    """Moving an area out of its province (no new row) is a change of the maps too."""
    old_tn, old_bk = _province("P19", OLD), _province("P06", OLD)
    assert {a.id for a in programme_roots(AFTER, OLD)} == {old_tn.id, old_bk.id}
    district = db.session.scalar(select(Area).where(Area.parent_id == old_bk.id).order_by(Area.code).limit(1))
    district.parent_id, district.path = None, f"/{district.id}/"
    db.session.flush()
    assert district.id in {a.id for a in programme_roots(AFTER, OLD)}
