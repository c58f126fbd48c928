"""Held learning records: listed in scope, matched again by phone once the person exists (never created)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import LearningRecord, Person
from tests.api_helpers import bearer, make_client
from tests.conftest import post_form


def _send(client, world) -> None:
    secret = make_client(world.dai_tu, name="LuyenAI.vn", ingest=True)[2]
    record = {"platform": "LuyenAI.vn", "external_id": "moi", "phone": "0977 123 456", "date": "2025-05-02",
              "minutes": 20, "lessons": 1, "score": 90, "level": 1}
    assert client.post("/api/v1/learning-records", json={"records": [record]},
                       headers=bearer(secret)).json["held"] == 1


def test_held_records_are_listed_to_the_coordinator_of_the_clients_scope(client, login_as, world):
    _send(client, world)
    login_as("coord_daitu")
    assert "+84977123456" in client.get("/learning-records/").get_data(as_text=True)


def test_held_records_are_not_listed_outside_the_clients_scope(client, login_as, world):
    _send(client, world)
    login_as("coord_phubinh")
    page = client.get("/learning-records/")
    assert page.status_code == 200 and "LuyenAI.vn" not in page.get_data(as_text=True)


def test_rematch_links_the_record_to_the_person_added_since(client, login_as, world):
    from tests.factories import make_person

    _send(client, world)
    from app.models import Area

    commune = db.session.get(Area, db.session.get(Person, world.trainers["Nguyễn Văn Đại"].person_id).home_area_id)
    person = make_person("Hoàng Văn Mới", commune, phone="+84977123456")
    db.session.commit()
    persons = db.session.scalar(select(func.count(Person.id)))
    login_as("coord_daitu")
    response = post_form(client, "/learning-records/rematch", {}, token_page="/learning-records/")
    assert response.status_code == 302
    stored = db.session.scalar(select(LearningRecord).where(LearningRecord.external_id == "moi")
                               .execution_options(populate_existing=True))
    assert (stored.state, stored.person_id) == ("matched", person.id)
    assert db.session.scalar(select(func.count(Person.id))) == persons
    assert "+84977123456" not in client.get("/learning-records/").get_data(as_text=True)


def test_trainers_do_not_see_the_review(client, login_as):
    login_as("trainer_daitu")
    assert client.get("/learning-records/").status_code == 404
