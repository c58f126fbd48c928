"""Progress rules: targets behind their trajectory, activities behind their window.

- ``commune_below_trajectory`` / ``unit_below_trajectory``: an indicator row of that subject kind whose
  value is below ``expected * (1 - settings.trajectory_tolerance)``, ``expected`` being the linear
  trajectory on ``today`` (see :func:`rollout.indicators.trajectory_value`). One finding per subject (its
  worst indicator, by relative shortfall), so the key stays one per commune or unit.
- ``activity_overdue``: not finished more than ``settings.activity_overdue_grace_days`` days after its planned
  finish.
- ``activity_not_started``: not started more than ``settings.activity_start_grace_days`` days after its
  planned start, and not yet overdue (then ``activity_overdue`` takes over).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from rollout.gap_inputs import GapInputs, Id, IndicatorRow
from rollout.gap_registry import Finding, rule
from rollout.indicators import trajectory_value

__all__ = ["commune_below_trajectory", "unit_below_trajectory", "activity_overdue", "activity_not_started"]

_BEHIND = ("{subject_name} mới đạt {value_pct}% ở chỉ tiêu “{indicator_label}”, thấp hơn lộ trình "
           "{expected_pct}% (mục tiêu {target_pct}% đến {deadline}).")


def _behind(inputs: GapInputs, kind: str, code: str) -> Iterator[Finding]:
    worst: dict[Id, tuple[float, IndicatorRow, float]] = {}
    for row in inputs.indicators:
        if row.subject_kind != kind:
            continue
        expected = trajectory_value(inputs.today, start=row.start, deadline=row.deadline, target=row.target,
                                    baseline=row.baseline)
        if expected <= 0 or row.value >= expected * (1 - inputs.settings.trajectory_tolerance):
            continue
        shortfall = (expected - row.value) / expected
        if row.subject_id not in worst or shortfall > worst[row.subject_id][0]:
            worst[row.subject_id] = (shortfall, row, expected)
    for subject_id in sorted(worst, key=str):
        _, row, expected = worst[subject_id]
        yield Finding(code, kind, subject_id, row.area_id, {
            "subject_name": row.subject_name,
            "indicator_code": row.indicator_code,
            "indicator_label": row.label or row.indicator_code,
            "value_pct": round(row.value * 100, 1),
            "expected_pct": round(expected * 100, 1),
            "target_pct": round(row.target * 100, 1),
            "deadline": row.deadline.isoformat(),
        })


@rule(
    "commune_below_trajectory", severity="medium", scope="commune", message=_BEHIND,
    why="Đi chậm hơn lộ trình thì đến cuối năm 2025 xã sẽ không đạt chỉ tiêu; cần tăng lớp hoặc giảng viên "
        "ngay từ bây giờ.",
)
def commune_below_trajectory(inputs: GapInputs) -> Iterator[Finding]:
    return _behind(inputs, "commune", "commune_below_trajectory")


@rule(
    "unit_below_trajectory", severity="medium", scope="unit", message=_BEHIND,
    why="Đi chậm hơn lộ trình thì đến cuối năm 2025 đơn vị sẽ không đạt chỉ tiêu; nhóm nòng cốt cần mở thêm "
        "lớp.",
)
def unit_below_trajectory(inputs: GapInputs) -> Iterator[Finding]:
    return _behind(inputs, "unit", "unit_below_trajectory")


@rule(
    "activity_overdue", severity="high", scope="activity",
    message="Hoạt động {number} “{title}” đã quá hạn {days_late} ngày (hạn {planned_finish}) mà chưa hoàn "
            "thành.",
    why="Các hoạt động sau phụ thuộc vào hoạt động này; chậm trễ sẽ kéo lùi cả lộ trình của Kế hoạch.",
)
def activity_overdue(inputs: GapInputs) -> Iterator[Finding]:
    grace = dt.timedelta(days=inputs.settings.activity_overdue_grace_days)
    for a in inputs.activities:
        if a.finished_on is None and inputs.today > a.planned_finish + grace:
            yield Finding("activity_overdue", "activity", a.number, None, {
                "number": a.number, "title": a.title, "planned_finish": a.planned_finish.isoformat(),
                "days_late": (inputs.today - a.planned_finish).days})


@rule(
    "activity_not_started", severity="medium", scope="activity",
    message="Hoạt động {number} “{title}” chưa bắt đầu dù đã đến thời gian triển khai từ {planned_start} "
            "({days_late} ngày).",
    why="Bắt đầu muộn làm rút ngắn thời gian thực hiện và dễ dẫn đến quá hạn.",
)
def activity_not_started(inputs: GapInputs) -> Iterator[Finding]:
    s = inputs.settings
    for a in inputs.activities:
        if a.started_on is not None or a.finished_on is not None:
            continue
        late = inputs.today > a.planned_start + dt.timedelta(days=s.activity_start_grace_days)
        overdue = inputs.today > a.planned_finish + dt.timedelta(days=s.activity_overdue_grace_days)
        if late and not overdue:
            yield Finding("activity_not_started", "activity", a.number, None, {
                "number": a.number, "title": a.title, "planned_start": a.planned_start.isoformat(),
                "days_late": (inputs.today - a.planned_start).days})
