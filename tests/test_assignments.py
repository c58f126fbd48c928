"""Assignment: need and coverage, optimal suggestions on a small literal map, assigning, scope and capacity."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.assignments import operations, queries
from app.assignments.need import commune_targets
from app.errors import OperationError
from app.extensions import db
from app.models import Area, AreaNeighbour, AreaPopulation, Assignment, AuditEvent, Unit, User
from app.scope import Scope
from app.training.settings import set_setting
from tests.conftest import post_form
from tests.factories import area, make_assignment, make_class, make_trainer, make_unit

START, END = date(2024, 12, 1), date(2025, 6, 30)  # the 2024 map, in force on the tests' today


def _area(code: str, name: str, level: str, parent: Area | None) -> Area:
    item = Area(code=code, name=name, search_key=name.lower(), division_type="xa" if level == "commune" else "huyen",
                level=level, parent_id=parent.id if parent else None, valid_from=START, valid_to=END, path="")
    db.session.add(item)
    db.session.flush()
    item.path = (parent.path if parent else "/") + f"{item.id}/"
    return item


@pytest.fixture
def literal_map(app):
    """P98 → X (communes A, B), Y (C), Z (D); X and Y are neighbours, Z is not. P98 is the programme's province."""
    code = app.config["LANTOA_PROVINCE_CODE"]
    app.config["LANTOA_PROVINCE_CODE"] = "P98"
    yield _literal_map()
    app.config["LANTOA_PROVINCE_CODE"] = code


def _literal_map():
    province = _area("P98", "Tỉnh Thử", "province", None)
    x, y, z = (_area(f"D9{i}", f"Huyện {n}", "district", province) for i, n in ((1, "X"), (2, "Y"), (3, "Z")))
    a, b = _area("W91", "Xã A", "commune", x), _area("W92", "Xã B", "commune", x)
    c, d = _area("W93", "Xã C", "commune", y), _area("W94", "Xã D", "commune", z)
    db.session.add(AreaNeighbour(area_id=min(x.id, y.id), neighbour_id=max(x.id, y.id)))
    db.session.add(AreaPopulation(area_id=b.id, year=2024, working_age=2500, is_estimate=False))
    db.session.flush()
    return {"P": province, "X": x, "Y": y, "Z": z, "A": a, "B": b, "C": c, "D": d}


def _busy(trainer, venue, running: int) -> None:
    for _ in range(running):
        make_class(trainer, venue, status="running", start_on=date(2025, 5, 1), end_on=date(2025, 7, 1))


def test_suggestions_are_the_known_optimum_on_a_literal_map(literal_map, today, ctx):
    m = literal_map
    set_setting("learners_per_trainer", 1000)
    coop = make_unit("HTX Thử", m["D"], "cooperative", headcount=1500)  # need 2, one trainer of its own
    t_a = make_trainer(m["A"], name="Giảng Viên A")  # resident of A; 1 running → 2 spare
    t_u = make_trainer(m["A"], unit=coop, name="Giảng Viên Hợp Tác Xã")  # 2 running → 1 spare
    t_c = make_trainer(m["C"], name="Giảng Viên C")  # 2 running → 1 spare (neighbouring district)
    t_d = make_trainer(m["D"], name="Giảng Viên D")  # 3 spare, far from B
    make_trainer(m["B"], name="Tạm Dừng B", status="paused")  # not active: B stays uncovered
    _busy(t_a, m["A"], 1), _busy(t_u, m["A"], 2), _busy(t_c, m["C"], 2)

    view = queries.overview(Scope(area_path=m["P"].path), today)
    short = {t.name: (t.need, t.resident, t.shortfall, t.covered) for t in view.short}
    assert short == {"Xã B": (3, 0, 3, False), "HTX Thử": (2, 1, 1, True)}
    got = sorted((s.target.name, s.trainer_name, s.classes, s.reason_code) for s in view.suggestions)
    # Greedy would give the cooperative its own trainer (cost 1) and B a neighbour (7): 1 + 4·2 + 7 = 16.
    # The optimum sends the cooperative's trainer to B (same district, 4) and D's trainer to the cooperative
    # (same commune, 2): 4·2 + 4 + 2 = 14.
    assert got == [
        ("HTX Thử", "Giảng Viên D", 1, "same_commune"),
        ("Xã B", "Giảng Viên A", 2, "same_district"),
        ("Xã B", "Giảng Viên Hợp Tác Xã", 1, "same_district"),
    ]
    why = next(s.why for s in view.suggestions if s.trainer_id == t_a.id)
    assert why.startswith("Giảng Viên A làm việc ở Xã A, cùng Huyện X với Xã B.")
    assert "còn thiếu 3 trên 3 chỗ giảng viên" in why
    assert t_c.id in view.slots and t_d.id in view.slots


