"""List pages read by id (app/web/paging.py): every page in the list's order, counted, scoped, searchable.

The pages of /people/, /classes/ and /certificates/ are read the way a user reads them, and compared with the
list's own statement run whole: any row lost, repeated, reordered or let through the scope fails.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from app.certificates.queries import certificate_ids
from app.extensions import db
from app.models import Area, Certificate, Person, TrainingClass
from app.people.queries import person_ids
from app.trainers.queries import trainer_ids
from app.training.queries import class_ids
from app.web import paging
from tests.factories import enrol, make_certificate, make_class, make_person

NAMES = ["Nguyễn Văn An", "Nguyễn Văn An", "Nguyễn Văn Ân", "Trần Thị Bình", "Lê Văn Học", "Đặng Thị Đào",
         "Hoàng Văn Hải", "Nguyễn Thị Hà", "Bùi Văn Nam", "Phạm Thị Yến"]


def _communes(district: Area) -> list[Area]:
    return list(db.session.scalars(select(Area).where(Area.parent_id == district.id).order_by(Area.code).limit(3)))


@pytest.fixture
def crowd(world):
    """45 persons, 33 classes (some without dates, many on the same day) and 23 certificates in Đại Từ,
    a few of each in Phú Bình, and a Đại Từ resident certified by a Phú Bình class."""
    dai_tu, phu_binh = _communes(world.dai_tu), _communes(world.phu_binh)
    trainer_dt, trainer_pb = world.trainers["Nguyễn Văn Đại"], world.trainers["Phạm Văn Bình"]
    people = [make_person(NAMES[n % len(NAMES)], dai_tu[n % 3]) for n in range(45)]
    outsiders = [make_person(f"Người Phú Bình {n}", phu_binh[0]) for n in range(4)]
    classes = []
    for n in range(33):
        start = None if n % 7 == 0 else date(2025, 1, 1) + timedelta(days=10 * (n % 5))
        end = start + timedelta(days=20) if start else None
        classes.append(make_class(trainer_dt, dai_tu[n % 3], topic=f"Lớp Đại Từ {n:02d}", start_on=start, end_on=end,
                                  level=1 + n % 2))
    pb_class = make_class(trainer_pb, phu_binh[0], topic="Lớp Phú Bình", start_on=date(2025, 2, 1),
                          end_on=date(2025, 2, 20), level=3)
    dated = [c for c in classes if c.start_on]
    for n, person in enumerate(people[:22]):
        make_certificate(enrol(dated[n % len(dated)], person), f"LP{n:08d}")
    make_certificate(enrol(pb_class, people[22]), "LPTRAVEL1")  # a Đại Từ resident, a Phú Bình class
    for n, person in enumerate(outsiders):
        make_certificate(enrol(pb_class, person), f"LPOUT{n:04d}")
    db.session.flush()
    return {"people": people, "outsiders": outsiders, "classes": classes, "pb_class": pb_class}


def _all_pages(client, url: str, kind: str) -> tuple[list[int], str]:
    """The ids linked from every page of a list, in the order shown, and the first page's pager text."""
    first = client.get(url).get_data(as_text=True)
    pages = int(m.group(1)) if (m := re.search(r"Trang 1/(\d+)", first)) else 1
    ids = []
    for n in range(1, pages + 1):
        html = client.get(f"{url}{'&' if '?' in url else '?'}page={n}").get_data(as_text=True)
        ids += [int(i) for i in re.findall(rf'href="/{kind}/(\d+)"', html)]
    return ids, first


def _whole(stmt) -> list[int]:
    return list(db.session.scalars(stmt))


LISTS = {"people": person_ids, "classes": class_ids, "certificates": certificate_ids}


