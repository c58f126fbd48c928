"""Assignment rules: a trainer put somewhere must actually open a class there.

- ``assignment_idle``: an active assignment that began at least ``settings.assignment_idle_days`` days before
  ``today`` and whose trainer has opened no class in its target since it began (``first_class_on`` is None or
  later than ``today``). Silent for ended or cancelled assignments and for those not yet due.
"""

from __future__ import annotations

from collections.abc import Iterator

from rollout.gap_inputs import GapInputs
from rollout.gap_registry import Finding, rule

__all__ = ["assignment_idle"]


@rule(
    "assignment_idle", severity="medium", scope="assignment",
    message="{trainer_name} được phân công về {target_name} từ {starts_on}, đã {days} ngày mà chưa mở lớp nào "
            "ở đó.",
    why="Phân công chỉ lấp được chỗ trống khi giảng viên thực sự mở lớp; nếu giảng viên không nhận được, điều "
        "phối viên cần phân công người khác để xã, đơn vị không bị bỏ sót.",
)
def assignment_idle(inputs: GapInputs) -> Iterator[Finding]:
    limit = inputs.settings.assignment_idle_days
    for a in inputs.assignments:
        days = (inputs.today - a.starts_on).days
        opened = a.first_class_on is not None and a.first_class_on <= inputs.today
        if a.active and days >= limit and not opened:
            yield Finding("assignment_idle", "assignment", a.id, a.area_id,
                          {"trainer_name": a.trainer_name, "target_name": a.target_name,
                           "starts_on": a.starts_on.isoformat(), "days": days,
                           "target_kind": a.target_kind, "target_id": a.target_id, "trainer_id": a.trainer_id})
