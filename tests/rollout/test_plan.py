"""The shipped plan file and the plan validator."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from rollout import PLANS_DIR
from rollout.errors import InvalidFieldError, PlanFileError, RolloutError, UnknownActivityError
from rollout.plan import load_plan, load_plan_file

D = dt.date
KH137 = PLANS_DIR / "kh137.yaml"


@pytest.fixture(scope="module")
def kh137_data() -> dict[str, Any]:
    return yaml.safe_load(KH137.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def plan():
    return load_plan_file(KH137)


def test_kh137_header(plan):
    assert plan.number == "137/KH-UBND"
    assert plan.date == D(2024, 12, 13)
    assert plan.issuer == "UBND tỉnh Thái Nguyên"
    assert plan.area_code == "P19"
    assert "Bình dân học AI" in plan.title
    assert (plan.period.start, plan.period.end) == (D(2024, 11, 1), D(2025, 12, 31))


def test_kh137_phases(plan):
    names = [(p.number, p.name) for p in plan.phases]
    assert names == [(1, "Chuẩn bị"), (2, "Đào tạo nòng cốt"), (3, "Lan tỏa")]
    assert [(p.window.start, p.window.end) for p in plan.phases] == [
        (D(2024, 11, 1), D(2024, 11, 30)),
        (D(2024, 12, 1), D(2024, 12, 31)),
        (D(2025, 2, 1), D(2025, 12, 31)),
    ]


EXPECTED_WINDOWS = {
    1: (D(2024, 12, 1), D(2024, 12, 31)),
    2: (D(2024, 12, 1), D(2025, 2, 28)),
    3: (D(2024, 12, 1), D(2025, 2, 28)),
    4: (D(2024, 12, 1), D(2025, 2, 28)),
    5: (D(2025, 2, 1), D(2025, 10, 31)),
    6: (D(2025, 1, 1), D(2025, 10, 31)),
    7: (D(2025, 3, 1), D(2025, 10, 31)),
    8: (D(2024, 12, 1), D(2025, 12, 31)),
    9: (D(2024, 12, 1), D(2025, 12, 31)),
    10: (D(2025, 12, 1), D(2025, 12, 31)),
}


def test_kh137_activities(plan):
    assert [a.number for a in plan.activities] == list(range(1, 11))
    assert {a.number: (a.window.start, a.window.end) for a in plan.activities} == EXPECTED_WINDOWS
    assert {a.number: a.phase for a in plan.activities} == {1: 2, 2: 2, 3: 2, 4: 2, 5: 3, 6: 3, 7: 3, 8: 3,
                                                             9: 3, 10: 3}
    assert plan.activity(1).quantities == {"learners": 300}
    assert plan.activity(3).quantities == {"classes": 9, "learners_per_class": 300}
    assert plan.activity(6).quantities == {"classes_per_trainer_min": 2, "classes_per_trainer_max": 3}
    assert plan.activity(5).lead_units == ("UBND cấp huyện",)
    assert plan.activity(10).coordinating_units[1:3] == ("Sở Thông tin và Truyền thông",
                                                         "Trung tâm Số - Đại học Thái Nguyên")
    assert "ươm mầm giảng viên nòng cốt mới ở cơ sở" in plan.activity(6).title
    assert plan.activity(2).lead_units == ("Sở/ngành/đoàn thể tổ chức hoạt động",)
    assert all(a.lead_units and a.coordinating_units for a in plan.activities)
    with pytest.raises(UnknownActivityError) as err:
        plan.activity(11)
    assert err.value.params == {"number": 11}


def test_kh137_dependencies_fit_the_windows(plan):
    """The implied dependencies never contradict the appendix's own windows."""
    assert len(plan.dependencies) >= 5
    for dep in plan.dependencies:
        pred, succ = plan.activity(dep.predecessor), plan.activity(dep.successor)
        assert succ.window.start >= pred.window.end + dt.timedelta(days=1 + dep.lag_days)


def test_kh137_levels_and_targets(plan):
    assert [lv.name for lv in plan.levels] == [
        "Xử lý văn bản cơ bản", "Đa phương tiện và truyền thông", "Mô hình tư duy chuyên nghiệp",
        "Quản trị dữ liệu và tri thức", "Sáng tạo và đổi mới"]
    assert all(len(lv.content) == 3 and lv.outcome for lv in plan.levels)
    assert plan.levels[4].content[0] == "Thử nghiệm giải pháp mới với AI."
    percents = [tuple(i.percent for i in t.indicators) for t in plan.targets]
    assert percents == [(100,), (100,), (100, 50), (80, 50), (80, 50), (100,)]
    assert {t.deadline for t in plan.targets} == {D(2025, 12, 31)}
    target, spec = plan.indicator("business_owners_trained")
    assert (target.code, spec.fraction) == ("T4", 0.8)


