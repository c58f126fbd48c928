"""Stored summaries (app/summaries) in production's mode, "serve": a stale figure is served with its old time, the
job refreshes it, a change through an operation or a Core bulk write marks it stale, the job run twice changes
nothing; the pages say when their figures were counted. (The rest of the suite runs in "refresh".)"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select, update

from app import counts
from app.areas.maps import AreaGraph, programme_root
from app.extensions import db
from app.jobs.runner import run_job
from app.models import Enrollment, Summary, TrainingClass
from app.summaries import mark_stale, read, refresh_due
from app.summaries import registry as summaries
from app.summaries.registry import key_of
from app.training.operations import transition
from tests.factories import make_class, make_person

TODAY = date(2025, 6, 15)
REGISTERED = re.compile(r'<span class="stat-value">([\d.]+)</span><span class="stat-label">Lớp đã đăng ký</span>')
STAMP = re.compile(r"Số liệu đến (\d\d:\d\d) ngày (\d\d/\d\d/\d{4})")


@pytest.fixture
def serve(app, monkeypatch, pinned_today):
    monkeypatch.setitem(app.config, "LANTOA_SUMMARIES", "serve")
    pinned_today(TODAY)


@pytest.fixture
def province(world):
    return programme_root()


def _row(name: str, day: date = TODAY, **params) -> Summary | None:
    db.session.expire_all()
    return db.session.scalar(select(Summary).where(Summary.name == name, Summary.key == key_of(params),
                                                   Summary.day == day))


def _registered(client) -> int:
    html = client.get("/").get_data(as_text=True)
    return int(REGISTERED.search(html).group(1).replace(".", ""))


def _open_class(world) -> TrainingClass:
    trainer = world.trainers["Nguyễn Văn Đại"]
    commune = db.session.get(type(world.dai_tu), trainer.area_id)
    made = make_class(trainer, commune, status="running", start_on=date(2025, 6, 1), end_on=date(2025, 6, 30))
    db.session.flush()
    return made


def test_a_first_read_is_stored_and_then_read_from_its_row(serve, ctx, province, monkeypatch):
    first = read("counts", TODAY, map_day=province.valid_from)
    assert first.payload[str(province.id)] == counts.figures(province, TODAY)
    row = _row("counts", map_day=province.valid_from)
    assert row.payload == first.payload and not row.stale
    monkeypatch.setitem(summaries._SPECS, "counts", replace(summaries._SPECS["counts"], compute=None))  # none now
    summaries._cache().clear()
    assert read("counts", TODAY, map_day=province.valid_from).payload == first.payload


def test_every_area_counts_what_figures_counts_area_by_area(ctx, world):
    """The one-pass counts of the summary (distinct learners of every area at once) equal `counts.figures`, also
    for a learner in two districts (once in the province, once in each district)."""
    both = make_person("Người Học Hai Huyện", world.dai_tu)
    for district in (world.dai_tu, world.phu_binh):
        trainer = next(t for t in world.trainers.values() if AreaGraph.load().image(t.area_id, district.valid_from)
                       and district.id in AreaGraph.load().nodes[t.area_id].ids)
        made = make_class(trainer, db.session.get(type(district), trainer.area_id), start_on=date(2025, 3, 1))
        db.session.add(Enrollment(class_id=made.id, person_id=both.id, status="enrolled"))
    db.session.flush()
    graph = AreaGraph.load()
    for map_day in sorted({n.valid_from for n in graph.nodes.values()}):
        every = counts.every_area(map_day, TODAY, graph)
        for area_id, node in graph.nodes.items():
            if node.valid_from != map_day:
                continue
            area = db.session.get(type(world.dai_tu), area_id)
            assert every.get(area_id, dict.fromkeys(every[next(iter(every))], 0)) == counts.figures(area, TODAY)


def test_a_change_marks_it_stale_serve_shows_the_old_figure_with_its_time_and_the_job_refreshes_it(
        serve, client, login_as, world, province):
    login_as("steering")
    before = _registered(client)
    counted = _row("area_metrics", map_day=province.valid_from)
    assert counted is not None and not counted.stale
    made = _open_class(world)  # a change through the ORM: the flush marks the summaries stale
    assert _row("area_metrics", map_day=province.valid_from).stale and _row("counts", map_day=province.valid_from).stale
    page = client.get("/").get_data(as_text=True)
    assert int(REGISTERED.search(page).group(1).replace(".", "")) == before  # served as stored, with its time
    assert STAMP.search(page).group(2) == "15/06/2025" and "đang cập nhật số liệu mới" in page

    first = run_job("summaries_refresh", runner="test")
    assert first.outcome == "ok", first.message
    assert _registered(client) == before + 1
    assert "đang cập nhật" not in client.get("/").get_data(as_text=True)
    kept = {(r.name, r.key, r.day): (r.payload, r.computed_at, r.stale)
            for r in db.session.scalars(select(Summary))}
    assert run_job("summaries_refresh", runner="test").outcome == "ok"  # run twice: nothing changes
    db.session.expire_all()
    assert {(r.name, r.key, r.day): (r.payload, r.computed_at, r.stale)
            for r in db.session.scalars(select(Summary))} == kept

    transition(made, "cancelled", TODAY, "Thử hủy")  # an operation (flush only) marks them stale again
    db.session.flush()
    assert _row("area_metrics", map_day=province.valid_from).stale


def test_a_core_bulk_write_marks_it_stale_and_mark_stale_says_so_explicitly(serve, ctx, world, province):
    read("counts", TODAY, map_day=province.valid_from)
    assert not _row("counts", map_day=province.valid_from).stale
    made = _open_class(world)
    db.session.execute(update(Summary.__table__).values(stale=False))  # as if counted after the class was made
    person = make_person("Người Học Hàng Loạt", world.dai_tu)
    db.session.execute(update(Summary.__table__).values(stale=False))
    db.session.execute(insert(Enrollment.__table__), [{"class_id": made.id, "person_id": person.id,
                                                        "status": "enrolled"}])
    assert _row("counts", map_day=province.valid_from).stale
    db.session.execute(update(Summary.__table__).values(stale=False))
    mark_stale(Enrollment)
    assert _row("counts", map_day=province.valid_from).stale
    db.session.execute(update(Summary.__table__).values(stale=False))
    mark_stale("counts")
    assert _row("counts", map_day=province.valid_from).stale


def test_a_change_committed_while_a_summary_is_computed_leaves_it_stale(serve, ctx, province, monkeypatch):
    """The claim comes before the computation: another writer's change during it is not lost."""
    compute = summaries._SPECS["counts"].compute

    def meanwhile(day, **params):
        payload = compute(day, **params)
        mark_stale("counts")  # what another writer's flush does while this one counts
        return payload

    monkeypatch.setitem(summaries._SPECS, "counts", replace(summaries._SPECS["counts"], compute=meanwhile))
    read("counts", TODAY, map_day=province.valid_from)
    row = _row("counts", map_day=province.valid_from)
    assert row.payload is not None and row.stale


