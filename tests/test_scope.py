"""One authorization checkpoint: every route with an id answers 404 for ids outside the user's scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    ApiClient,
    ApiToken,
    Area,
    Assignment,
    Certificate,
    Enrollment,
    Person,
    Report,
    TrainingClass,
    Unit,
    User,
)
from app.scope import visible
from tests.plan_world import PlanWorld


def _phu_binh_export(w) -> int:
    """A finished export file of Phú Bình's coordinator (only its owner may download it)."""
    from app.models import ExportFile

    export = ExportFile(user_id=w.users["coord_phubinh"].id, table="learners", format="csv", state="done",
                        rows_done=1, rows_total=1, path="phu-binh-export.csv")
    db.session.add(export)
    db.session.flush()
    return export.id

# Which of Phú Bình's objects to put in each kind of URL parameter.
PARAM_OBJECTS = {
    "area_id": lambda w: w.phu_binh.id,
    "unit_id": lambda w: w.units["Hợp tác xã Chè Phú Bình"].id,
    "trainer_id": lambda w: w.trainers["Phạm Văn Bình"].id,
    "class_id": lambda w: w.classes["Làm video ngắn với AI"].id,
    "person_id": lambda w: w.trainers["Phạm Văn Bình"].person_id,
    "user_id": lambda w: w.users["coord_phubinh"].id,
    "certificate_id": lambda w: db.session.scalar(select(Certificate.id).where(Certificate.code == "PBKT000001")),
    "assignment_id": lambda w: db.session.scalar(select(Assignment.id).where(Assignment.reason == "Phú Bình")),
    "report_id": lambda w: db.session.scalar(select(Report.id).where(Report.area_id == w.phu_binh.id)),
    "enrollment_id": lambda w: db.session.scalar(
        select(Enrollment.id).where(Enrollment.class_id == w.classes["Làm video ngắn với AI"].id)
    ),
    # the rollout plan: Phú Bình's own plan, its activity, dependency, evidence file and gap (tests/plan_world.py)
    "plan_id": lambda w: PlanWorld.load().plan.id,
    "activity_id": lambda w: PlanWorld.load().activity.id,
    "dependency_id": lambda w: PlanWorld.load().dependency.id,
    "evidence_id": lambda w: PlanWorld.load().evidence.id,
    "gap_id": lambda w: PlanWorld.load().gap.id,
    "export_id": _phu_binh_export,
    # the API (tests/api_helpers.py): Phú Bình's client and its token; the API routes are called with the token
    # of a client scoped to Đại Từ (a client scoped to Đại Từ gets 404 for Phú Bình's objects)
    "api_client_id": lambda w: _phu_binh_client(w)[0].id,
    "token_id": lambda w: _phu_binh_client(w)[1].id,
}


def _phu_binh_client(w):
    from tests.api_helpers import make_client

    found = db.session.scalar(select(ApiClient).where(ApiClient.name == "Hệ thống Phú Bình"))
    if found is None:
        return make_client(w.phu_binh, name="Hệ thống Phú Bình")[:2]
    return found, db.session.scalar(select(ApiToken).where(ApiToken.client_id == found.id))


def _api_headers(w, rule: str) -> dict:
    from tests.api_helpers import bearer, make_client

    if not rule.startswith("/api/"):
        return {}
    return bearer(make_client(w.dai_tu, name="Hệ thống Đại Từ", ingest=True)[2])


def id_routes(app):
    routes = []
    for rule in app.url_map.iter_rules():
        params = [a for a in rule.arguments if a.endswith("_id")]
        if not params:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, rule.rule, method, tuple(params)))
    return routes


def _all_id_routes():
    import os

    os.environ.setdefault("LANTOA_ENV", "test")
    from app import create_app

    return id_routes(create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"}))


@pytest.mark.parametrize(("endpoint", "rule", "method", "params"), _all_id_routes(),
                         ids=lambda v: v if isinstance(v, str) else None)
def test_dai_tu_coordinator_gets_404_for_phu_binh_ids(app, client, login_as, world, endpoint, rule, method, params):
    for param in params:
        assert param in PARAM_OBJECTS, f"add {param} to PARAM_OBJECTS so {rule} is checked"
    login_as("coord_daitu")
    url = rule
    for param in params:
        url = url.replace(f"<int:{param}>", str(PARAM_OBJECTS[param](world)))
    assert "<" not in url, url
    token_page = client.get("/", follow_redirects=True).get_data(as_text=True)  # every page has a token
    from tests.conftest import csrf_from

    headers = _api_headers(world, rule)
    if method == "GET":
        response = client.get(url, headers=headers)
    else:
        response = client.open(url, method=method, data={"csrf_token": csrf_from(token_page)}, headers=headers)
    assert response.status_code == 404, f"{method} {url} answered {response.status_code}"


def test_the_same_routes_answer_for_ids_in_scope(client, login_as, world):
    login_as("coord_daitu")
    assert client.get(f"/areas/{world.dai_tu.id}").status_code == 200
    assert client.get(f"/trainers/{world.trainers['Nguyễn Văn Đại'].id}").status_code == 200
    assert client.get(f"/classes/{world.classes['Soạn thảo văn bản với AI'].id}").status_code == 200
    assert client.get(f"/units/{world.units['Trường THPT Đại Từ'].id}").status_code == 200


def _visible_ids(model, username):
    user = db.session.scalar(select(User).where(User.username == username))
    return set(db.session.scalars(select(model.id).where(visible(model, user))))


def test_coordinator_sees_only_their_district(world):
    areas = _visible_ids(Area, "coord_daitu")
    assert world.dai_tu.id in areas and world.phu_binh.id not in areas
    inside = set(db.session.scalars(select(Area.id).where(Area.path.startswith(world.dai_tu.path))))
    assert areas == inside
    classes = _visible_ids(TrainingClass, "coord_daitu")
    assert classes == {world.classes["Soạn thảo văn bản với AI"].id}


def test_unit_coordinator_sees_the_unit_subtree(world):
    units = _visible_ids(Unit, "coord_edu")
    assert units == {world.units["Sở Giáo dục và Đào tạo"].id, world.units["Trường THPT Đại Từ"].id}
    assert _visible_ids(Area, "coord_edu") == set()


def test_trainer_sees_only_own_classes_and_their_learners(world):
    classes = _visible_ids(TrainingClass, "trainer_phubinh")
    assert classes == {world.classes["Làm video ngắn với AI"].id}
    persons = _visible_ids(Person, "trainer_phubinh")
    learners = set(db.session.scalars(select(Enrollment.person_id).where(Enrollment.class_id.in_(classes))))
    assert persons == learners | {world.trainers["Phạm Văn Bình"].person_id}


def test_steering_sees_everything_but_not_accounts(world):
    assert world.phu_binh.id in _visible_ids(Area, "steering")
    assert _visible_ids(User, "steering") == set()
    assert len(_visible_ids(User, "admin")) == len(world.users)


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(f"/areas/{world.dai_tu.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
