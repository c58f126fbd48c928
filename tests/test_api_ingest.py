"""Ingest of daily learning records: idempotency, all-or-nothing batches, row errors, matching by phone."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, LearningRecord, Person
from tests.api_helpers import bearer, make_client

URL = "/api/v1/learning-records"


@pytest.fixture
def platform(world):
    return make_client(world.dai_tu, name="LuyenAI.vn", ingest=True)


def _phone(world, name: str) -> str:
    person = db.session.get(Person, world.trainers[name].person_id)
    return "0" + person.phone.removeprefix("+84")  # as a platform would send it


def _record(n: int, phone: str, **kw) -> dict:
    return {"platform": "LuyenAI.vn", "external_id": f"u{n}", "phone": phone, "date": f"2025-05-{1 + n % 28:02d}",
            "minutes": 15, "lessons": 1, "score": 80, "level": 1, **kw}


def _count() -> int:
    return db.session.scalar(select(func.count(LearningRecord.id)))


def test_the_same_batch_twice_counts_once(client, world, platform):
    _c, token, secret = platform
    batch = {"records": [_record(i, _phone(world, "Nguyễn Văn Đại"), external_id="dai") for i in range(3)]
             + [_record(9, "0987 000 111")]}
    first = client.post(URL, json=batch, headers=bearer(secret))
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.json == {"received": 4, "inserted": 4, "duplicates": 0, "matched": 3, "held": 1}
    again = client.post(URL, json=batch, headers=bearer(secret))
    assert again.json == {"received": 4, "inserted": 0, "duplicates": 4, "matched": 0, "held": 0}
    assert _count() == 4
    person_id = world.trainers["Nguyễn Văn Đại"].person_id
    assert db.session.scalar(select(func.count(LearningRecord.id)).where(LearningRecord.person_id == person_id)) == 3
    held = db.session.scalar(select(LearningRecord).where(LearningRecord.state == "held"))
    assert held.phone == "+84987000111" and held.person_id is None
    # one compact audit row per call, not per record
    uses = db.session.scalars(select(AuditEvent.after).where(AuditEvent.action == "api.use",
                                                            AuditEvent.entity_id == token.id)).all()
    assert sorted(u["records"] for u in uses) == [0, 4]


def test_one_person_never_becomes_two(client, world, platform):
    persons = db.session.scalar(select(func.count(Person.id)))
    phone = _phone(world, "Trần Thị Từ")
    spaced = phone[:4] + " " + phone[4:7] + "." + phone[7:]
    batch = {"records": [_record(1, phone, external_id="a"), _record(2, "+84" + phone[1:], external_id="b"),
                         _record(3, spaced, external_id="c")]}
    assert client.post(URL, json=batch, headers=bearer(platform[2])).json["matched"] == 3
    assert db.session.scalar(select(func.count(Person.id))) == persons
    assert len(set(db.session.scalars(select(LearningRecord.person_id)))) == 1


def test_a_person_outside_the_clients_scope_is_held_not_matched(client, world, platform):
    batch = {"records": [_record(1, _phone(world, "Phạm Văn Bình"))]}
    assert client.post(URL, json=batch, headers=bearer(platform[2])).json["held"] == 1


@pytest.mark.parametrize(("change", "field", "vi"), [
    ({"minutes": "15"}, "minutes", "số nguyên"),
    ({"minutes": 1.5}, "minutes", "số nguyên"),
    ({"date": "01/05/2025"}, "date", "YYYY-MM-DD"),
    ({"date": 1735689600}, "date", "YYYY-MM-DD"),
    ({"level": 6}, "level", "nhỏ hơn hoặc bằng 5"),
    ({"score": 101}, "score", "nhỏ hơn hoặc bằng 100"),
    ({"phone": "12345"}, "phone", "số điện thoại"),
    ({"extra": 1}, "extra", "không được hỗ trợ"),
])
def test_a_bad_row_refuses_the_whole_batch(client, world, platform, change, field, vi):
    batch = {"records": [_record(0, "0987000111"), {**_record(1, "0987000112"), **change}]}
    response = client.post(URL, json=batch, headers=bearer(platform[2]))
    assert response.status_code == 422 and response.headers["Content-Type"] == "application/problem+json"
    error = response.json["errors"][0]
    assert (error["index"], error["field"]) == (1, field)
    assert vi in error["reason_vi"] and error["reason"]
    assert _count() == 0


def test_a_missing_field_and_duplicate_rows_are_reported_per_row(client, platform):
    missing = _record(0, "0987000111")
    del missing["level"]
    batch = {"records": [missing, _record(1, "0987000112"), _record(1, "0987000112")]}
    response = client.post(URL, json=batch, headers=bearer(platform[2]))
    assert response.status_code == 422
    assert [(e["index"], e["field"]) for e in response.json["errors"]] == [(0, "level")]
    response = client.post(URL, json={"records": batch["records"][1:]}, headers=bearer(platform[2]))
    assert [(e["index"], e["field"]) for e in response.json["errors"]] == [(1, "external_id")]
    assert "bản ghi 0" in response.json["errors"][0]["reason_vi"]
    assert _count() == 0


def test_too_large_not_json_and_wrong_media_type(client, platform):
    secret = platform[2]
    big = {"records": [_record(i, "0987000111", external_id=f"x{i}") for i in range(10_001)]}
    response = client.post(URL, json=big, headers=bearer(secret))
    assert response.status_code == 413 and "10.000" in response.json["detail_vi"]
    assert client.post(URL, data="{", content_type="application/json", headers=bearer(secret)).status_code == 400
    assert client.post(URL, data="records=1", headers=bearer(secret)).status_code == 415
    assert client.post(URL, json={"records": []}, headers=bearer(secret)).status_code == 422
    assert _count() == 0


def test_a_full_batch_of_10000_is_stored(client, platform):
    batch = {"records": [_record(i, "0987000111", external_id=f"x{i}") for i in range(10_000)]}
    response = client.post(URL, json=batch, headers=bearer(platform[2]))
    assert response.status_code == 200 and response.json["inserted"] == 10_000


def test_a_read_only_client_may_not_ingest(client, world):
    _c, _t, secret = make_client(world.dai_tu, read=True, ingest=False)
    response = client.post(URL, json={"records": [_record(0, "0987000111")]}, headers=bearer(secret))
    assert response.status_code == 403 and response.json["title_vi"]
    assert _count() == 0


def _t5(world, today) -> int:
    from app.areas.graph import AreaGraph
    from app.targets.indicators import measure_all, totals

    graph = AreaGraph.load()
    measure = measure_all(world.dai_tu.valid_from, today, 3, graph)["working_age_trained_online"]
    return totals(measure, world.dai_tu.id, graph)[0]


def test_online_bac_1_days_count_toward_t5_once_per_person(client, world, platform):
    from datetime import date

    from app.models import Area
    from tests.factories import make_person

    commune = db.session.get(Person, world.trainers["Nguyễn Văn Đại"].person_id).home_area_id
    learner = make_person("Lê Thị Học", db.session.get(Area, commune), birth_year=1990, phone="+84912000001")
    make_person("Lê Văn Bậc Hai", db.session.get(Area, commune), birth_year=1990, phone="+84912000002")
    db.session.commit()
    today, early = date(2025, 6, 1), date(2025, 5, 1)
    before, before_early = _t5(world, today), _t5(world, early)
    batch = {"records": [_record(1, "0912000001", external_id="hoc"), _record(2, "0912000001", external_id="hoc"),
                         _record(3, "0912000002", external_id="hai", level=2)]}
    assert client.post(URL, json=batch, headers=bearer(platform[2])).json["matched"] == 3
    assert _t5(world, today) == before + 1  # two days of one learner: one person; Bậc 2 does not count
    assert learner.id in set(db.session.scalars(select(LearningRecord.person_id)))
    assert _t5(world, early) == before_early  # the days learnt (2 and 3 May) come after 1 May
