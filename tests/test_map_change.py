"""The 2025 merger with the real crosswalk: every old commune lands, splits wait for a coordinator,
totals are equal on both maps, a second run changes nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from app.areas.crosswalk import load_crosswalk
from app.areas.graph import AreaGraph
from app.areas.maps import count_on_map, rollup
from app.areas.migration import migrate_to, preview
from app.extensions import db
from app.models import Area, AreaCrosswalk, AreaRehoming, AuditEvent, TrainingClass, User
from tests.factories import CROSSWALK_2025, make_class, make_trainer

OLD, NEW = date(2024, 12, 1), date(2025, 7, 1)
SPLIT = {"W05461", "W05467", "W05932"}  # Gia Sàng, Cam Giá, Thượng Đình


def on(code: str, day: date) -> Area:
    return db.session.scalar(select(Area).where(Area.code == code, Area.valid_from == day))


def old_communes() -> list[Area]:
    return list(db.session.scalars(
        select(Area).where(Area.valid_from == OLD, Area.level == "commune").order_by(Area.code)
    ))


def class_per_old_commune(world) -> dict[str, TrainingClass]:
    """One class in each of the 280 old communes (172 old Thái Nguyên + 108 old Bắc Kạn), held in 2025-03."""
    trainer = world.trainers["Nguyễn Văn Đại"]
    return {c.code: make_class(trainer, c, topic=f"Lớp {c.code}") for c in old_communes()}


def totals(day: date) -> Counter:
    graph = AreaGraph.load()
    counts = count_on_map("training_classes.venue_area_id", day, graph=graph)
    return Counter({root: rollup(counts, root, graph).total for root in graph.roots_on(day)}) + Counter(
        {"outside": counts.get(None, 0)}
    )


def test_the_crosswalk_covers_every_old_commune(world):
    links = db.session.execute(
        select(AreaCrosswalk.old_area_id, AreaCrosswalk.is_split)
        .join(Area, Area.id == AreaCrosswalk.old_area_id).where(Area.level == "commune")
    ).all()
    assert len(links) == 283
    assert {old for old, _ in links} == {a.id for a in old_communes()}
    by_province = Counter(a.path.split("/")[1] for a in old_communes())
    assert sorted(by_province.values()) == [108, 172]
    result = load_crosswalk(CROSSWALK_2025, OLD, NEW)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 283)


def test_all_old_communes_land_and_the_three_splits_wait(world):
    classes = class_per_old_commune(world)
    result = migrate_to(NEW)
    new_ids = set(db.session.scalars(select(Area.id).where(Area.valid_from == NEW)))
    waiting = {code for code, c in classes.items() if db.session.get(TrainingClass, c.id).venue_area_id not in new_ids}
    assert waiting == SPLIT
    assert len(classes) == 280
    pending = [r for r in result.pending if r.key == "training_classes.venue_area_id"]
    assert {r.title for r in pending} == {f"Lớp {code}" for code in SPLIT}
    assert {r.old_area for r in pending} == {"Phường Gia Sàng", "Phường Cam Giá", "Xã Thượng Đình"}
    assert all(len(r.targets) == 2 for r in pending)
    # an old commune marked split but kept whole inside the province moves without asking
    assert db.session.get(TrainingClass, classes["W05719"].id).venue_area_id == on("W05719", NEW).id


def test_totals_are_equal_on_both_maps_before_and_after(world):
    class_per_old_commune(world)
    before_old, before_new = totals(OLD), totals(NEW)
    assert sum(before_old.values()) == sum(before_new.values())
    assert before_new[on("P19", NEW).id] == before_old[on("P19", OLD).id] + before_old[on("P06", OLD).id]
    migrate_to(NEW)
    assert totals(OLD) == before_old and totals(NEW) == before_new
    # the old districts keep their history after the move
    graph = AreaGraph.load()
    counts = count_on_map("training_classes.venue_area_id", OLD, graph=graph)
    dai_tu = rollup(counts, world.dai_tu.id, graph)
    assert dai_tu.total == 27 + 1 and dai_tu.at_area == 0


def test_split_communes_count_once_on_the_unplaced_line(world):
    trainer = world.trainers["Nguyễn Văn Đại"]
    make_class(trainer, on("W05461", OLD))  # Gia Sàng → Phan Đình Phùng / Gia Sàng
    migrate_to(NEW)
    graph = AreaGraph.load()
    counts = count_on_map("training_classes.venue_area_id", NEW, graph=graph)
    holder = graph.common_ancestor([on("W05443", NEW).id, on("W05467", NEW).id])
    assert rollup(counts, holder, graph).at_area == 1
    assert counts[on("W05443", NEW).id] == 0 and counts[on("W05467", NEW).id] == 0


def test_a_second_run_changes_nothing(world):
    class_per_old_commune(world)
    first = migrate_to(NEW)
    assert first.changed and sum(first.moved.values()) > 277
    history = db.session.scalar(select(func.count(AreaRehoming.id)))
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    paths = dict(db.session.execute(select(Area.id, Area.path)).all())
    second = migrate_to(NEW)
    assert not second.changed
    assert db.session.scalar(select(func.count(AreaRehoming.id))) == history
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events
    assert dict(db.session.execute(select(Area.id, Area.path)).all()) == paths


def test_one_audit_event_per_run_with_counts(world):
    class_per_old_commune(world)
    migrate_to(NEW)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "areas.migrate"))
    assert event.after["moved"]["training_classes.venue_area_id"] == 277 + 3  # + the world's own three classes
    assert event.after["listed"]["training_classes.venue_area_id"] == 3
    assert len(event.after["clusters"]) == 17


def test_districts_become_clusters_and_coordinators_follow(world):
    result = migrate_to(NEW)
    assert len(result.clusters) == 17
    assert {name for name, _ in result.ties} == {"Xã Phong Quang", "Xã Đại Phúc"}
    coordinator = db.session.scalar(select(User).where(User.username == "coord_daitu"))
    cluster = db.session.get(Area, coordinator.scope_area_id)
    assert (cluster.code, cluster.level, cluster.name) == ("CUM-D171", "cluster", "Cụm Đại Từ")
    members = list(db.session.scalars(select(Area).where(Area.parent_id == cluster.id)))
    assert members and all(m.path.startswith(cluster.path) and m.valid_from == NEW for m in members)
    top = on("P19", NEW)
    assert cluster.parent_id == top.id and cluster.path == f"{top.path}{cluster.id}/"


def test_preview_changes_nothing(world):
    class_per_old_commune(world)
    before = db.session.scalar(select(func.count(AreaRehoming.id)))
    result = preview(NEW)
    assert result.moved["training_classes.venue_area_id"] == 280 and len(result.clusters) == 17
    assert db.session.scalar(select(func.count(AreaRehoming.id))) == before
    assert db.session.scalar(select(func.count(Area.id)).where(Area.level == "cluster")) == 0


def test_migrate_refuses_a_map_that_is_not_loaded(world):
    from app.errors import OperationError

    with pytest.raises(OperationError, match="Chưa nạp bản đồ"):
        migrate_to(date(2030, 1, 1))


def test_cli_migrate_twice(app, world):
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["areas", "migrate", "--to", "2025-07-01", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Xem trước" in dry.output and "Cụm xã mới: 17" in dry.output
    assert db.session.scalar(select(func.count(Area.id)).where(Area.level == "cluster")) == 0


def test_cli_loads_the_crosswalk_again_without_duplicates(app, world):
    result = app.test_cli_runner().invoke(args=["areas", "crosswalk", str(CROSSWALK_2025)])
    assert result.exit_code == 0, result.output
    assert "280 xã cũ; 0 mới, 0 cập nhật, 283 không đổi" in result.output


def test_trainer_in_a_split_commune_is_listed_too(world):
    trainer = make_trainer(on("W05932", OLD), mentor=world.trainers["Nguyễn Văn Đại"], name="Vũ Thị Chia")
    result = migrate_to(NEW)
    rows = [r for r in result.pending if r.key == "trainers.area_id"]
    assert [r.title for r in rows] == ["Vũ Thị Chia"]
    assert {name for _, name in rows[0].targets} == {"Xã Phú Bình", "Xã Điềm Thụy"}
    assert db.session.get(type(trainer), trainer.id).area_id == on("W05932", OLD).id