def test_neighbouring_district_is_preferred_to_elsewhere(literal_map, today, ctx):
    m = literal_map
    t_c = make_trainer(m["C"], name="Giảng Viên C")
    t_d = make_trainer(m["D"], name="Giảng Viên D")
    view = queries.overview(Scope(area_path=m["P"].path), today)
    # District X lacks 4 places (A 1, B 3): C's trainer (neighbouring district) gives all 3 of its classes,
    # D's trainer (not a neighbour) only the one left.
    by_tier = {}
    for s in view.suggestions:
        by_tier[(s.trainer_id, s.reason_code)] = by_tier.get((s.trainer_id, s.reason_code), 0) + s.classes
    assert by_tier == {(t_c.id, "neighbour_district"): 3, (t_d.id, "elsewhere"): 1}
    why = next(s.why for s in view.suggestions if s.trainer_id == t_c.id)
    assert "làm việc ở Xã C (Huyện Y), huyện giáp ranh với Huyện X" in why
    why = next(s.why for s in view.suggestions if s.trainer_id == t_d.id)
    assert why.startswith("Không còn giảng viên rảnh ở gần hơn; Giảng Viên D làm việc ở Xã D (Huyện Z)")


def test_commune_population_falls_back_to_an_even_share_of_the_district(literal_map, today, ctx):
    m = literal_map
    db.session.add(AreaPopulation(area_id=m["X"].id, year=2019, working_age=3000, is_estimate=True))
    db.session.flush()
    set_setting("learners_per_trainer", 1000)
    rows = {t.name: (t.working_age, t.estimate, t.need) for t in commune_targets(Scope(area_path=m["P"].path),
                                                                              today, 1000)}
    assert rows["Xã A"] == (1500, True, 2)  # 3,000 shared by A and B
    assert rows["Xã B"] == (2500, False, 3)  # B's own figure wins
    assert rows["Xã C"] == (None, False, 1)


def _assign(user, trainer, target, today, classes=1):
    return operations.assign(user, trainer.id, "unit" if isinstance(target, Unit) else "area", target.id,
                             classes=classes, starts_on=today, ends_on=date(2025, 9, 1), today=today)


def test_capacity_counts_running_classes_and_active_assignments(world, today, ctx):
    steering = world.users["steering"]
    trainer = world.trainers["Hoàng Thị Phú"]  # 1 running class + 1 assigned (build_world)
    commune = area("W06229") or db.session.scalar(select(Area).where(Area.parent_id == world.phu_binh.id,
                                                                      Area.id != trainer.area_id).limit(1))
    item = _assign(steering, trainer, commune, today)
    assert item.status == "active" and item.reason_code == "manual"
    with pytest.raises(OperationError) as err:
        _assign(steering, trainer, world.units["Hợp tác xã Chè Phú Bình"], today)
    assert err.value.field == "classes" and "chỉ còn nhận được 0 lớp" in err.value.message
    operations.close(item, "cancelled", today)
    assert _assign(steering, trainer, world.units["Hợp tác xã Chè Phú Bình"], today).target_kind == "unit"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "assignments")).all()
    assert actions == ["assignment.create", "assignment.cancel", "assignment.create"]