@pytest.mark.parametrize("kind", LISTS)
@pytest.mark.parametrize("username", ["steering", "coord_daitu", "coord_phubinh", "coord_edu", "trainer_daitu"])
def test_every_page_follows_the_list_order(client, login_as, world, crowd, kind, username):
    expected = _whole(LISTS[kind](world.users[username]))
    login_as(username)
    shown, first = _all_pages(client, f"/{kind}/", kind)
    assert shown == expected
    assert f"{len(expected)} dòng" in first or len(expected) <= 20  # the pager shows the count


def test_a_coordinator_pages_through_their_district_only(client, login_as, crowd):
    login_as("coord_daitu")
    people, classes, certificates = (set(_all_pages(client, f"/{kind}/", kind)[0]) for kind in LISTS)
    assert {p.id for p in crowd["people"]} <= people and not {p.id for p in crowd["outsiders"]} & people
    assert {c.id for c in crowd["classes"]} <= classes and crowd["pb_class"].id not in classes
    holders = set(db.session.scalars(select(Certificate.person_id).where(Certificate.id.in_(certificates))))
    assert not {p.id for p in crowd["outsiders"]} & holders
    assert crowd["people"][22].id in holders  # certified by a Phú Bình class: seen by its holder's scope


def test_classes_are_newest_first_undated_together(client, login_as, crowd):
    login_as("steering")
    shown, _ = _all_pages(client, "/classes/", "classes")
    starts = [db.session.get(TrainingClass, i).start_on for i in shown]
    dated = [d for d in starts if d]
    assert dated == sorted(dated, reverse=True) and len(dated) < len(starts)
    undated = [n for n, d in enumerate(starts) if d is None]
    assert undated == list(range(undated[0], undated[0] + len(undated)))  # first or last, by the database


def test_people_search_ignores_diacritics_on_every_page(client, login_as, world, crowd):
    login_as("coord_daitu")
    shown, first = _all_pages(client, "/people/?q=NGUYEN+VAN+AN", "people")
    names = set(db.session.scalars(select(Person.full_name).where(Person.id.in_(shown))))
    assert {"Nguyễn Văn An", "Nguyễn Văn Ân"} <= names <= {"Nguyễn Văn An", "Nguyễn Văn Ân", "Nguyễn Văn Đại"}
    assert shown == _whole(person_ids(world.users["coord_daitu"], "NGUYEN VAN AN")) and len(shown) >= 15
    assert "Trang 1/" not in first  # fewer than a page


def test_class_filters_keep_their_pages(client, login_as, world, crowd):
    login_as("coord_daitu")
    shown, first = _all_pages(client, "/classes/?level=2&status=completed", "classes")
    assert shown == _whole(class_ids(world.users["coord_daitu"], "completed", 2))
    assert {c.id for c in crowd["classes"] if c.level == 2} <= set(shown) and "Trang 1/" not in first


def test_certificate_search_ignores_diacritics(client, login_as, world, crowd):
    login_as("coord_daitu")
    shown, _ = _all_pages(client, "/certificates/?q=le+van+hoc", "certificates")
    assert shown == _whole(certificate_ids(world.users["coord_daitu"], "le van hoc")) and len(shown) == 3
    assert "Không có dữ liệu phù hợp." in client.get("/certificates/?q=DO THI HA").get_data(as_text=True)


def test_certificate_search_with_a_filter(client, login_as, crowd):
    login_as("steering")
    html = client.get("/certificates/?q=DO THI HA&level=2").get_data(as_text=True)
    assert "Đỗ Thị Hà" in html and "Lê Văn Học" not in html


def test_a_page_past_the_end_is_empty(client, login_as, crowd):
    login_as("coord_daitu")
    html = client.get("/people/?page=99").get_data(as_text=True)
    assert not re.findall(r'href="/people/\d+"', html)
    assert "Trang 99 không có dữ liệu" in html and "trong 3 trang." in html and "Về trang cuối" in html