def test_json_file_loads_the_same(tmp_path: Path, kh137_data):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(kh137_data, default=str, ensure_ascii=False), encoding="utf-8")
    assert load_plan_file(path) == load_plan_file(KH137)


def test_month_windows_are_accepted(kh137_data):
    data = copy.deepcopy(kh137_data)
    data["activities"][4]["window"] = {"start": "2025-02", "end": "2025-10"}
    assert load_plan(data).activity(5).window.end == D(2025, 10, 31)


def _broken(data: dict[str, Any], mutate) -> InvalidFieldError:
    data = copy.deepcopy(data)
    mutate(data)
    with pytest.raises(InvalidFieldError) as err:
        load_plan(data)
    assert err.value.code == "invalid_field"
    return err.value


@pytest.mark.parametrize(("mutate", "field", "reason"), [
    (lambda d: d["activities"][3]["window"].update(end="2024-11-15"), "activities[3].window.end", "before"),
    (lambda d: d["activities"][3]["window"].update(end="someday"), "activities[3].window.end", "must be"),
    (lambda d: d["activities"][0].pop("title"), "activities[0].title", "required"),
    (lambda d: d["activities"][0].update(phase=7), "activities[0].phase", "no phase"),
    (lambda d: d["activities"][0].update(colour="red"), "activities[0].colour", "unknown"),
    (lambda d: d["activities"][1].update(number=1), "activities[1].number", "duplicate"),
    (lambda d: d["activities"][2]["depends_on"][0].update(
        activity=42), "activities[2].depends_on[0].activity",
     "no activity"),
    (lambda d: d["activities"][2]["depends_on"][0].update(
        activity=3), "activities[2].depends_on[0].activity",
     "itself"),
    (lambda d: d["activities"][2]["depends_on"][0].update(
        lag_days=True), "activities[2].depends_on[0].lag_days",
     "integer"),
    (lambda d: d["activities"][0]["window"].update(start="2023-01-01"), "activities[0].window", "outside"),
    (lambda d: d["activities"][0]["quantities"].update(learners=-1), "activities[0].quantities.learners",
     "at least"),
    (lambda d: d["targets"][3]["indicators"][0].update(percent=180), "targets[3].indicators[0].percent",
     "in ("),
    (lambda d: d["targets"][1]["indicators"][0].update(code="districts_plan_issued"),
     "targets[1].indicators[0].code", "duplicate"),
    (lambda d: d["levels"][1].update(number=3), "levels[1].number", "1..n"),
    (lambda d: d.update(date="13/12/2024"), "date", "must be"),
    (lambda d: d.update(phases=[]), "phases", "non-empty"),
    (lambda d: d.update(format_version=2), "format_version", "unsupported"),
    (lambda d: d["activities"][0].update(lead_units="Sở"), "activities[0].lead_units", "list"),
])
def test_bad_plans_name_the_field(kh137_data, mutate, field, reason):
    error = _broken(kh137_data, mutate)
    assert error.params["field"] == field
    assert reason in error.params["reason"]
    assert isinstance(error, RolloutError)


def test_bad_files(tmp_path: Path):
    with pytest.raises(PlanFileError) as err:
        load_plan_file(tmp_path / "plan.txt")
    assert err.value.code == "plan_file"
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(PlanFileError, match="mapping"):
        load_plan_file(tmp_path / "list.yaml")
    with pytest.raises(PlanFileError, match="cannot read"):
        load_plan_file(tmp_path / "missing.json")


def test_the_documented_example_loads():
    import re

    text = (PLANS_DIR.parent.parent / "docs" / "plan-format.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert example is not None
    plan = load_plan(yaml.safe_load(example.group(1)))
    assert plan.activity(2).window.end == D(2025, 11, 30)
    assert plan.activity(2).depends_on[0].predecessor == 1


def test_kh137_activities_have_distinct_short_titles(plan):
    shorts = [a.short_title for a in plan.activities]
    assert all(0 < len(t) <= 44 for t in shorts) and len(set(shorts)) == len(shorts)


def test_a_short_title_longer_than_the_gantt_label_is_refused(kh137_data):
    data = copy.deepcopy(kh137_data)
    data["activities"][0]["short_title"] = "x" * 45
    with pytest.raises(InvalidFieldError, match="short_title"):
        load_plan(data)
