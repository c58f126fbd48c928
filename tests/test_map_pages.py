"""The map switch on the steering dashboard and area pages, and the map-change pages."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from app.areas.migration import migrate_to
from app.extensions import db
from app.models import Area, AreaRehoming, AuditEvent, TrainingClass
from app.scope import visible
from tests.conftest import post_form
from tests.factories import make_class
from tests.test_map_change import NEW, OLD, on


def _classes_total(html: str) -> list[str]:
    """The 'Lớp đã đăng ký' (app.counts.CLASSES_REGISTERED) figure of each top area on the page."""
    return re.findall(r'<span class="stat-value">([\d.]+)</span><span class="stat-label">Lớp đã đăng ký<', html)


def _four_more_classes(world) -> None:
    """Four classes of the 2024 map's communes (split or kept whole by the merger) beside the world's three."""
    trainer = world.trainers["Nguyễn Văn Đại"]
    for code in ("W05461", "W05932", "W05443", "W01957"):
        make_class(trainer, on(code, OLD), start_on=date(2025, 3, 2))


def test_steering_dashboard_switches_maps_with_equal_totals(client, login_as, world, pinned_today):
    pinned_today(date(2025, 6, 15))
    _four_more_classes(world)
    login_as("steering")
    old = client.get("/?map=2024").get_data(as_text=True)
    # before 1/7/2025 the programme is old Thái Nguyên only: old Bắc Kạn's class is not on its board
    assert "Huyện Đại Từ" in old and "Theo địa bàn (9)" in old and "Tỉnh Bắc Kạn" not in old
    assert _classes_total(old) == ["6"]
    assert "Bản đồ 2024" in client.get("/").get_data(as_text=True)  # the choice stays in the session
    new = client.get("/?map=2025").get_data(as_text=True)
    assert "Theo địa bàn (92)" in new and _classes_total(new) == ["7"]  # the merged province holds all seven
    assert "Chưa xác định xã mới" in new  # the split communes' classes, before and after the merger
    migrate_to(NEW)
    new = client.get("/?map=2025").get_data(as_text=True)
    assert "Cụm Đại Từ" in new and _classes_total(new) == ["7"]
    assert _classes_total(client.get("/?map=2024").get_data(as_text=True)) == ["6"]


def test_after_the_merger_the_old_map_shows_both_old_provinces(client, login_as, world, pinned_today):
    """From 1/7/2025 the programme is the merged province: on the 2024 map, old Thái Nguyên and old Bắc Kạn, whose
    class counts there (6 + 1: the seven classes of the merged province on the 2025 map)."""
    pinned_today(date(2025, 8, 1))
    _four_more_classes(world)
    login_as("steering")
    old = client.get("/?map=2024").get_data(as_text=True)
    assert "Tỉnh Thái Nguyên" in old and "Tỉnh Bắc Kạn" in old
    assert sorted(_classes_total(old)) == ["1", "6"]
    assert _classes_total(client.get("/?map=2025").get_data(as_text=True)) == ["7"]


def test_area_page_links_the_same_place_on_the_other_map(client, login_as, world):
    login_as("steering")
    commune = on("W05431", OLD)  # Quán Triều, kept whole
    html = client.get(f"/areas/{commune.id}").get_data(as_text=True)
    assert "trên bản đồ 2025" in html
    response = client.get(f"/areas/{commune.id}?map=2025")
    assert response.status_code == 302
    target = db.session.get(Area, int(response.headers["Location"].split("/areas/")[1].split("?")[0]))
    assert target.valid_from == NEW


def test_old_district_page_keeps_its_history_after_the_move(client, login_as, world):
    migrate_to(NEW)
    login_as("steering")
    html = client.get(f"/areas/{world.dai_tu.id}").get_data(as_text=True)
    assert "Các địa bàn trực thuộc (27)" in html and _classes_total(html) == ["1"]


def test_admin_previews_then_runs_the_move(client, login_as, world):
    login_as("admin")
    html = client.get("/areas/map-change").get_data(as_text=True)
    assert "Xem trước" in html and "Cụm Đại Từ" in html and "Lớp học (địa điểm)" in html
    assert db.session.scalar(select(func.count(Area.id)).where(Area.level == "cluster")) == 0
    response = post_form(client, "/areas/map-change", {"to": "2025-07-01"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Area.id)).where(Area.level == "cluster")) == 17
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "chạy lại không thay đổi gì" in html


def test_map_change_pages_are_hidden_from_coordinators(client, login_as, world):
    login_as("coord_daitu")
    assert client.get("/areas/map-change").status_code == 404
    assert client.get("/areas/clusters").status_code == 404


def test_steering_sees_clusters_but_not_the_move(client, login_as, world):
    login_as("steering")
    assert client.get("/areas/map-change").status_code == 404
    assert client.get("/areas/clusters").status_code == 200


def test_coordinator_places_a_split_record(client, login_as, world):
    trainer = world.trainers["Phạm Văn Bình"]
    split_class = make_class(trainer, on("W05932", OLD), topic="Lớp ở Thượng Đình")
    migrate_to(NEW)
    history = db.session.scalar(select(AreaRehoming).where(AreaRehoming.row_id == split_class.id,
                                                          AreaRehoming.table_name == "training_classes"))
    assert history.id not in set(db.session.scalars(
        select(AreaRehoming.id).where(visible(AreaRehoming, world.users["coord_daitu"]))))
    login_as("coord_phubinh")
    html = client.get("/areas/placements").get_data(as_text=True)
    assert "Lớp ở Thượng Đình" in html and "Xã Điềm Thụy" in html
    diem_thuy = on("W05941", NEW)
    response = post_form(client, "/areas/placements", {"rehoming_id": history.id, "new_area_id": diem_thuy.id})
    assert response.status_code == 302
    assert db.session.get(TrainingClass, split_class.id).venue_area_id == diem_thuy.id
    db.session.refresh(history)
    assert history.new_area_id == diem_thuy.id and history.placed_by_id == world.users["coord_phubinh"].id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "areas.place"))
    assert event.after == {"venue_area_id": diem_thuy.id}
    again = post_form(client, "/areas/placements", {"rehoming_id": history.id, "new_area_id": diem_thuy.id},
                      follow_redirects=True)
    assert "đã được xếp" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "areas.place")) == 1


def test_placing_outside_the_split_targets_is_refused(client, login_as, world):
    split_class = make_class(world.trainers["Phạm Văn Bình"], on("W05932", OLD))
    migrate_to(NEW)
    history = db.session.scalar(select(AreaRehoming).where(AreaRehoming.row_id == split_class.id,
                                                          AreaRehoming.table_name == "training_classes"))
    login_as("steering")
    post_form(client, "/areas/placements", {"rehoming_id": history.id, "new_area_id": on("W05500", NEW).id})
    assert db.session.get(TrainingClass, split_class.id).venue_area_id == on("W05932", OLD).id


def test_steering_defines_a_cluster(client, login_as, world):
    login_as("steering")
    a, b = on("W05467", NEW), on("W05443", NEW)
    response = post_form(client, "/areas/clusters/new", {"name": "Cụm Thử", "member_ids": [a.id, b.id]})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    cluster = db.session.scalar(select(Area).where(Area.name == "Cụm Thử"))
    db.session.refresh(a)
    assert cluster.level == "cluster" and a.parent_id == cluster.id and a.path == f"{cluster.path}{a.id}/"
    html = post_form(client, f"/areas/clusters/{cluster.id}", {"name": "Cụm Thử"}).get_data(as_text=True)
    assert "Hãy chọn ít nhất một xã" in html
    post_form(client, f"/areas/clusters/{cluster.id}", {"name": "Cụm Thử", "member_ids": [b.id]})
    db.session.refresh(a)
    assert a.parent_id == on("P19", NEW).id and a.path == f"{on('P19', NEW).path}{a.id}/"


def test_a_coordinator_cannot_place_another_clusters_record(client, login_as, world):
    split_class = make_class(world.trainers["Phạm Văn Bình"], on("W05932", OLD))
    migrate_to(NEW)
    history = db.session.scalar(select(AreaRehoming).where(AreaRehoming.row_id == split_class.id,
                                                          AreaRehoming.table_name == "training_classes"))
    login_as("coord_daitu")
    assert "Xã Thượng Đình" not in client.get("/areas/placements").get_data(as_text=True)
    response = post_form(client, "/areas/placements", {"rehoming_id": history.id, "new_area_id": 1})
    assert response.status_code == 404
