"""Network operations keep lineage and counters exact; the recompute finds nothing to repair after them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.errors import MESSAGES, OperationError
from app.extensions import db
from app.models import Area, AuditEvent, Enrollment, NetworkRollup, NetworkSnapshot, Trainer, TrainerStats
from app.network import operations
from app.network.recompute import load, recompute_all
from network import ERROR_CODES, dormant_trainers, reproduction_number
from tests.factories import area, enrol, make_class, make_person

TODAY = date(2025, 6, 1)


def test_every_network_error_code_has_a_vietnamese_message():
    assert set(ERROR_CODES) <= set(MESSAGES)
    for code in ERROR_CODES:
        assert any(ch in MESSAGES[code] for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


def _register(name: str, mentor: Trainer | None, commune, level: int = 2, tier: str = "local") -> Trainer:
    person = make_person(name, commune)
    return operations.add_trainer(None, person, mentor_id=mentor.id if mentor else None, tier=tier,
                                  max_level=level, area_id=commune.id, certified_on=date(2025, 4, 1))


def test_inserts_promotions_and_moves_end_equal_to_the_recompute(world):
    first = recompute_all(TODAY)
    assert first["lineage_differences"] == 0
    commune = area("D171")
    root = world.trainers["Nguyễn Văn Đại"]
    other_root = world.trainers["Phạm Văn Bình"]
    a = _register("Gốc Mới", None, commune, level=5, tier="province")
    b = _register("Con Một", a, commune)
    c = _register("Cháu Một", b, commune)
    d = _register("Chắt Một", c, commune, level=1)
    e = _register("Con Hai", root, commune)
    klass = make_class(c, commune, level=1, start_on=date(2025, 4, 10), end_on=date(2025, 5, 1))
    learner = make_person("Học Viên Xuất Sắc", commune)
    enrolment = enrol(klass, learner)
    promoted = operations.promote(None, enrolment.id, certified_on=TODAY)
    assert promoted.mentor_id == c.id and promoted.origin_class_id == klass.id and promoted.generation == 3
    # the class above changed own counters: the recompute must see it once, then stay quiet
    mid = recompute_all(TODAY)
    assert mid["lineage_differences"] == 0
    assert operations.move_trainer(None, b, e.id, "nhập nhầm người hướng dẫn") == 4
    assert operations.move_trainer(None, c, other_root.id) == 3
    assert operations.move_trainer(None, b, a.id) == 1
    db.session.refresh(d)
    assert d.path == f"{other_root.path}{c.id}/{d.id}/" and d.generation == 2
    summary = recompute_all(TODAY, repair=False)
    assert summary["lineage_differences"] == 0, summary["examples"]
    assert summary["counter_differences"] == 0, summary["examples"]
    stats = db.session.get(TrainerStats, other_root.id)
    assert stats.subtree_size == db.session.scalar(
        select(func.count(Trainer.id)).where(Trainer.path.like(other_root.path + "%")))
    moves = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "trainer.move").order_by(AuditEvent.id)).all()
    assert len(moves) == 3 and moves[0].after["reason"] == "nhập nhầm người hướng dẫn"


def test_recompute_reports_and_repairs_drift(world):
    recompute_all(TODAY)
    child = world.trainers["Trần Thị Từ"]
    child.path, child.generation = "/999/", 7
    db.session.get(TrainerStats, world.trainers["Nguyễn Văn Đại"].id).subtree_size = 40
    db.session.flush()
    dry = recompute_all(TODAY, repair=False)
    assert dry["lineage_differences"] == 1 and dry["counter_differences"] == 1
    assert any(f"#{child.id}" in line for line in dry["examples"])
    recompute_all(TODAY)
    db.session.refresh(child)
    assert child.path == f"{world.trainers['Nguyễn Văn Đại'].path}{child.id}/" and child.generation == 1
    assert recompute_all(TODAY, repair=False)["counter_differences"] == 0


def test_rollups_and_snapshot_follow_the_package_rules(world):
    summary = recompute_all(TODAY)
    data = load(TODAY)
    snap = db.session.scalar(select(NetworkSnapshot).where(NetworkSnapshot.taken_on == TODAY))
    assert snap.trainers == summary["trainers"] == len(data.trainers)
    assert snap.reproduction == reproduction_number(data.trainers, data.classes, as_of=TODAY)
    assert snap.dormant_trainers == len(dormant_trainers(data.trainers, data.classes, today=TODAY))
    district = db.session.scalar(select(NetworkRollup).where(NetworkRollup.kind == "area",
                                                             NetworkRollup.key_id == world.dai_tu.id))
    in_district = db.session.scalar(select(func.count(Trainer.id)).where(
        Trainer.area_id.in_(select(Area.id).where(Area.path.startswith(world.dai_tu.path)))))
    assert district.trainers == in_district and sum(district.by_generation.values()) == in_district
    again = recompute_all(TODAY)
    assert again["lineage_differences"] == again["counter_differences"] == 0
    assert db.session.scalar(select(func.count(NetworkSnapshot.id))) == 1


def test_promotion_needs_a_completed_enrolment(world):
    klass = world.classes["Soạn thảo văn bản với AI"]
    enrolment = enrol(klass, make_person("Chưa Xong", area("D171")), completed=False)
    with pytest.raises(OperationError) as caught:
        operations.promote(None, enrolment.id, certified_on=TODAY)
    assert caught.value.code == "not_completed"
    assert db.session.scalar(select(Enrollment.status).where(Enrollment.id == enrolment.id)) == "enrolled"