@pytest.mark.parametrize("walk", [True, False])
def test_page_ids_read_from_either_end_match_limit_and_offset(world, crowd, monkeypatch, walk):
    """Every slice of every list, for each kind of scope, whether SQLite walks the list's index or not."""
    monkeypatch.setattr(paging, "WALK_SHARE", 10**9 if walk else 0)
    for username in ("steering", "coord_daitu", "coord_edu", "trainer_daitu"):
        user = world.users[username]
        for stmt in (person_ids(user), person_ids(user, "van"), class_ids(user), class_ids(user, "", 1),
                     certificate_ids(user), certificate_ids(user, "nguyen")):
            whole = _whole(stmt)
            for limit in (3, 7):
                for offset in range(len(whole) + 2):
                    assert paging.page_ids(stmt, offset, limit, len(whole)) == whole[offset:offset + limit]


def _explain_ids_query(client, url: str, table: str) -> str:
    """The query plan of the ids query a list page runs (SQLite)."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith(f"SELECT {table}.id \nFROM {table}") and "LIMIT" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    statement, parameters = seen[-1]
    rows = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return "\n".join(r[-1] for r in rows)


@pytest.mark.parametrize(("url", "table", "index"), [
    ("/people/?page=2", "persons", "ix_persons_list"),
    ("/classes/?page=2", "training_classes", "ix_training_classes_list"),
    ("/certificates/?page=2", "certificates", "ix_certificates_list"),
])
def test_a_coordinators_page_walks_the_list_index_on_sqlite(client, login_as, crowd, url, table, index):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the walk is SQLite's plan; PostgreSQL plans from its statistics")
    login_as("coord_daitu")
    plan = _explain_ids_query(client, url, table)
    assert f"SCAN {table} USING COVERING INDEX {index}" in plan and "TEMP B-TREE" not in plan, plan


def test_an_order_that_cannot_be_reversed_is_refused():
    with pytest.raises(ValueError):
        paging._reversed(Person.search_key.desc().nulls_last())


def _follow(client, url: str, label: str, kind: str) -> tuple[list[list[int]], list[str]]:
    """The ids of each page reached from `url` by the pager's `label` link ("Sau ›" or "‹ Trước"), and the pages'
    pager texts."""
    pages, texts = [], []
    while url:
        html = client.get(url).get_data(as_text=True)
        pages.append([int(i) for i in re.findall(rf'href="/{kind}/(\d+)"', html)])
        texts.append(m.group(1) if (m := re.search(r'<span class="muted">(Trang [^<]*)</span>', html)) else "")
        link = re.search(rf'<a href="([^"]+)">{re.escape(label)}</a>', html)
        url = link.group(1).replace("&amp;", "&") if link else None
        assert len(pages) < 50
    return pages, texts


@pytest.mark.parametrize("kind", LISTS)
@pytest.mark.parametrize("username", ["steering", "coord_daitu", "trainer_daitu"])
def test_a_list_past_the_cap_is_paged_without_its_total(client, login_as, world, crowd, monkeypatch, kind, username):
    """Past COUNT_CAP rows: no total, "Sau ›" by cursor to the end, "‹ Trước" back again, page numbers agree."""
    monkeypatch.setattr(paging, "COUNT_CAP", 7)
    expected = _whole(LISTS[kind](world.users[username]))
    login_as(username)
    forward, texts = _follow(client, f"/{kind}/", "Sau ›", kind)
    assert [i for page in forward for i in page] == expected
    if len(expected) <= 7:
        return
    assert all(t.startswith(f"Trang {n} · ") and "/" not in t for n, t in enumerate(texts, 1) if t)
    assert "hơn 7 dòng" in texts[0] or "khoảng" in texts[0]
    last = len(forward)
    back, _ = _follow(client, _last_link(client, kind, last), "‹ Trước", kind)
    assert back == forward[::-1]
    by_number = [[int(i) for i in re.findall(rf'href="/{kind}/(\d+)"', client.get(f"/{kind}/?page={n}")
                                             .get_data(as_text=True))] for n in range(1, last + 1)]
    assert by_number == forward
    html = client.get(f"/{kind}/?page={last + 5}").get_data(as_text=True)
    assert f"Trang {last + 5} không có dữ liệu: danh sách ngắn hơn thế" in html and "Về trang đầu" in html


def _last_link(client, kind: str, last: int) -> str:
    """The URL of the last page as "Sau ›" reaches it (with its cursor)."""
    url = f"/{kind}/"
    for _ in range(last - 1):
        html = client.get(url).get_data(as_text=True)
        url = re.search(r'<a href="([^"]+)">Sau ›</a>', html).group(1).replace("&amp;", "&")
    return url


def test_a_search_past_the_cap_keeps_its_words_in_the_links(client, login_as, world, crowd, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    login_as("coord_daitu")
    pages, _ = _follow(client, "/people/?q=NGUYEN+VAN+AN", "Sau ›", "people")
    assert [i for page in pages for i in page] == _whole(person_ids(world.users["coord_daitu"], "NGUYEN VAN AN"))


def test_keyset_pages_match_limit_and_offset(world, crowd):
    """The rows just after / before every row of every list, read by its ORDER BY values (or refused)."""
    read = 0
    for username in ("steering", "coord_daitu", "trainer_daitu"):
        user = world.users[username]
        for stmt in (person_ids(user), person_ids(user, "van"), class_ids(user), certificate_ids(user),
                     certificate_ids(user, "nguyen")):
            assert paging.keyset_orderable(stmt)
            whole = _whole(stmt)
            for n, cursor in enumerate(whole):
                after = paging.keyset_ids(stmt, cursor, 4, backwards=False)
                before = paging.keyset_ids(stmt, cursor, 4, backwards=True)
                assert after in (None, whole[n + 1:n + 5]) and before in (None, whole[max(n - 4, 0):n])
                read += (after is not None) + (before is not None)
    assert read > 100  # persons and certificates order by columns without NULLs: always read by keyset


def test_counts_and_estimates_as_the_pager_says_them(world, crowd, monkeypatch):
    assert paging.about(1_140_000) == "1,1 triệu" and paging.about(2_000_000) == "2 triệu"
    assert paging.about(45_321) == "45.000" and paging.about(10_499) == "10.000" and paging.about(987) == "990"
    stmt = person_ids(world.users["steering"])
    assert paging.capped_count(stmt) == len(_whole(stmt))
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    assert paging.capped_count(stmt) == 6
    for user in (world.users["steering"], world.users["coord_daitu"], world.users["trainer_daitu"]):
        for listed in (person_ids(user, "van"), class_ids(user, "completed", 1), certificate_ids(user, "nguyen"),
                       trainer_ids(user, "nguyen", "active")):
            estimate = paging.estimated_count(listed)  # PostgreSQL: EXPLAIN of the statement, whatever it binds
            assert estimate is None if db.engine.dialect.name == "sqlite" else estimate >= 0


def test_a_cursor_outside_the_list_places_nothing(client, login_as, world, crowd, monkeypatch):
    """A cursor naming another district's person (or a row filtered out) is not read: the page goes by number."""
    monkeypatch.setattr(paging, "COUNT_CAP", 7)
    user = world.users["coord_daitu"]
    whole = _whole(person_ids(user))
    outsider = crowd["outsiders"][0].id
    assert paging.keyset_ids(person_ids(user), outsider, 5, backwards=False) is None
    assert paging.keyset_ids(person_ids(user), whole[3], 5, backwards=False) == whole[4:9]
    login_as("coord_daitu")
    html = client.get(f"/people/?page=2&after={outsider}").get_data(as_text=True)
    assert [int(i) for i in re.findall(r'href="/people/(\d+)"', html)] == whole[20:40]


