"""Merging and splitting units: the crosswalk, the records that follow a merge (with their moves and audit), the
placement of a split unit's records by a person, and the figures as of a day (equal totals before and after)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.errors import OperationError
from app.extensions import db
from app.models import (
    AuditEvent,
    Person,
    Trainer,
    TrainingClass,
    Unit,
    UnitCrosswalk,
    UnitMove,
    User,
    activity_lead_units,
)
from app.targets.indicators import measure_units, trained_by_unit, unit_totals
from app.units import changes
from app.units.history import headcounts_on, paths_on
from tests.conftest import csrf_from, post_form
from tests.factories import enrol, make_class, make_person, make_trainer, make_unit, make_user

MERGER = date(2025, 3, 1)
BEFORE, AFTER, TODAY = date(2025, 2, 20), date(2025, 3, 20), date(2025, 6, 1)
KINDS = ("agency",)


@pytest.fixture
def departments(world):
    """Two departments with staff who took a class, a sub-unit, a coordinator and a plan activity each."""
    info = make_unit("Sở Thông tin và Truyền thông", world.dai_tu, headcount=60)
    science = make_unit("Sở Khoa học và Công nghệ", world.dai_tu, headcount=40)
    centre = make_unit("Trung tâm Công nghệ thông tin", world.dai_tu, kind="agency", parent=info, headcount=10)
    trainer = make_trainer(world.dai_tu, unit=info, certified_on=date(2025, 1, 5))
    course = make_class(trainer, world.dai_tu, unit=info, start_on=date(2025, 1, 6), end_on=date(2025, 1, 30))
    for unit, n in ((info, 3), (science, 2)):
        for _ in range(n):
            enrol(course, make_person(area_obj=world.dai_tu, unit=unit))
    make_user("coord_info", "coordinator", unit=info)
    db.session.flush()
    return info, science, centre


def _steering():
    return db.session.scalar(select(User).where(User.username == "steering"))


def _t3(day: date) -> dict[int, int]:
    return trained_by_unit(day)


def test_a_merge_into_a_new_unit_moves_every_record_closes_the_sources_and_keeps_totals(departments):
    info, science, centre = departments
    trained_before = _t3(TODAY)
    assert trained_before[info.id] == 3 and trained_before[science.id] == 2
    successor, moved = changes.merge_units(
        _steering(), [info.id, science.id], None, "Sở Khoa học và Công nghệ (mới)", MERGER, "QĐ 393/QĐ-UBND", TODAY)
    assert (info.valid_to, science.valid_to) == (date(2025, 2, 28), date(2025, 2, 28))
    assert successor.valid_from == MERGER and successor.headcount == 100
    assert moved["person"] == 6 and moved["trainer"] == 1 and moved["class"] == 1 and moved["user"] == 1
    assert moved["unit"] == 1 and db.session.get(Unit, centre.id).path == f"{successor.path}{centre.id}/"
    assert db.session.scalar(select(func.count(Person.id)).where(Person.unit_id == successor.id)) == 6
    assert db.session.scalar(select(User.scope_unit_id).where(User.username == "coord_info")) == successor.id
    links = db.session.scalars(select(UnitCrosswalk).order_by(UnitCrosswalk.from_unit_id)).all()
    assert [(x.from_unit_id, x.to_unit_id, x.kind, x.decision) for x in links] == [
        (info.id, successor.id, "merge", "QĐ 393/QĐ-UBND"), (science.id, successor.id, "merge", "QĐ 393/QĐ-UBND")]
    assert db.session.scalar(select(func.count(UnitMove.id))) == 6 + 1 + 1 + 1 + 1
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"unit.merge", "user.scope", "unit.create"} <= actions
    # figures: after the merge on the successor, before it on the sources; the same totals either way
    after, before = _t3(TODAY), _t3(BEFORE)
    assert after.get(successor.id) == 5 and info.id not in after
    assert before == trained_before
    assert sum(after.values()) == sum(before.values())
    heads_after, heads_before = headcounts_on(AFTER, KINDS), headcounts_on(BEFORE, KINDS)
    assert successor.id in heads_after and info.id not in heads_after and successor.id not in heads_before
    assert sum(heads_after.values()) == sum(heads_before.values())
    assert paths_on(BEFORE)[centre.id] == f"/{info.id}/{centre.id}/"


def test_a_merge_into_an_existing_unit_adds_the_headcount_and_reads_it_back_for_an_earlier_day(departments):
    info, science, _centre = departments
    changes.merge_units(_steering(), [info.id], science.id, None, MERGER, "QĐ 393/QĐ-UBND", TODAY)
    assert science.headcount == 100 and info.valid_to == date(2025, 2, 28)
    assert headcounts_on(BEFORE, KINDS)[science.id] == 40 and headcounts_on(BEFORE, KINDS)[info.id] == 60
    assert headcounts_on(AFTER, KINDS)[science.id] == 100
    units = measure_units(AFTER, 1)["civil_servants_trained"]
    earlier = measure_units(BEFORE, 1)["civil_servants_trained"]
    assert units.numerators[science.id] == 5 and earlier.numerators[science.id] == 2
    assert sum(units.numerators.values()) == sum(earlier.numerators.values())
    assert sum(units.denominators.values()) == sum(earlier.denominators.values())
    totals = unit_totals(units, paths_on(AFTER))
    assert totals[science.id] == (5, 100 + 10)  # the centre moved under it with the merge


def test_plan_activities_led_by_a_source_follow_the_merge(departments, world):
    from app.models import Activity

    info, science, _centre = departments
    activity = db.session.scalar(select(Activity).limit(1))
    assert activity is not None, "the test world's plan has activities"
    db.session.execute(activity_lead_units.insert(), [{"activity_id": activity.id, "unit_id": info.id}])
    changes.merge_units(_steering(), [info.id], science.id, None, MERGER, "QĐ 1", TODAY)
    assert db.session.scalars(select(activity_lead_units.c.unit_id).where(
        activity_lead_units.c.activity_id == activity.id)).all() == [science.id]


@pytest.mark.parametrize("day, message", [(date(2025, 7, 1), "sau hôm nay"), (None, "ngày có hiệu lực")])
def test_a_merge_on_a_day_not_yet_come_or_without_a_day_is_refused(departments, day, message):
    info, science, _ = departments
    with pytest.raises(OperationError, match=message):
        changes.merge_units(_steering(), [info.id], science.id, None, day, "QĐ 1", TODAY)
    assert info.valid_to is None


def test_a_unit_cannot_merge_into_one_of_its_own_sub_units(departments):
    info, _science, centre = departments
    with pytest.raises(OperationError, match="trực thuộc") as refused:
        changes.merge_units(_steering(), [info.id], centre.id, None, MERGER, "QĐ 1", TODAY)
    assert refused.value.field == "successor_id" and info.valid_to is None


def test_a_coordinator_merges_only_units_they_manage(departments, world):
    info, science, centre = departments
    coordinator = db.session.scalar(select(User).where(User.username == "coord_info"))
    with pytest.raises(OperationError, match="ngoài phạm vi") as refused:
        changes.merge_units(coordinator, [centre.id], science.id, None, MERGER, "QĐ 1", TODAY)
    assert refused.value.field == "successor_id"
    with pytest.raises(OperationError, match="Căn cứ"):
        changes.merge_units(_steering(), [info.id], science.id, None, MERGER, "  ", TODAY)


def test_a_split_moves_nothing_until_a_person_places_each_record(departments):
    info, science, _centre = departments
    before = _t3(TODAY)
    made = changes.split_unit(_steering(), info.id, [science.id], ["Sở Văn hoá (mới)"], MERGER, "QĐ 2", TODAY)
    new = made[1]
    assert info.valid_to == date(2025, 2, 28) and new.valid_from == MERGER and new.kind == info.kind
    waiting = {p.entity: p.count for p in changes.pending(info.id)}
    assert waiting["person"] == 4 and waiting["trainer"] == 1 and waiting["unit"] == 1 and waiting["user"] == 1
    assert _t3(TODAY) == before
    staff = [i for i, _ in changes.records_on("person", info.id)]
    stranger = make_person(unit=science)
    with pytest.raises(OperationError, match="không thuộc đơn vị"):
        changes.place(_steering(), info, "person", [staff[0], stranger.id], new.id)
    with pytest.raises(OperationError, match="đơn vị sau khi tách"):
        changes.place(_steering(), info, "person", staff[:1], stranger.unit_id + 999)
    assert changes.place(_steering(), info, "person", staff[:2], new.id) == 2
    assert changes.place(_steering(), info, "person", staff[2:], science.id) == 2
    after = _t3(TODAY)
    assert after.get(new.id, 0) + after[science.id] == 3 + 2 and info.id not in after
    assert sum(after.values()) == sum(before.values())
    assert _t3(BEFORE) == before  # as of a day before the split: the placed learners count on the old unit
    assert {p.entity: p.count for p in changes.pending(info.id)}["person"] == 0


def test_the_merge_page_merges_two_units_with_a_real_form(client, login_as, departments):
    info, science, _centre = departments
    login_as("steering")
    page = client.get("/units/merge")
    assert page.status_code == 200 and "Gộp đơn vị" in page.get_data(as_text=True)
    response = post_form(client, "/units/merge", {
        "source_ids": [str(info.id), str(science.id)], "successor_id": "0", "new_name": "Sở KH&CN (sau hợp nhất)",
        "effective": "2025-03-01", "decision": "QĐ 393/QĐ-UBND"})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    successor = db.session.scalar(select(Unit).where(Unit.name == "Sở KH&CN (sau hợp nhất)"))
    assert successor is not None and db.session.get(Unit, info.id).valid_to == date(2025, 2, 28)
    shown = client.get(f"/units/{info.id}").get_data(as_text=True)
    assert "Gộp vào" in shown and "Sở KH&amp;CN (sau hợp nhất)" in shown


def test_the_merge_page_names_the_field_at_fault_and_writes_nothing(client, login_as, departments):
    info, _science, _ = departments
    login_as("steering")
    response = post_form(client, "/units/merge", {"source_ids": [str(info.id)], "successor_id": "0", "new_name": "",
                                                  "effective": "2025-03-01", "decision": "QĐ 1"})
    assert response.status_code == 200
    assert "nhập tên đơn vị mới" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(UnitCrosswalk.id))) == 0


def test_the_split_and_placement_pages(client, login_as, departments):
    info, science, _ = departments
    login_as("steering")
    response = post_form(client, f"/units/{info.id}/split", {
        "successor_ids": [str(science.id)], "new_names": "Sở Văn hoá (mới)", "effective": "2025-03-01",
        "decision": "QĐ 2"})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    assert response.headers["Location"].endswith(f"/units/{info.id}/placement")
    page = client.get(f"/units/{info.id}/placement")
    text = page.get_data(as_text=True)
    assert "Xếp hồ sơ sau khi tách" in text and "Học viên, người học (4)" in text
    staff = [i for i, _ in changes.records_on("person", info.id)]
    token = csrf_from(text)
    response = client.post(f"/units/{info.id}/placement", data={
        "csrf_token": token, "entity": "person", "record_ids": [str(i) for i in staff], "to_unit_id": str(science.id)})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Person.id)).where(Person.unit_id == science.id)) == 2 + 4
    # another unit's record submitted to this page is refused, nothing moves
    other = make_person(unit=science)
    trainer_ids = [i for i, _ in changes.records_on("trainer", info.id)]
    response = client.post(f"/units/{info.id}/placement", data={
        "csrf_token": token, "entity": "trainer", "record_ids": [str(trainer_ids[0]), str(other.id + 10_000)],
        "to_unit_id": str(science.id)})
    assert response.status_code == 200 and "không thuộc đơn vị này" in response.get_data(as_text=True)
    assert db.session.scalar(select(Trainer.unit_id).where(Trainer.id == trainer_ids[0])) == info.id


def test_a_class_host_unit_follows_a_merge(departments):
    info, science, _ = departments
    course = db.session.scalar(select(TrainingClass).where(TrainingClass.host_unit_id == info.id))
    changes.merge_units(_steering(), [info.id], science.id, None, MERGER, "QĐ 1", TODAY)
    db.session.refresh(course)
    assert course.host_unit_id == science.id
