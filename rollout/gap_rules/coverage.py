"""Coverage rules: who is missing from the network.

- ``commune_without_trainer``: a commune valid on ``today`` with no active trainer whose ``area_id`` is it.
- ``unit_without_core_group``: a unit that needs a core group with fewer than
  ``settings.core_group_min_trainers`` active trainers whose ``unit_id`` is it.
- ``district_without_plan``: a district (or a commune of ``local_plan_communes``: on the 2025 map, without
  districts, a plan's T1 counts the communes' own plans) valid on ``today`` with no plan issued on or before
  ``today``; silent
  until ``settings.district_plan_due`` when that is set.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from rollout.gap_inputs import GapInputs
from rollout.gap_registry import Finding, rule

__all__ = ["commune_without_trainer", "unit_without_core_group", "district_without_plan"]


@rule(
    "commune_without_trainer", severity="high", scope="commune",
    message="{area_name} chưa có giảng viên nòng cốt nào đang hoạt động.",
    why="Kế hoạch đặt mục tiêu xây dựng mạng lưới giảng viên cộng đồng đến từng xã, phường, thị trấn; "
        "xã chưa có giảng viên thì người dân ở đó chưa có lớp để học.",
)
def commune_without_trainer(inputs: GapInputs) -> Iterator[Finding]:
    served = {t.area_id for t in inputs.trainers if t.active and t.area_id is not None}
    for area in inputs.active_areas:
        if area.kind == "commune" and area.id not in served:
            yield Finding("commune_without_trainer", "commune", area.id, area.id, {"area_name": area.name})


@rule(
    "unit_without_core_group", severity="high", scope="unit",
    message="{unit_name} mới có {trainers} giảng viên nòng cốt, chưa đủ {min_trainers} người để thành nhóm "
            "nòng cốt.",
    why="Mục tiêu: 100% cơ quan, đơn vị thành lập nhóm cán bộ, công chức, viên chức nòng cốt lan tỏa chương "
        "trình trong cơ quan, đơn vị mình.",
)
def unit_without_core_group(inputs: GapInputs) -> Iterator[Finding]:
    needed = inputs.settings.core_group_min_trainers
    counts = Counter(t.unit_id for t in inputs.trainers if t.active and t.unit_id is not None)
    for unit in inputs.units:
        if unit.needs_core_group and counts[unit.id] < needed:
            yield Finding("unit_without_core_group", "unit", unit.id, unit.area_id,
                          {"unit_name": unit.name, "trainers": counts[unit.id], "min_trainers": needed})


@rule(
    "district_without_plan", severity="high", scope="district",
    message="{area_name} chưa ban hành kế hoạch triển khai chương trình “Bình dân học AI”.",
    why="Mục tiêu: 100% huyện, thành phố ban hành kế hoạch và phát động chương trình; chưa có kế hoạch cấp "
        "huyện thì cấp xã chưa có căn cứ để triển khai.",
)
def district_without_plan(inputs: GapInputs) -> Iterator[Finding]:
    due = inputs.settings.district_plan_due
    if due is not None and inputs.today <= due:
        return
    issued = {p.area_id for p in inputs.district_plans
              if p.issued_on is not None and p.issued_on <= inputs.today}
    for area in inputs.active_areas:
        if (area.kind == "district" or area.id in inputs.local_plan_communes) and area.id not in issued:
            yield Finding("district_without_plan", "district", area.id, area.id, {"area_name": area.name})