def test_a_whole_table_well_past_the_cap_is_not_counted_on_postgresql(world, crowd, monkeypatch):
    """Steering's unfiltered lists on PostgreSQL take the planner's estimate of the table when it is at least
    WHOLE_TABLE_MARGIN × COUNT_CAP, instead of counting 10,001 index entries; a filtered list, a scoped one and
    SQLite are counted."""
    from sqlalchemy import text

    steering, coordinator = world.users["steering"], world.users["coord_daitu"]
    whole, filtered, scoped = person_ids(steering), person_ids(steering, "van"), person_ids(coordinator)
    assert paging.whole_table_estimate(filtered) is None and paging.whole_table_estimate(scoped) is None
    if db.engine.dialect.name != "postgresql":
        assert paging.whole_table_estimate(whole) is None
        return
    db.session.execute(text("ANALYZE persons"))
    rows = len(_whole(whole))
    monkeypatch.setattr(paging, "COUNT_CAP", rows // 4)
    estimate = paging.whole_table_estimate(whole)
    assert estimate is not None and abs(estimate - rows) <= rows // 10
    monkeypatch.setattr(paging, "COUNT_CAP", rows)
    assert paging.whole_table_estimate(whole) is None  # within 2 × the cap: counted


def test_an_or_scope_is_counted_one_alternative_at_a_time(world, crowd, monkeypatch):
    """A coordinator's persons (living in the district OR in one of its units): each alternative keeps the other
    conditions; the capped count is the same whichever way it is reached, and a scoped list past the cap gives no
    estimate (the planner's guess for a scope's subqueries is far off)."""
    from tests.factories import make_unit

    coordinator = world.users["coord_daitu"]
    # in the list by the second alternative only: a unit's staff living outside the district, or nowhere known
    # (a NULL home area is not "in" the first alternative: counted once, by the second)
    unit = make_unit("Trường Đại Từ", _communes(world.dai_tu)[0])
    make_person("Văn Không Nhà", None, unit)
    make_person("Văn Ở Phú Bình", _communes(world.phu_binh)[0], unit)
    make_person("Văn Cả Hai", _communes(world.dai_tu)[0], unit)
    for stmt in (person_ids(coordinator), person_ids(coordinator, "van")):
        parts = paging._alternatives(stmt)
        assert len(parts) == 2
        whole = set(_whole(stmt))
        assert set().union(*(set(db.session.scalars(p)) for p in parts)) == whole
        for cap in (1, len(whole) - 1, len(whole), len(whole) + 5):
            monkeypatch.setattr(paging, "COUNT_CAP", max(cap, 0))
            assert paging.capped_count(stmt) == min(len(whole), paging.COUNT_CAP + 1)
    assert paging._alternatives(person_ids(world.users["steering"])) == []
    monkeypatch.setattr(paging, "COUNT_CAP", 1)
    listed = paging.ListPage(1, 20, person_ids(coordinator), person_ids(coordinator))
    assert listed.total is None and listed.estimate is None


def test_the_froms_read_cheaply_are_the_statements_own(world, crowd):
    """`paging._froms` (without compiling an ORM statement) names the FROMs `get_final_froms` does, for the list
    statements of every role, and for a list statement with its eager loads turned off (how it is counted)."""
    from sqlalchemy.orm import lazyload

    from app.models import Report, Trainer

    def names(froms):
        return [getattr(f._deannotate(), "name", None) or str(f) for f in froms]

    for user in (world.users["steering"], world.users["coord_daitu"], world.users["trainer_daitu"]):
        for stmt in (person_ids(user), person_ids(user, "van"), class_ids(user, "completed", 1), class_ids(user),
                     certificate_ids(user, "nguyen"), trainer_ids(user, "nguyen", "active"), trainer_ids(user),
                     select(Report).options(lazyload("*")), select(Trainer.id).where(Trainer.area_id == Area.id)):
            assert names(paging._froms(stmt)) == names(stmt.get_final_froms()), str(stmt)