def test_an_older_computation_never_overwrites_a_newer_one(serve, ctx, province):
    stored = read("counts", TODAY, map_day=province.valid_from)
    key = key_of({"map_day": province.valid_from})
    summaries._store("counts", key, TODAY, stored.computed_at - timedelta(minutes=5), {"older": True})
    assert _row("counts", map_day=province.valid_from).payload == stored.payload


def test_a_get_commits_its_first_read_on_its_own(serve, client, login_as, province):
    login_as("steering")
    assert client.get("/").status_code == 200
    db.session.rollback()  # what the request wrote is committed (here: its savepoints released), not pending
    assert _row("counts", map_day=province.valid_from) is not None
    assert _row("area_metrics", map_day=province.valid_from) is not None


def test_refresh_mode_recomputes_a_stale_summary_when_read(app, ctx, world, province, pinned_today):
    pinned_today(TODAY)
    assert app.config["LANTOA_SUMMARIES"] == "refresh"  # the suite's mode (tests/conftest.py)
    before = read("counts", TODAY, map_day=province.valid_from).payload[str(province.id)]
    _open_class(world)
    after = read("counts", TODAY, map_day=province.valid_from).payload[str(province.id)]
    assert after["classes_registered"] == before["classes_registered"] + 1


def test_the_day_change_computes_today_what_was_read_yesterday_and_drops_stale_past_rows(
        serve, app, ctx, world, province, pinned_today):
    yesterday = TODAY - timedelta(days=1)
    read("counts", yesterday, map_day=province.valid_from)
    read("area_metrics", yesterday, map_day=province.valid_from)
    assert _row("counts", TODAY, map_day=province.valid_from) is None
    done = refresh_due(TODAY)
    assert done["carried"] == 2
    today_row = _row("counts", TODAY, map_day=province.valid_from)
    assert today_row.payload[str(province.id)] == counts.figures(province, TODAY)
    _open_class(world)  # both days' rows are stale now
    done = refresh_due(TODAY)
    assert done == {"refreshed": 2, "carried": 0, "dropped": 2}
    assert _row("counts", yesterday, map_day=province.valid_from) is None  # read again, it is counted then
    assert not _row("counts", TODAY, map_day=province.valid_from).stale
    assert refresh_due(TODAY) == {"refreshed": 0, "carried": 0, "dropped": 0}


@pytest.mark.parametrize("url", ["/", "/targets/", "/targets/forecast"])
def test_the_pages_say_when_their_figures_were_counted(client, login_as, pinned_today, url):
    pinned_today(TODAY)
    login_as("steering")
    page = client.get(url).get_data(as_text=True)
    assert STAMP.search(page) and STAMP.search(page).group(2) == "15/06/2025", url


def test_the_area_page_says_when_its_figures_were_counted(client, login_as, pinned_today, world):
    pinned_today(TODAY)
    login_as("coord_daitu")
    page = client.get(f"/areas/{world.dai_tu.id}").get_data(as_text=True)
    assert STAMP.search(page).group(2) == "15/06/2025"


def test_the_job_refreshes_a_stale_summary_and_run_twice_changes_nothing(serve, ctx, world, province):
    stale = read("counts", TODAY, map_day=province.valid_from)
    _open_class(world)
    assert _row("counts", map_day=province.valid_from).stale
    assert read("counts", TODAY, map_day=province.valid_from).payload == stale.payload  # served as stored
    assert run_job("summaries_refresh", runner="test").outcome == "ok"
    fresh = _row("counts", map_day=province.valid_from)
    assert not fresh.stale and fresh.payload[str(province.id)] == counts.figures(province, TODAY)
    kept = {(r.name, r.key, r.day): (r.payload, r.computed_at, r.stale) for r in db.session.scalars(select(Summary))}
    assert run_job("summaries_refresh", runner="test").outcome == "ok"
    db.session.expire_all()
    assert {(r.name, r.key, r.day): (r.payload, r.computed_at, r.stale)
            for r in db.session.scalars(select(Summary))} == kept


