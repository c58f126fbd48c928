"""The assignment_idle rule on small literal snapshots."""

from __future__ import annotations

import datetime as dt

from rollout.gaps import AssignmentRow, GapInputs, GapSettings, evaluate, get_rule, render_message

D = dt.date
TODAY = D(2025, 6, 1)


def _row(ident, starts_on, **kw) -> AssignmentRow:
    return AssignmentRow(ident, "t1", "Nguyễn Văn An", "area", "W1", "Xã Hùng Sơn", starts_on, area_id="W1", **kw)


def _idle(rows, days=30):
    inputs = GapInputs(today=TODAY, assignments=rows, settings=GapSettings(assignment_idle_days=days))
    return evaluate(inputs, {"assignment_idle"})


def test_idle_after_n_days_without_a_class():
    found = _idle([_row("a1", D(2025, 5, 3)), _row("a2", D(2025, 5, 2))])
    assert [f.subject_id for f in found] == ["a2"]  # 30 days exactly: due; 29 days: not yet
    assert found[0].subject_kind == "assignment" and found[0].area_id == "W1"
    assert render_message(found[0]) == ("Nguyễn Văn An được phân công về Xã Hùng Sơn từ 02/05/2025, đã 30 ngày mà "
                                        "chưa mở lớp nào ở đó.")
    assert get_rule("assignment_idle").why


def test_silent_once_a_class_is_opened_or_the_assignment_is_closed():
    assert _idle([_row("a1", D(2025, 1, 1), first_class_on=D(2025, 5, 20))]) == []
    assert _idle([_row("a1", D(2025, 1, 1), first_class_on=D(2025, 7, 1))])  # a class only planned after today
    assert _idle([_row("a1", D(2025, 1, 1), active=False)]) == []
    assert [f.subject_id for f in _idle([_row("a1", D(2025, 5, 20))], days=7)] == ["a1"]