def test_spare_slots_count_running_classes_and_active_assignments_only(world, today, ctx):
    hung_son = db.session.get(Area, world.trainers["Nguyễn Văn Đại"].area_id)
    busy, free = make_trainer(hung_son, name="Giảng Viên Bận"), make_trainer(hung_son, name="Giảng Viên Rảnh")
    full = make_trainer(hung_son, name="Giảng Viên Kín Lịch")
    _busy(busy, hung_son, 1)
    make_class(busy, hung_son, status="completed"), make_class(busy, hung_son, status="cancelled")
    make_assignment(busy, hung_son, classes=1)
    make_assignment(busy, hung_son, classes=2, ends_on=date(2025, 5, 31))  # ended yesterday
    make_assignment(busy, hung_son, classes=2, status="cancelled")
    make_assignment(full, hung_son, classes=3)
    phu = world.trainers["Hoàng Thị Phú"]  # Phú Bình: 1 running class, 1 assigned
    district_of = {}
    coordinator = {s.id: s.capacity for s in queries.spare_slots(world.users["coord_daitu"], today, district_of)}
    assert coordinator[busy.id] == 1 and coordinator[free.id] == 3
    assert full.id not in coordinator and phu.id not in coordinator
    steering = {s.id: s.capacity for s in queries.spare_slots(world.users["steering"], today, district_of)}
    assert steering[phu.id] == 1 and steering[busy.id] == 1
    assert queries.used_capacity([busy.id, phu.id, free.id], today) == {busy.id: 2, phu.id: 2}
    assert queries.used_capacity(None, today)[full.id] == 3 and queries.used_capacity([], today) == {}


def test_overview_runs_with_the_collector_paused_and_puts_it_back(world, today, ctx, monkeypatch):
    import gc

    seen = []
    real = queries.suggest_assignments
    monkeypatch.setattr(queries, "suggest_assignments", lambda *a, **k: seen.append(gc.isenabled()) or real(*a, **k))
    queries.overview(world.users["steering"], today)
    assert seen == [False] and gc.isenabled()


def test_bad_assignments_are_refused_with_the_field(world, today, ctx):
    steering = world.users["steering"]
    trainer = world.trainers["Trần Thị Từ"]
    with pytest.raises(OperationError) as err:
        operations.assign(steering, trainer.id, "area", world.dai_tu.id, starts_on=today, ends_on=today,
                          today=today)  # a district is not a commune
    assert err.value.field == "target"
    with pytest.raises(OperationError) as err:
        operations.assign(steering, trainer.id, "area", trainer.area_id, starts_on=today,
                          ends_on=date(2025, 1, 1), today=today)
    assert err.value.field == "ends_on"
    _assign(steering, trainer, db.session.get(Area, trainer.area_id), today)
    with pytest.raises(OperationError) as err:
        _assign(steering, trainer, db.session.get(Area, trainer.area_id), today)
    assert "đã được phân công về đây" in err.value.message


def test_coordinator_cannot_assign_outside_their_scope(world, today, ctx):
    coord = world.users["coord_daitu"]
    phu_binh_trainer = world.trainers["Phạm Văn Bình"]
    dai_tu_trainer = world.trainers["Trần Thị Từ"]
    with pytest.raises(OperationError) as err:
        _assign(coord, phu_binh_trainer, db.session.get(Area, dai_tu_trainer.area_id), today)
    assert err.value.field == "trainer_id"
    with pytest.raises(OperationError) as err:
        _assign(coord, dai_tu_trainer, db.session.get(Area, phu_binh_trainer.area_id), today)
    assert err.value.field == "target"
    view = queries.overview(coord, today)
    assert {s.trainer_id for s in view.suggestions} <= {t.id for t in world.trainers.values()
                                                         if t.area_id and db.session.get(Area, t.area_id)
                                                         .path.startswith(world.dai_tu.path)}
    assert all(t.place == "Huyện Đại Từ" for t in view.targets if t.kind == "area")


def test_coordinator_accepts_a_suggestion_and_the_commune_is_covered(client, login_as, world, today):
    login_as("coord_daitu")
    page = client.get("/assignments/").get_data(as_text=True)
    assert "Gợi ý phân công" in page and "Chưa có giảng viên" in page
    coord = db.session.scalar(select(User).where(User.username == "coord_daitu"))
    from app.timeutil import local_today

    first = queries.overview(coord, local_today()).suggestions[0]
    assert not first.target.covered
    response = post_form(client, "/assignments/accept", {
        "trainer_id": first.trainer_id, "target": f"area:{first.target.id}", "classes": first.classes,
    }, token_page="/assignments/")
    assert response.status_code == 302
    item = db.session.scalar(select(Assignment).where(Assignment.area_id == first.target.id))
    assert item.trainer_id == first.trainer_id and item.reason_code == first.reason_code and item.reason
    target = next(t for t in queries.overview(coord, local_today()).targets if t.key == first.target.key)
    assert target.covered
    shown = client.get(f"/trainers/{first.trainer_id}").get_data(as_text=True)
    assert "Phân công (1)" in shown and first.target.name in shown


