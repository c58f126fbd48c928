"""Each gap rule fires on a small literal snapshot, and stays silent once the condition is fixed."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from rollout.errors import GapRuleError
from rollout.gaps import (
    SCOPES,
    SEVERITIES,
    ActivityRow,
    AreaRow,
    ClassRow,
    DistrictPlanRow,
    DuplicatePersonsRow,
    Finding,
    GapInputs,
    GapSettings,
    IndicatorRow,
    ReproductionRow,
    SubtreeActivityRow,
    TrainerRow,
    UnitRow,
    evaluate,
    get_rule,
    render_message,
    rule,
    rules,
)

D = dt.date
TODAY = D(2025, 6, 1)
PROVINCE = AreaRow("P19", "Tỉnh Thái Nguyên", "province")
DISTRICT = AreaRow("D164", "Thành phố Thái Nguyên", "district", "P19", valid_to=D(2025, 6, 30))
COMMUNE_A = AreaRow("W1", "Phường Quán Triều", "commune", "D164")
COMMUNE_B = AreaRow("W2", "Xã Phúc Xuân", "commune", "D164", ethnic_minority_residents=1200)
OLD_COMMUNE = AreaRow("W9", "Xã Cũ", "commune", "D164", valid_to=D(2025, 3, 31))
AREAS = (PROVINCE, DISTRICT, COMMUNE_A, COMMUNE_B, OLD_COMMUNE)


def snapshot(**changes) -> GapInputs:
    return dataclasses.replace(GapInputs(today=TODAY, areas=AREAS), **changes)


def keys(inputs: GapInputs, code: str) -> list:
    findings = evaluate(inputs, {code})
    for f in findings:
        assert f.rule_code == code
        assert render_message(f)  # every param the template needs is there
    return [f.subject_id for f in findings]


def test_registry_is_well_formed():
    codes = [r.code for r in rules()]
    assert len(codes) == len(set(codes)) >= 16
    for r in rules():
        assert r.severity in SEVERITIES and r.scope in SCOPES
        assert r.message and r.why
    assert get_rule("commune_without_trainer").scope == "commune"
    with pytest.raises(GapRuleError) as err:
        rule("commune_without_trainer", severity="high", scope="commune", message="x", why="y")
    assert err.value.code == "gap_rule"
    with pytest.raises(GapRuleError):
        rule("new_rule", severity="urgent", scope="commune", message="x", why="y")


def test_commune_without_trainer():
    trainer = TrainerRow("t1", "Nguyễn Văn An", area_id="W1")
    assert keys(snapshot(trainers=[trainer]), "commune_without_trainer") == ["W2"]  # W9 is gone by today
    inactive = dataclasses.replace(trainer, area_id="W2", active=False)
    assert keys(snapshot(trainers=[trainer, inactive]), "commune_without_trainer") == ["W2"]
    assert keys(snapshot(trainers=[trainer, dataclasses.replace(inactive, active=True)]),
                "commune_without_trainer") == []


def test_unit_without_core_group():
    units = [UnitRow("u1", "Sở Nội vụ", "agency", "W1"),
             UnitRow("u2", "Hộ ông Bình", "household_business", "W1", needs_core_group=False)]
    one = [TrainerRow("t1", "An", unit_id="u1")]
    assert keys(snapshot(units=units, trainers=one), "unit_without_core_group") == ["u1"]
    two = [*one, TrainerRow("t2", "Bình", unit_id="u1")]
    assert keys(snapshot(units=units, trainers=two), "unit_without_core_group") == []


def test_district_without_plan_and_the_map_change():
    assert keys(snapshot(), "district_without_plan") == ["D164"]
    issued = [DistrictPlanRow("D164", D(2025, 1, 10))]
    assert keys(snapshot(district_plans=issued), "district_without_plan") == []
    assert keys(snapshot(district_plans=[DistrictPlanRow("D164")]), "district_without_plan") == ["D164"]
    not_due = GapSettings(district_plan_due=D(2025, 6, 15))
    assert keys(snapshot(settings=not_due), "district_without_plan") == []
    assert keys(snapshot(today=D(2025, 7, 1)), "district_without_plan") == []  # no districts any more


def test_trainer_few_classes_and_overloaded():
    fresh = TrainerRow("t1", "An", area_id="W1", certified_on=D(2025, 5, 1))
    old = TrainerRow("t2", "Bình", area_id="W1", certified_on=D(2025, 1, 1))
    classes = [ClassRow("c1", "t2", status="completed", learners=20),
               ClassRow("c2", "t2", status="cancelled")]
    assert keys(snapshot(trainers=[fresh, old], classes=classes), "trainer_few_classes") == ["t2"]
    classes.append(ClassRow("c3", "t2", status="running"))
    assert keys(snapshot(trainers=[fresh, old], classes=classes), "trainer_few_classes") == []
    busy = [ClassRow(f"r{i}", "t1", status="running") for i in range(4)]
    assert keys(snapshot(trainers=[fresh, old], classes=busy), "trainer_overloaded") == ["t1"]
    assert keys(snapshot(trainers=[fresh, old], classes=busy[:3]), "trainer_overloaded") == []


def test_cascade_stalled_reports_the_top_of_a_branch():
    trainers = [TrainerRow("root", "Gốc", area_id="W1", certified_on=D(2024, 12, 1)),
                TrainerRow("child", "Con", area_id="W1", mentor_id="root", certified_on=D(2025, 1, 15)),
                TrainerRow("other", "Khác", area_id="W2", certified_on=D(2024, 12, 1))]
    rows = [SubtreeActivityRow("root", D(2025, 3, 1)), SubtreeActivityRow("child", D(2025, 2, 1)),
            SubtreeActivityRow("other", D(2025, 5, 20))]
    found = evaluate(snapshot(trainers=trainers, subtree_activity=rows), {"cascade_stalled"})
    assert [f.subject_id for f in found] == ["root"]
    assert found[0].params["last_activity_on"] == "2025-03-01"
    assert "01/03/2025" in render_message(found[0])
    rows[0] = SubtreeActivityRow("root", D(2025, 5, 1))
    assert keys(snapshot(trainers=trainers, subtree_activity=rows), "cascade_stalled") == ["child"]


def test_cascade_r_below_one():
    rows = [ReproductionRow("W1", 0.6, 10), ReproductionRow("W2", 1.4, 10), ReproductionRow("W9", 0.1, 3)]
    assert keys(snapshot(reproduction=rows), "cascade_r_below_one") == ["W1"]


def test_progress_rules():
    def row(kind, sid, value, code="communes_with_trainer"):
        return IndicatorRow(code, kind, sid, f"Đối tượng {sid}", value, 1.0, D(2025, 1, 1), D(2025, 12, 31),
                            label="Tỷ lệ")
    # on 2025-06-01 the trajectory to 100% on 2025-12-31 expects 151/364 ≈ 41.5%; 10% tolerance → 37.3%
    rows = [row("commune", "W1", 0.30), row("commune", "W1", 0.10, "other"), row("commune", "W2", 0.40),
            row("unit", "u1", 0.05)]
    found = evaluate(snapshot(indicators=rows), {"commune_below_trajectory", "unit_below_trajectory"})
    assert [(f.rule_code, f.subject_id, f.params["indicator_code"]) for f in found] == [
        ("commune_below_trajectory", "W1", "other"), ("unit_below_trajectory", "u1", "communes_with_trainer")]
    assert found[0].params["expected_pct"] == 41.5


def test_activity_rules():
    rows = [ActivityRow(1, "Hội nghị", D(2024, 12, 1), D(2024, 12, 31), finished_on=D(2024, 12, 20)),
            ActivityRow(3, "Tập huấn huyện", D(2024, 12, 1), D(2025, 2, 28), started_on=D(2024, 12, 5)),
            ActivityRow(5, "Tập huấn xã", D(2025, 2, 1), D(2025, 10, 31)),
            ActivityRow(7, "Đối tượng đặc thù", D(2025, 5, 28), D(2025, 10, 31)),
            ActivityRow(2, "Sở ngành", D(2024, 12, 1), D(2025, 2, 28))]
    overdue = evaluate(snapshot(activities=rows), {"activity_overdue"})
    assert [f.subject_id for f in overdue] == [2, 3]
    assert overdue[1].params["days_late"] == (TODAY - D(2025, 2, 28)).days
    assert keys(snapshot(activities=rows), "activity_not_started") == [5]  # 7 is within its grace week


def test_audience_rules():
    units = [UnitRow("h1", "Hộ bà Lan", "household_business", "W1", needs_core_group=False)]
    assert keys(snapshot(units=units), "audience_household_business_not_reached") == ["W1"]
    assert keys(snapshot(units=units), "audience_ethnic_minority_not_reached") == ["W2"]
    classes = [ClassRow("c1", "t1", area_id="W1", audience="household_business"),
               ClassRow("c2", "t1", area_id="W2", audience="ethnic_minority", status="running")]
    assert keys(snapshot(units=units, classes=classes), "audience_household_business_not_reached") == []
    assert keys(snapshot(units=units, classes=classes), "audience_ethnic_minority_not_reached") == []
    district_level = AreaRow("D164", "Thành phố Thái Nguyên", "district", "P19", ethnic_minority_residents=5)
    areas = (PROVINCE, district_level, COMMUNE_A, dataclasses.replace(COMMUNE_B, ethnic_minority_residents=0))
    assert keys(snapshot(areas=areas, classes=classes), "audience_ethnic_minority_not_reached") == []
    cancelled = [dataclasses.replace(classes[1], status="cancelled")]
    assert keys(snapshot(areas=areas, classes=cancelled), "audience_ethnic_minority_not_reached") == ["D164"]


def test_data_quality_rules():
    groups = [DuplicatePersonsRow((7, 3, 7), "phone"), DuplicatePersonsRow((5,), "id_number")]
    found = evaluate(snapshot(duplicate_persons=groups), {"duplicate_person"})
    assert [(f.subject_id, f.params["person_ids"]) for f in found] == [(3, [3, 7])]
    assert "số điện thoại" in render_message(found[0]) and "3, 7" in render_message(found[0])
    trainers = [TrainerRow("t1", "An"), TrainerRow("t2", "Bình", unit_id="u1"),
                TrainerRow("t3", "Chi", area_id="W1")]
    assert keys(snapshot(trainers=trainers), "trainer_without_unit_or_commune") == ["t1"]
    classes = [ClassRow("c1", "t2", "Lớp AI 1", status="completed"),
               ClassRow("c2", "t2", status="completed", learners=12),
               ClassRow("c3", "t2", status="running")]
    assert keys(snapshot(classes=classes), "class_completed_without_learners") == ["c1"]


def test_evaluate_all_is_deterministic_and_silent_on_a_healthy_snapshot():
    healthy = GapInputs(today=TODAY, areas=(PROVINCE, COMMUNE_A),
                        trainers=[TrainerRow("t1", "An", area_id="W1", certified_on=D(2025, 5, 1))])
    assert evaluate(healthy) == []
    busy = snapshot(trainers=[TrainerRow("t1", "An")])
    assert evaluate(busy) == evaluate(busy)
    assert all(isinstance(f, Finding) for f in evaluate(busy))


def test_activity_rows_from_the_shipped_plan():
    from rollout import PLANS_DIR
    from rollout.gaps import activity_rows
    from rollout.plan import load_plan_file
    from rollout.schedule import Actual

    plan = load_plan_file(PLANS_DIR / "kh137.yaml")
    actuals = {n: Actual(D(2024, 12, 1), D(2025, 2, 20)) for n in (1, 2, 3, 4)}
    actuals[6] = Actual(D(2025, 1, 5))
    rows = activity_rows(plan, actuals)
    assert [r.number for r in rows] == list(range(1, 11))
    inputs = snapshot(activities=rows, today=D(2025, 3, 15))
    assert keys(inputs, "activity_not_started") == [5, 7, 8, 9]
    assert keys(inputs, "activity_overdue") == []
