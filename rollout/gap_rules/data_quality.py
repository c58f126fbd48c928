"""Data-quality rules: records that make the counts wrong.

- ``duplicate_person``: a group of two or more person ids that look like one person (the app detects them,
  by phone, ID number, name and birth date, or name, birth year and commune); the subject is the smallest id of the group.
- ``trainer_without_unit_or_commune``: a trainer with neither a unit nor a commune: counted nowhere.
- ``class_completed_without_learners``: a completed class with no learner recorded.
"""

from __future__ import annotations

from collections.abc import Iterator

from rollout.gap_inputs import GapInputs
from rollout.gap_registry import Finding, rule

__all__ = ["duplicate_person", "trainer_without_unit_or_commune", "class_completed_without_learners"]

REASONS_VI = {"phone": "số điện thoại", "id_number": "số định danh", "name_birth_date": "họ tên và ngày sinh",
              "name_birth_year_commune": "họ tên, năm sinh và xã nơi ở"}


@rule(
    "duplicate_person", severity="medium", scope="person",
    message="Có {count} hồ sơ có thể là cùng một người (trùng {reason_vi}): mã {person_ids}.",
    why="Hồ sơ trùng làm sai số người đã học, sai tỷ lệ chỉ tiêu và có thể cấp hai chứng nhận cho một người.",
)
def duplicate_person(inputs: GapInputs) -> Iterator[Finding]:
    for group in inputs.duplicate_persons:
        ids = sorted(set(group.person_ids), key=str)
        if len(ids) < 2:
            continue
        yield Finding("duplicate_person", "person", ids[0], None, {
            "person_ids": ids, "count": len(ids), "reason": group.reason,
            "reason_vi": REASONS_VI.get(group.reason, group.reason)})


@rule(
    "trainer_without_unit_or_commune", severity="low", scope="trainer",
    message="Giảng viên {trainer_name} chưa được gắn với cơ quan, đơn vị hay xã, phường nào.",
    why="Giảng viên không gắn với đơn vị hay địa bàn thì không được tính vào nhóm nòng cốt của đơn vị "
        "cũng như mạng lưới giảng viên của xã.",
)
def trainer_without_unit_or_commune(inputs: GapInputs) -> Iterator[Finding]:
    for t in inputs.trainers:
        if t.unit_id is None and t.area_id is None:
            yield Finding("trainer_without_unit_or_commune", "trainer", t.id, None, {"trainer_name": t.name})


@rule(
    "class_completed_without_learners", severity="low", scope="class",
    message="Lớp {class_name} đã kết thúc nhưng chưa ghi nhận học viên nào.",
    why="Lớp không có học viên thì kết quả không được tính vào chỉ tiêu và không thể cấp chứng nhận.",
)
def class_completed_without_learners(inputs: GapInputs) -> Iterator[Finding]:
    for c in inputs.classes:
        if c.status == "completed" and c.learners <= 0:
            yield Finding("class_completed_without_learners", "class", c.id, c.area_id,
                          {"class_name": c.name or str(c.id)})