def test_accept_all_and_hand_assignment_pages(client, login_as, world):
    login_as("coord_daitu")
    coord = db.session.scalar(select(User).where(User.username == "coord_daitu"))
    from app.timeutil import local_today

    before = queries.overview(coord, local_today())
    assert before.suggestions
    index = client.get("/assignments/").get_data(as_text=True)
    assert 'href="/assignments/accept-all"' in index and 'action="/assignments/accept-all"' not in index
    page = client.get("/assignments/accept-all").get_data(as_text=True)
    n = len(before.suggestions)
    assert f"Bạn sắp chấp nhận <strong>{n} gợi ý</strong>" in page
    refused = post_form(client, "/assignments/accept-all", {"expected": str(n + 1)},
                        token_page="/assignments/accept-all", follow_redirects=True).get_data(as_text=True)
    assert f"Danh sách gợi ý đã thay đổi: nay có {n} gợi ý" in refused
    assert db.session.scalar(select(func.count(Assignment.id)).where(Assignment.created_by_id == coord.id)) == 0
    assert post_form(client, "/assignments/accept-all", {}, token_page="/assignments/accept-all").status_code == 400
    response = post_form(client, "/assignments/accept-all", {"expected": str(n)}, token_page="/assignments/accept-all")
    assert response.status_code == 302
    made = db.session.scalar(select(func.count(Assignment.id)).where(Assignment.created_by_id == coord.id))
    assert made == len(before.suggestions)
    assert queries.overview(coord, local_today()).suggestions == []  # no spare capacity left
    assert client.get("/assignments/new").status_code == 200
    assert client.get("/assignments/list").status_code == 200


def test_trainers_do_not_coordinate(client, login_as, world):
    login_as("trainer_daitu")
    assert client.get("/assignments/").status_code == 404


def test_hand_assignment_form_names_the_field(client, login_as, world):
    login_as("coord_daitu")
    trainer = world.trainers["Trần Thị Từ"]
    response = post_form(client, "/assignments/new", {
        "trainer_id": trainer.id, "target": f"area:{world.phu_binh.id}", "classes": 1,
        "starts_on": "2025-06-01", "ends_on": "2025-08-01",
    })
    assert response.status_code == 200
    assert "Không tìm thấy xã hoặc đơn vị này trong phạm vi của bạn." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Assignment.id)).where(Assignment.trainer_id == trainer.id)) == 0
    response = post_form(client, "/assignments/new", {
        "trainer_id": trainer.id, "target": f"area:{trainer.area_id}", "classes": 2,
        "starts_on": "2025-06-01", "ends_on": "2025-08-01", "reason": "Hỗ trợ xã",
    })
    assert response.status_code == 302
    item = db.session.scalar(select(Assignment).where(Assignment.trainer_id == trainer.id))
    assert (item.classes, item.reason_code, item.reason) == (2, "manual", "Hỗ trợ xã")
    response = post_form(client, f"/assignments/{item.id}/end", {}, token_page="/assignments/list")
    assert response.status_code == 302 and db.session.get(Assignment, item.id).status == "ended"


def test_viewer_reads_but_cannot_change(client, login_as, world):
    login_as("viewer")
    page = client.get("/assignments/").get_data(as_text=True)
    assert "Phân công giảng viên" in page and "Chấp nhận tất cả" not in page
    assert client.get("/assignments/new").status_code == 404


