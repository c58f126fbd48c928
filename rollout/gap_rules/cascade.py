"""Cascade rules: trainers who do not pass the learning on, or pass too much at once.

- ``trainer_few_classes``: an active trainer certified at least ``settings.min_classes_after_days`` days ago
  with fewer than ``settings.min_classes_per_trainer`` classes (cancelled classes do not count).
- ``trainer_overloaded``: an active trainer with more than ``settings.max_running_classes`` running classes.
- ``cascade_stalled``: an active trainer whose subtree has had no new class or trainer for more than
  ``settings.stalled_weeks`` weeks (last activity = the later of the precomputed date and the trainer's
  certification); only the top of a stalled branch is reported: not a trainer whose mentor is stalled too.
- ``cascade_r_below_one``: an area (valid on ``today`` when known) whose precomputed reproduction number R is
  below ``settings.reproduction_threshold``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from rollout.gap_inputs import GapInputs, Id
from rollout.gap_registry import Finding, rule
from rollout.two_three import BELOW, OVER, TwoThreeSettings, classify

__all__ = ["trainer_few_classes", "trainer_overloaded", "cascade_stalled", "cascade_r_below_one"]


def _two_three(s) -> TwoThreeSettings:
    """The gap settings as the one 2–3 rule's settings (`rollout.two_three`)."""
    return TwoThreeSettings(min_classes=s.min_classes_per_trainer, max_running=s.max_running_classes,
                            grace_days=s.min_classes_after_days)


@rule(
    "trainer_few_classes", severity="medium", scope="trainer",
    message="Giảng viên {trainer_name} mới mở {classes} lớp sau {days} ngày kể từ khi được chứng nhận "
            "(cần ít nhất {min_classes} lớp).",
    why="Theo Kế hoạch, mỗi học viên nòng cốt mở 2-3 lớp; giảng viên chưa mở lớp thì chuỗi lan tỏa dừng lại "
        "ở chính họ.",
)
def trainer_few_classes(inputs: GapInputs) -> Iterator[Finding]:
    s = inputs.settings
    rule_settings = _two_three(s)
    counts = Counter(c.trainer_id for c in inputs.live_classes)
    for t in inputs.trainers:
        if not t.active or t.certified_on is None:
            continue
        days = (inputs.today - t.certified_on).days
        # the minimum only (running = 0): an overloaded trainer is `trainer_overloaded`'s finding
        if classify(counts[t.id], 0, t.certified_on, inputs.today, rule_settings) == BELOW:
            yield Finding("trainer_few_classes", "trainer", t.id, t.area_id,
                          {"trainer_name": t.name, "classes": counts[t.id], "days": days,
                           "min_classes": s.min_classes_per_trainer})


@rule(
    "trainer_overloaded", severity="low", scope="trainer",
    message="Giảng viên {trainer_name} đang phụ trách {running} lớp cùng lúc (tối đa {max_running}).",
    why="Mỗi học viên nòng cốt mở 2-3 lớp; quá nhiều lớp cùng lúc làm giảm chất lượng hướng dẫn, nên giao "
        "bớt cho giảng viên mới.",
)
def trainer_overloaded(inputs: GapInputs) -> Iterator[Finding]:
    limit = inputs.settings.max_running_classes
    rule_settings = _two_three(inputs.settings)
    running = Counter(c.trainer_id for c in inputs.classes if c.status == "running")
    for t in inputs.trainers:
        if t.active and classify(rule_settings.min_classes, running[t.id], t.certified_on, inputs.today,
                                 rule_settings) == OVER:
            yield Finding("trainer_overloaded", "trainer", t.id, t.area_id,
                          {"trainer_name": t.name, "running": running[t.id], "max_running": limit})


@rule(
    "cascade_stalled", severity="medium", scope="trainer",
    message="Nhánh lan tỏa của giảng viên {trainer_name} không có lớp học hay giảng viên mới trong {weeks} "
            "tuần (lần gần nhất: {last_activity_on}).",
    why="Phương pháp Feynman chỉ lan tỏa khi học viên tiếp tục trở thành người hướng dẫn; nhánh đứng yên là "
        "nơi cần hỗ trợ hoặc giao thêm giảng viên.",
)
def cascade_stalled(inputs: GapInputs) -> Iterator[Finding]:
    weeks = inputs.settings.stalled_weeks
    limit = inputs.today - dt.timedelta(weeks=weeks)
    last: dict[Id, dt.date] = {}
    for row in inputs.subtree_activity:
        t = inputs.trainer_by_id.get(row.trainer_id)
        if t is None or not t.active:
            continue
        last[t.id] = max(row.last_activity_on, t.certified_on or row.last_activity_on)
    stalled = {tid for tid, day in last.items() if day < limit}
    for tid in sorted(stalled, key=str):
        t = inputs.trainer_by_id[tid]
        if t.mentor_id in stalled:
            continue
        yield Finding("cascade_stalled", "trainer", tid, t.area_id,
                      {"trainer_name": t.name, "weeks": weeks, "last_activity_on": last[tid].isoformat()})


@rule(
    "cascade_r_below_one", severity="high", scope="area",
    message="Tại {area_name}, mỗi giảng viên chỉ đào tạo được trung bình {r} giảng viên mới (dưới "
            "{threshold}): mạng lưới đang thu hẹp.",
    why="Khi R nhỏ hơn 1, mỗi thế hệ giảng viên ít hơn thế hệ trước và chuỗi lan tỏa sẽ tắt dần.",
)
def cascade_r_below_one(inputs: GapInputs) -> Iterator[Finding]:
    threshold = inputs.settings.reproduction_threshold
    for row in inputs.reproduction:
        area = inputs.area_by_id.get(row.area_id)
        if area is not None and not area.active_on(inputs.today):
            continue
        if row.r < threshold:
            yield Finding("cascade_r_below_one", "area", row.area_id, row.area_id,
                          {"area_name": area.name if area else str(row.area_id), "r": round(row.r, 2),
                           "threshold": threshold, "trainers": row.trainers})
