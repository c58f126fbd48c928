"""Read endpoints: scoped to the client (404 outside), cursor paging, ETag / If-None-Match, public verify."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Area, Certificate
from app.timeutil import clock
from app.training.settings import set_setting
from tests.api_helpers import bearer, make_client


@pytest.fixture
def dai_tu(world):
    return make_client(world.dai_tu)[2]


def test_lists_hold_only_the_clients_scope(client, world, dai_tu):
    trainers = client.get("/api/v1/trainers", headers=bearer(dai_tu)).json["items"]
    names = {t["name"] for t in trainers}
    assert "Nguyễn Văn Đại" in names and "Phạm Văn Bình" not in names
    root = next(t for t in trainers if t["name"] == "Nguyễn Văn Đại")
    assert root["generation"] == 0 and root["mentor_id"] is None
    assert all(t["mentor_id"] for t in trainers if t["generation"] > 0)
    classes = client.get("/api/v1/classes", headers=bearer(dai_tu)).json["items"]
    assert "Làm video ngắn với AI" not in {c["topic"] for c in classes} and classes
    areas = client.get("/api/v1/areas?map=2024", headers=bearer(dai_tu)).json["items"]
    assert world.dai_tu.id in {a["id"] for a in areas} and world.phu_binh.id not in {a["id"] for a in areas}
    units = client.get("/api/v1/units", headers=bearer(dai_tu)).json["items"]
    assert "Hợp tác xã Chè Phú Bình" not in {u["name"] for u in units}


def test_an_unknown_map_is_a_bad_request(client, dai_tu):
    response = client.get("/api/v1/areas?map=1999", headers=bearer(dai_tu))
    assert response.status_code == 400 and response.headers["Content-Type"] == "application/problem+json"


def test_cursor_pages_walk_the_whole_list_once(client, world):
    secret = make_client(db.session.scalar(select(Area).where(Area.code == "P19", Area.parent_id.is_(None))
                                           .order_by(Area.valid_from)))[2]
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/areas?map=2024&limit=50" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, headers=bearer(secret)).json
        seen += [a["id"] for a in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages > 2 and len(seen) == len(set(seen)) == 1 + 9 + 172
    assert seen == sorted(seen)


def test_clients_of_different_scopes_each_page_their_own_list(client, world, dai_tu):
    """A list's statements are kept per scope and limit: alternating clients never see each other's rows, and a
    walk by small pages meets the same rows as one large page."""
    phu_binh = make_client(world.phu_binh)[2]
    province = make_client(db.session.scalar(select(Area).where(Area.code == "P19", Area.parent_id.is_(None))
                                             .order_by(Area.valid_from)))[2]
    for _ in range(2):
        for secret, own, other in ((dai_tu, "Nguyễn Văn Đại", "Phạm Văn Bình"),
                                   (phu_binh, "Phạm Văn Bình", "Nguyễn Văn Đại")):
            names = {t["name"] for t in client.get("/api/v1/trainers", headers=bearer(secret)).json["items"]}
            assert own in names and other not in names
    for path in ("trainers", "classes", "gaps"):
        whole = [i["id"] for i in client.get(f"/api/v1/{path}?limit=500", headers=bearer(province)).json["items"]]
        walked, cursor = [], None
        while True:
            body = client.get(f"/api/v1/{path}?limit=1" + (f"&cursor={cursor}" if cursor else ""),
                              headers=bearer(province)).json
            walked += [i["id"] for i in body["items"]]
            if (cursor := body["next_cursor"]) is None:
                break
        assert walked == whole and whole, path


def test_a_bad_cursor_or_limit_is_400(client, dai_tu):
    assert client.get("/api/v1/trainers?cursor=bm9wZQ", headers=bearer(dai_tu)).status_code == 400
    response = client.get("/api/v1/trainers?limit=501", headers=bearer(dai_tu))
    assert response.status_code == 400 and response.json["errors"][0]["field"] == "limit"


def test_etag_answers_304_until_the_data_changes(client, world, dai_tu):
    first = client.get("/api/v1/trainers", headers=bearer(dai_tu))
    tag = first.headers["ETag"]
    again = client.get("/api/v1/trainers", headers={**bearer(dai_tu), "If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == tag
    trainer = world.trainers["Nguyễn Văn Đại"]
    trainer.max_level = 4
    db.session.commit()
    changed = client.get("/api/v1/trainers", headers={**bearer(dai_tu), "If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag


def test_indicators_of_an_area(client, world, dai_tu):
    body = client.get(f"/api/v1/areas/{world.dai_tu.id}/indicators?date=2025-06-01", headers=bearer(dai_tu)).json
    assert body["map"] == "2024" and body["date"] == "2025-06-01"
    codes = {i["code"] for i in body["indicators"]}
    assert "working_age_trained_online" in codes and "communes_with_trainer" in codes


def test_certificate_verify_is_public(client, world):
    cert = db.session.scalar(select(Certificate).where(Certificate.code == "PBKT000001"))
    body = client.get(f"/api/v1/certificates/verify/{cert.code}").json
    assert body["valid"] is True and body["level"] == cert.level
    missing = client.get("/api/v1/certificates/verify/ZZZZZZZZZZ")
    assert missing.status_code == 404 and missing.json["detail_vi"]


def test_certificate_verify_shares_the_pages_limit(client, world):
    set_setting("verify_limit", 2)
    db.session.commit()
    assert client.get("/verify/PBKT000001").status_code == 200  # the verification page: one lookup
    assert client.get("/api/v1/certificates/verify/PBKT000001").status_code == 200
    limited = client.get("/api/v1/certificates/verify/PBKT000001")  # the address's budget is spent
    assert limited.status_code == 429 and limited.headers["Retry-After"]
    assert client.get("/verify/PBKT000001").status_code == 429


def test_gaps_list_the_scopes_open_gaps_with_their_messages(client, world, dai_tu):
    from app.gaps.queries import message
    from app.models import Gap
    from rollout.gaps import Finding, render_message

    params = {"trainer_name": "Nguyễn Văn Đại", "target_name": "Xã Hùng Sơn", "starts_on": "2025-03-01", "days": 40}
    rule = "assignment_idle"
    inside = Gap(rule_code=rule, subject_kind="assignment", subject_id="1", area_id=world.dai_tu.id,
                 severity="medium", params=params)
    closed = Gap(rule_code=rule, subject_kind="assignment", subject_id="2", area_id=world.dai_tu.id,
                 severity="medium", params=params, state="resolved", resolved_at=clock())
    outside = Gap(rule_code=rule, subject_kind="assignment", subject_id="3", area_id=world.phu_binh.id,
                  severity="medium", params=params)
    unknown = Gap(rule_code="a_rule_no_longer_known", subject_kind="area", subject_id="4", area_id=world.dai_tu.id,
                  severity="low", params={})
    db.session.add_all([inside, closed, outside, unknown])
    db.session.commit()
    items = client.get("/api/v1/gaps", headers=bearer(dai_tu)).json["items"]
    assert [i["id"] for i in items] == [inside.id, unknown.id]
    expected = render_message(Finding(rule, "assignment", "1", world.dai_tu.id, params))
    assert items[0]["message_vi"] == expected == message(inside) and "01/03/2025" in expected
    assert items[0]["state"] == "open" and items[0]["opened_at"] and items[1]["message_vi"] == "a_rule_no_longer_known"