def test_assignments_for_trainer_and_gap_rows(world, today, ctx):
    from rollout.gaps import GapInputs, GapSettings, evaluate

    trainer = world.trainers["Trần Thị Từ"]
    hung_son = db.session.get(Area, trainer.area_id)
    other = db.session.scalar(select(Area).where(Area.parent_id == world.dai_tu.id, Area.id != hung_son.id)
                              .order_by(Area.code).limit(1))
    idle = make_assignment(trainer, other, starts_on=date(2025, 3, 1))
    busy = make_assignment(trainer, hung_son, starts_on=date(2025, 3, 1))
    make_class(trainer, hung_son, status="planned", start_on=date(2025, 4, 1), end_on=date(2025, 5, 1))
    recent = make_assignment(world.trainers["Nguyễn Văn Đại"], other, starts_on=date(2025, 5, 20))
    assert [a.id for a in queries.assignments_for_trainer(trainer.id, date(2025, 1, 1))] == [busy.id, idle.id]
    rows = {r.id: r for r in queries.assignment_gap_rows(today)}
    assert rows[busy.id].first_class_on == date(2025, 4, 1) and rows[idle.id].first_class_on is None
    found = evaluate(GapInputs(today=today, assignments=list(rows.values()),
                               settings=GapSettings(assignment_idle_days=30)), {"assignment_idle"})
    assert [f.subject_id for f in found if f.subject_id in (idle.id, busy.id, recent.id)] == [idle.id]
    assert found[0].area_id is not None


def test_neighbours_file_loads_once(tmp_path, ctx):
    from app import ROOT
    from app.assignments.neighbours import NeighbourFileError, load_neighbours, neighbour_map

    path = ROOT / "data" / "areas" / "neighbours-2024-thai-nguyen.csv"
    assert load_neighbours(path) == (16, 0)
    assert load_neighbours(path) == (0, 16)
    near = neighbour_map()
    tp = area("D164")
    assert {db.session.get(Area, i).code for i in near[tp.id]} == {"D165", "D168", "D169", "D171", "D172", "D173"}
    assert {db.session.get(Area, i).code for i in near[area("D170").id]} == {"D169"}
    bad = tmp_path / "bad.csv"
    bad.write_text("code_a,code_b\nD164,D999\n", encoding="utf-8")
    with pytest.raises(NeighbourFileError, match="dòng 2: không có huyện mã D999"):
        load_neighbours(bad)


def test_suggestions_are_paged_and_grouped_by_place(client, login_as, world, monkeypatch):
    from app.assignments import routes

    monkeypatch.setattr(routes, "SUGGESTIONS_PER_PAGE", 1)
    login_as("coord_daitu")
    coord = db.session.scalar(select(User).where(User.username == "coord_daitu"))
    from app.timeutil import local_today

    shown = routes.by_place(queries.overview(coord, local_today()).suggestions)
    assert len(shown) >= 2
    first = client.get("/assignments/").get_data(as_text=True)
    second = client.get("/assignments/?page=2").get_data(as_text=True)
    assert f'data-target="{shown[0].target.name}"' in first and 'aria-label="Phân trang"' in first
    assert f"Chấp nhận: {shown[1].trainer_name} về {shown[1].target.name}" in second
    assert f"Chấp nhận: {shown[1].trainer_name} về {shown[1].target.name}" not in first
    assert 'class="group-heading"' in first and shown[0].target.place in first


# Stored suggestions (app/assignments/suggestions.py): computed by the job or "Tính lại", read by the page.

def _coord():
    return db.session.scalar(select(User).where(User.username == "coord_daitu"))


def test_the_page_reads_stored_suggestions_and_never_runs_the_optimiser(client, login_as, world, monkeypatch):
    from app.assignments import suggestions
    from app.timeutil import local_today

    login_as("coord_daitu")
    row = suggestions.compute(scope_of_user(_coord()), local_today())
    stored = len(row.payload["suggestions"])
    assert stored and row.payload["targets"]

    def refuse(*_args, **_kwargs):
        raise AssertionError("the optimiser ran on a GET")

    monkeypatch.setattr(queries, "overview", refuse)
    page = client.get("/assignments/").get_data(as_text=True)
    assert f"Gợi ý phân công ({stored})" in page and "Số liệu đến " in page
    assert 'action="/assignments/recompute"' in page and "suggestions-stale" not in page
    assert client.get("/assignments/accept-all").status_code == 200


