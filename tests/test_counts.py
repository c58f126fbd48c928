"""One set of counts (app/counts.py): the same label carries the same number on every page and sheet.

Renders the steering home, the network overview, the targets dashboard and the forecast through the test client
and the quarterly workbook (openpyxl), reads every (label, number) pair of the module's labels, and checks that
each label has one number everywhere, equal to the module's own figure."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from app import counts
from app.areas.maps import programme_root
from app.extensions import db
from app.models import Person, User
from app.reports.operations import create_report, report_path
from app.reports.quarters import Quarter
from tests.factories import enrol, make_class, make_person

TODAY = date(2025, 6, 15)
LABELS = {c.label for c in counts.COUNTS}
STAT = re.compile(r'<span class="stat-value">([\d.]+)</span><span class="stat-label">([^<]+)</span>')
PAGES = ("/", "/network/", "/targets/", "/targets/forecast")


@pytest.fixture
def pinned(pinned_today):
    return pinned_today(TODAY)


@pytest.fixture
def more_classes(world):
    """Classes in every state, and a learner in two classes (learners ≠ enrolments)."""
    trainer = world.trainers["Nguyễn Văn Đại"]
    commune = db.session.get(type(world.dai_tu), trainer.area_id)
    running = make_class(trainer, commune, status="running", start_on=date(2025, 6, 1), end_on=date(2025, 6, 30),
                         topic="Lớp đang học")
    make_class(trainer, commune, status="planned", start_on=date(2025, 8, 1), end_on=date(2025, 8, 30),
               topic="Lớp dự kiến")
    make_class(trainer, commune, status="cancelled", start_on=date(2025, 4, 1), end_on=date(2025, 4, 30),
               cancelled_on=date(2025, 3, 20), topic="Lớp đã hủy")
    someone = db.session.scalar(select(Person).where(Person.full_name == "Lê Văn Học"))
    enrol(running, someone, completed=False)
    enrol(running, make_person("Vũ Thị Mai", commune), completed=False)
    db.session.flush()


def _page_pairs(client, url: str) -> list[tuple[str, int]]:
    html = client.get(url, follow_redirects=True).get_data(as_text=True)
    return [(label.strip(), int(value.replace(".", ""))) for value, label in STAT.findall(html)
            if label.strip() in LABELS]


def _workbook_pairs(book) -> dict[str, list[tuple[str, int]]]:
    found: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for row in book["Số liệu chung"].iter_rows(min_row=2, values_only=True):
        found["Số liệu chung"].append((row[0], row[1]))
    # the tables: the report's area is the first data row ("Theo huyện", "Theo xã"), the totals the last
    for title, row_index in (("Theo huyện", 1), ("Theo xã", 1), ("Lớp học", -1), ("Chứng nhận", -1)):
        rows = list(book[title].iter_rows(values_only=True))
        header, values = rows[0], rows[row_index]
        found[title] += [(h, v) for h, v in zip(header, values, strict=False) if h in LABELS]
    return found


def test_the_same_label_carries_the_same_number_everywhere(app, client, login_as, world, pinned, more_classes):
    province = programme_root()
    expected = counts.figures(province, TODAY)
    # the world as built here: 5 classes registered (one more cancelled), 4 opened, a learner in two classes
    assert expected["classes_registered"] > expected["classes_opened"] > expected["classes_completed"] > 0
    assert expected["classes_running"] == expected["classes_opened"] - expected["classes_completed"]
    assert expected["enrolments"] > expected["learners"] > 0
    assert expected["completions"] > 0 and expected["certificates"] > 0

    login_as("steering")
    steering = db.session.scalar(select(User).where(User.username == "steering"))
    _check_one_number_per_label(client, province, steering, expected)


def _check_one_number_per_label(client, province, steering, expected) -> None:
    sources: dict[str, list[tuple[str, int]]] = {url: _page_pairs(client, url) for url in PAGES}
    report = create_report(Quarter(2025, 2), province, steering, today=TODAY)
    sources.update(_workbook_pairs(openpyxl.load_workbook(report_path(report))))

    by_label: dict[str, dict[str, int]] = defaultdict(dict)
    for source, pairs in sources.items():
        assert pairs, f"{source} shows none of the counts"
        for label, number in pairs:
            assert by_label[label].setdefault(source, number) == number, (label, source)
    for count in counts.COUNTS:
        seen = by_label[count.label]
        assert len(seen) >= 2, f"{count.label} shown only in {list(seen)}"
        assert set(seen.values()) == {expected[count.key]}, (count.label, seen, expected[count.key])
    # every page shows the opened classes and the enrolments
    assert all(counts.LABELS["classes_opened"] in dict(sources[url]) for url in PAGES)
    assert all(counts.LABELS["enrolments"] in dict(sources[url]) for url in PAGES)


def test_counts_follow_the_day_and_the_area(app, ctx, world, more_classes):
    province = programme_root()
    before = counts.figures(province, date(2025, 2, 1))
    after = counts.figures(province, TODAY)
    assert before["classes_opened"] == 0 and before["enrolments"] == 0 and before["certificates"] == 0
    assert after["classes_opened"] > 0
    dai_tu, phu_binh = counts.figures(world.dai_tu, TODAY), counts.figures(world.phu_binh, TODAY)
    # classes, enrolments, completions and certificates add up over the districts; distinct learners may not
    for key in ("classes_registered", "classes_opened", "enrolments", "completions", "certificates"):
        assert dai_tu[key] + phu_binh[key] == after[key], key
    assert counts.classes_opened(world.dai_tu, TODAY) == dai_tu["classes_opened"]
    children = counts.child_figures(province, TODAY, with_learners=True)
    assert children[world.dai_tu.id] == dai_tu


def test_labels_are_distinct():
    assert len(LABELS) == len(counts.COUNTS)


@pytest.mark.no_db
def test_the_demo_pinned_to_15_june_2025_carries_one_number_per_label(tmp_path, monkeypatch):
    """The demo as a new user sees it (`LANTOA_TODAY=2025-06-15`): home, network, targets, forecast and the
    workbook agree (before: home 1,344 "Lớp học" against 818 "Lớp đã mở" on the network page; the forecast
    started from 26,632 persons against 20,204 "Lượt học viên")."""
    from flask_migrate import upgrade

    from app import create_app

    monkeypatch.setenv("LANTOA_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.db'}", "SECRET_KEY": "x",
                      "LANTOA_TODAY": TODAY.isoformat(), "WTF_CSRF_ENABLED": False,
                      "LANTOA_REPORTS_DIR": str(tmp_path / "reports")})
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    assert client.post("/login", data={"username": "bcd", "password": "lantoa-2025"}).status_code == 302
    try:
        with app.app_context():
            province = programme_root()
            with app.test_request_context():
                expected = counts.figures(province, TODAY)
            assert expected["classes_registered"] > expected["classes_opened"] > expected["classes_completed"]
            steering = db.session.scalar(select(User).where(User.username == "bcd"))
            _check_one_number_per_label(client, province, steering, expected)
            db.session.rollback()
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_counts_are_equal_on_either_map_before_and_after_areas_migrate(app, ctx, world, more_classes):
    from app.areas.migration import migrate_to
    from app.models import Area

    old_tn = db.session.scalar(select(Area).where(Area.code == "P19", Area.valid_from == date(2024, 12, 1)))
    old_bk = db.session.scalar(select(Area).where(Area.code == "P06", Area.valid_from == date(2024, 12, 1)))
    merged = db.session.scalar(select(Area).where(Area.code == "P19", Area.valid_from == date(2025, 7, 1)))
    before = counts.figures(old_tn, TODAY)
    on_new = counts.figures(merged, TODAY)
    assert counts.figures(old_bk, TODAY)["classes_registered"] == 0
    assert on_new == before  # the new map counts the old communes' classes at their images
    migrate_to(date(2025, 7, 1))
    db.session.flush()
    assert counts.figures(old_tn, TODAY) == before  # history keeps them where they were on the old map
    assert counts.figures(merged, TODAY) == before
