"""Audience rules: groups the plan names (activity 7, targets T4 and T5) that no class has reached yet.

- ``audience_ethnic_minority_not_reached``: an area valid on ``today`` with ethnic-minority residents and no
  live class for an ethnic-minority audience in the area or any area below it.
- ``audience_household_business_not_reached``: a commune valid on ``today`` where household businesses are
  registered as units and no live class for a household-business audience is held in it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from rollout.gap_inputs import GapInputs
from rollout.gap_registry import Finding, rule

__all__ = ["audience_ethnic_minority_not_reached", "audience_household_business_not_reached"]


@rule(
    "audience_ethnic_minority_not_reached", severity="medium", scope="area",
    message="{area_name} có {residents} người dân tộc thiểu số nhưng chưa có lớp học nào dành cho đồng bào "
            "dân tộc thiểu số.",
    why="Kế hoạch yêu cầu tổ chức lớp cho các nhóm đối tượng đặc thù, trước hết là người dân tộc thiểu số "
        "(hoạt động 7); không có lớp riêng thì nhóm này dễ bị bỏ lại.",
)
def audience_ethnic_minority_not_reached(inputs: GapInputs) -> Iterator[Finding]:
    audiences = set(inputs.settings.ethnic_minority_audiences)
    reached = {c.area_id for c in inputs.live_classes if c.audience in audiences}
    for area in inputs.active_areas:
        if area.ethnic_minority_residents <= 0:
            continue
        if not inputs.area_and_descendants(area.id) & reached:
            yield Finding("audience_ethnic_minority_not_reached", "area", area.id, area.id,
                          {"area_name": area.name, "residents": area.ethnic_minority_residents})


@rule(
    "audience_household_business_not_reached", severity="medium", scope="area",
    message="{area_name} có {units} hộ kinh doanh nhưng chưa có lớp học nào dành cho hộ kinh doanh.",
    why="Mục tiêu: 80% chủ doanh nghiệp, hợp tác xã, hộ kinh doanh cá thể được học và ứng dụng AI trong sản "
        "xuất kinh doanh.",
)
def audience_household_business_not_reached(inputs: GapInputs) -> Iterator[Finding]:
    s = inputs.settings
    units = Counter(u.area_id for u in inputs.units if u.kind in s.household_business_unit_kinds)
    reached = {c.area_id for c in inputs.live_classes if c.audience in s.household_business_audiences}
    for area in inputs.active_areas:
        if area.kind == "commune" and units[area.id] > 0 and area.id not in reached:
            yield Finding("audience_household_business_not_reached", "area", area.id, area.id,
                          {"area_name": area.name, "units": units[area.id]})