def test_a_hand_assignment_marks_the_scopes_it_touches_stale_and_the_button_recomputes(client, login_as, world):
    from app.assignments import suggestions
    from app.models import AssignmentSuggestions
    from app.timeutil import local_today

    today = local_today()
    suggestions.compute(scope_of_user(_coord()), today)
    suggestions.compute(Scope(everything=True), today)
    suggestions.compute(Scope(area_path=world.phu_binh.path), today)
    first = suggestions.stored(_coord(), today).suggestions[0]
    start, end = operations.default_period(today)
    operations.assign(_coord(), first.trainer_id, "area", first.target.id, classes=1, starts_on=start, ends_on=end,
                      today=today)
    stale = dict(db.session.execute(select(AssignmentSuggestions.scope_key,
                                           AssignmentSuggestions.stale_since.is_not(None))).all())
    assert stale == {f"area:{world.dai_tu.path}": True, "all": True, f"area:{world.phu_binh.path}": False}
    login_as("coord_daitu")
    assert "suggestions-stale" in client.get("/assignments/").get_data(as_text=True)
    assert post_form(client, "/assignments/recompute", {}, token_page="/assignments/").status_code == 302
    assert "suggestions-stale" not in client.get("/assignments/").get_data(as_text=True)
    assert client.post("/assignments/recompute").status_code == 400  # no CSRF token


def test_a_stale_suggestion_is_refused_rather_than_over_assigned(world, ctx):
    from app.assignments import suggestions
    from app.timeutil import local_today

    today = local_today()
    coord = _coord()
    suggestions.compute(scope_of_user(coord), today)
    first = suggestions.stored(coord, today).suggestions[0]
    used = queries.used_capacity([first.trainer_id], today).get(first.trainer_id, 0)
    room = 3 - used  # classes_max_running
    other = next(t for t in suggestions.stored(coord, today).targets if t.key != first.target.key)
    start, end = operations.default_period(today)
    operations.assign(coord, first.trainer_id, other.kind, other.id, classes=room, starts_on=start, ends_on=end,
                      today=today)  # the trainer's capacity is gone; the stored suggestion still offers it
    with pytest.raises(OperationError) as refused:
        operations.accept(coord, first.trainer_id, first.target.kind, first.target.id, first.classes, today)
    assert "Gợi ý này đã cũ" in refused.value.message and "Tính lại" in refused.value.message
    assert db.session.scalar(select(func.count(Assignment.id)).where(
        Assignment.trainer_id == first.trainer_id, Assignment.area_id == first.target.id)) == 0
    with pytest.raises(OperationError, match="Gợi ý này đã cũ"):
        operations.accept_all(coord, today)


def test_accepting_takes_the_suggestion_out_of_the_own_row_only(world, ctx):
    from app.assignments import suggestions
    from app.models import AssignmentSuggestions
    from app.timeutil import local_today

    today = local_today()
    coord = _coord()
    suggestions.compute(scope_of_user(coord), today)
    suggestions.compute(Scope(everything=True), today)
    before = suggestions.stored(coord, today)
    first = before.suggestions[0]
    operations.accept(coord, first.trainer_id, first.target.kind, first.target.id, first.classes, today)
    after = suggestions.stored(coord, today)
    assert not after.stale and len(after.suggestions) == len(before.suggestions) - 1
    assert after.find(first.trainer_id, first.target.kind, first.target.id) is None
    assert next(t for t in after.targets if t.key == first.target.key).assigned == first.classes
    assert db.session.scalar(select(AssignmentSuggestions.stale_since).where(
        AssignmentSuggestions.scope_key == "all")) is not None


def test_the_job_computes_each_scope_once_a_day_and_again_when_stale(world, ctx):
    from app.assignments import suggestions
    from app.timeutil import local_today

    today = local_today()
    computed, scopes = suggestions.refresh(today)
    assert computed == scopes and {"all", f"area:{world.dai_tu.path}"} <= suggestions.scopes_with_pages()
    assert suggestions.refresh(today) == (0, scopes)
    suggestions.assignment_changed(next(iter(world.trainers.values())).id, "area", world.dai_tu.id)
    assert suggestions.refresh(today)[0] >= 1


def test_viewers_and_trainers_cannot_recompute(client, login_as, world):
    login_as("viewer")
    page = client.get("/assignments/").get_data(as_text=True)
    assert 'action="/assignments/recompute"' not in page
    assert post_form(client, "/assignments/recompute", {}, token_page="/assignments/").status_code == 404
    login_as("trainer_daitu")
    assert client.post("/assignments/recompute").status_code in (400, 404)  # CSRF first, else no such page


def scope_of_user(user):
    from app.scope import scope_of

    return scope_of(user)
