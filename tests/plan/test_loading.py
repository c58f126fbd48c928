"""Loading plans: KH 137 exactly as the file states it, idempotent reloads, what a reload keeps, refusals."""

from __future__ import annotations

import json
from datetime import date

import pytest
import yaml
from sqlalchemy import func, select

from app.errors import OperationError
from app.extensions import db
from app.models import Activity, ActivityDependency, AuditEvent, Phase, Plan, activity_lead_units
from app.plan.loading import store_plan
from app.plan.operations import update_progress
from rollout.plan import load_plan, load_plan_file
from tests.plan.conftest import KH137


def _rows(plan: Plan):
    phases = db.session.execute(select(Phase.number, Phase.name, Phase.start_on, Phase.end_on)
                                .where(Phase.plan_id == plan.id).order_by(Phase.number)).all()
    acts = db.session.execute(select(Activity.number, Activity.title, Activity.lead_units, Activity.coordinating_units,
                                     Activity.start_on, Activity.end_on, Activity.quantities, Activity.status)
                              .where(Activity.plan_id == plan.id).order_by(Activity.number)).all()
    deps = db.session.execute(select(ActivityDependency.predecessor_id, ActivityDependency.successor_id,
                                     ActivityDependency.lag_days).where(ActivityDependency.plan_id == plan.id)
                              .order_by(ActivityDependency.predecessor_id, ActivityDependency.successor_id)).all()
    return phases, acts, deps


def test_kh137_is_stored_exactly_as_the_plan_states_it(kh137, activities):
    source = load_plan_file(KH137)
    assert (kh137.number, kh137.issued_on, kh137.issuer) == ("137/KH-UBND", date(2024, 12, 13), "UBND tỉnh Thái Nguyên")
    assert (kh137.period_start, kh137.period_end) == (date(2024, 11, 1), date(2025, 12, 31))
    phases, acts, deps = _rows(kh137)
    assert [(p.number, p.name) for p in phases] == [(1, "Chuẩn bị"), (2, "Đào tạo nòng cốt"), (3, "Lan tỏa")]
    assert len(acts) == 10
    for stored, stated in zip(acts, source.activities, strict=True):
        assert stored.title == stated.title
        assert stored.lead_units == list(stated.lead_units)
        assert stored.coordinating_units == list(stated.coordinating_units)
        assert (stored.start_on, stored.end_on) == (stated.window.start, stated.window.end)
        assert stored.quantities == dict(stated.quantities)
        assert stored.status == "not_started"
    assert activities[1].quantity_text == "300 học viên"
    assert activities[3].quantity_text == "9 lớp × 300 học viên/lớp"
    number = {a.id: a.number for a in activities.values()}
    assert sorted((number[p], number[s], lag) for p, s, lag in deps) == sorted(
        (d.predecessor, d.successor, d.lag_days) for d in source.dependencies)
    assert len(deps) == 9


def test_lead_units_named_in_the_plan_are_linked_to_organisations(kh137, activities, lead_unit):
    linked = set(db.session.execute(select(activity_lead_units.c.activity_id, activity_lead_units.c.unit_id)).all())
    led = {n for n, a in activities.items() if (a.id, lead_unit.id) in linked}
    assert led == {1, 6, 8, 10}  # "Sở Lao động - TBXH" read as "Sở Lao động - Thương binh và Xã hội"


def test_reloading_the_same_file_changes_nothing(kh137):
    before = _rows(kh137)
    audits = db.session.scalar(select(func.count(AuditEvent.id)))
    result = store_plan(load_plan_file(KH137), source="kh137.yaml")
    assert not result.created and not result.changed and result.plan.id == kh137.id
    assert _rows(kh137) == before
    assert db.session.scalar(select(func.count(AuditEvent.id))) == audits
    assert db.session.scalar(select(func.count(Plan.id)).where(Plan.number == "137/KH-UBND")) == 1


def test_a_reload_keeps_progress_and_applies_the_file(kh137, activities):
    update_progress(activities[1], {"status": "done", "progress": 0, "started_on": date(2024, 12, 2),
                                    "finished_on": date(2024, 12, 30)}, None, date(2025, 1, 5))
    data = yaml.safe_load(KH137.read_text(encoding="utf-8"))
    data["activities"][0]["title"] = "Hội nghị triển khai (đã sửa)"
    data["activities"][5]["depends_on"] = []  # activity 6 no longer waits for activity 1
    result = store_plan(load_plan(data))
    assert result.counts["activities_changed"] == 1 and result.counts["dependencies_removed"] == 1
    db.session.refresh(activities[1])
    assert activities[1].title == "Hội nghị triển khai (đã sửa)"
    assert (activities[1].status, activities[1].finished_on) == ("done", date(2024, 12, 30))


def test_removing_an_activity_that_has_progress_is_refused(kh137, activities):
    update_progress(activities[10], {"status": "in_progress", "progress": 10, "started_on": date(2025, 12, 1)},
                    None, date(2025, 12, 5))
    data = yaml.safe_load(KH137.read_text(encoding="utf-8"))
    data["activities"] = data["activities"][:9]
    with pytest.raises(OperationError, match="Hoạt động 10"):
        store_plan(load_plan(data))


def test_a_cycle_in_the_file_is_refused_before_anything_is_written(lead_unit):
    data = yaml.safe_load(KH137.read_text(encoding="utf-8"))
    data["activities"][0]["depends_on"] = [{"activity": 10, "lag_days": 0}]
    with pytest.raises(OperationError, match="vòng lặp"):
        store_plan(load_plan(data))
    assert db.session.scalar(select(func.count(Plan.id)).where(Plan.number == "137/KH-UBND")) == 0


def test_an_unknown_area_is_refused():
    data = yaml.safe_load(KH137.read_text(encoding="utf-8"))
    data["area_code"] = "P99"
    with pytest.raises(OperationError, match="P99"):
        store_plan(load_plan(data))


def _docs_example() -> dict:
    from app import ROOT

    text = (ROOT / "docs" / "plan-format.md").read_text(encoding="utf-8")
    block = text.split("## Small example", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    data = yaml.safe_load(block)
    data["area_code"] = "D171"  # the example's province P99 is not on the test map
    return data


def test_cli_loads_a_json_plan_twice_idempotently(app, tmp_path):
    data = _docs_example()
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, default=str, ensure_ascii=False), encoding="utf-8")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["plan", "load", str(path)])
    assert first.exit_code == 0, first.output
    assert "tạo mới" in first.output and "hoạt động 2 mới" in first.output
    second = runner.invoke(args=["plan", "load", str(path)])
    assert second.exit_code == 0 and "không có gì thay đổi" in second.output
    assert db.session.scalar(select(func.count(Plan.id)).where(Plan.number == data["number"])) == 1


def test_cli_names_the_wrong_field_in_vietnamese(app, tmp_path):
    data = _docs_example()
    data["activities"][1]["window"] = {"start": "2025-11-30", "end": "2025-04-01"}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["plan", "load", str(path)])
    assert result.exit_code != 0
    assert "activities[1].window.end" in result.output and "sớm hơn ngày bắt đầu" in result.output
    assert db.session.scalar(select(func.count(Plan.id)).where(Plan.number == data["number"])) == 0
