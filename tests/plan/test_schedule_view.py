"""The stored plan's schedule and forecast, on a fixed today: the app feeds `rollout.schedule` what the
database holds."""

from __future__ import annotations

from datetime import date

import pytest

from app.plan.domain import actuals, load_rows, plan_view
from app.plan.gantt import build_gantt
from app.plan.operations import update_progress
from rollout.schedule import Actual


def _progress(activity, today, **data):
    update_progress(activity, {"progress": 0, **data}, None, today)


def test_kh137_schedule_from_the_database(kh137):
    view = plan_view(load_rows(kh137), date(2024, 11, 15))
    assert view.schedule.critical_path == (1, 3, 5, 10)
    assert view.report.planned_finish == date(2025, 12, 31)
    assert not view.overdue
    six = view.row(6)
    assert (six.planned_start, six.planned_finish, six.slack) == (date(2025, 1, 1), date(2025, 10, 31), 0)


def test_a_late_activity_pushes_its_successors_and_is_overdue(kh137, activities):
    today = date(2025, 1, 20)
    _progress(activities[1], today, status="in_progress", progress=40, started_on=date(2025, 1, 10))
    view = plan_view(load_rows(kh137), today)
    one, six, ten = view.row(1), view.row(6), view.row(10)
    assert one.overdue and one.days_late == 20
    assert one.slip.forecast_finish == date(2025, 2, 9)  # started 40 days late, keeps its 31 days
    assert six.slip.forecast_start == date(2025, 2, 10) and six.slip.driving_predecessor == 1
    assert ten.slip.forecast_start > ten.planned_start
    assert view.report.finish_slip_days > 0


def test_marking_it_done_moves_the_successors_back(kh137, activities):
    today = date(2025, 1, 20)
    _progress(activities[1], today, status="in_progress", progress=40, started_on=date(2025, 1, 10))
    before = plan_view(load_rows(kh137), today).row(6).slip.forecast_start
    _progress(activities[1], today, status="done", started_on=date(2025, 1, 10), finished_on=today)
    after = plan_view(load_rows(kh137), today)
    assert not after.row(1).overdue
    assert after.row(6).slip.forecast_start == date(2025, 1, 21) < before


def test_actual_dates_after_a_pinned_today_are_not_facts_yet(kh137, activities):
    _progress(activities[1], date(2025, 1, 31), status="done", started_on=date(2024, 12, 1),
              finished_on=date(2024, 12, 31))
    rows = load_rows(kh137)
    assert actuals(rows.activities, date(2024, 11, 20)) == {}
    assert actuals(rows.activities, date(2024, 12, 15)) == {1: Actual(date(2024, 12, 1), None)}
    assert plan_view(rows, date(2024, 12, 15)).row(1).slip.status == "in_progress"


def test_gantt_geometry(kh137, activities):
    today = date(2025, 3, 15)
    _progress(activities[3], today, status="in_progress", progress=50, started_on=date(2024, 12, 1))
    gantt = build_gantt(plan_view(load_rows(kh137), today))
    assert [p.label for p in gantt.phases] == ["Giai đoạn 1: Chuẩn bị", "Giai đoạn 2: Đào tạo nòng cốt",
                                               "Giai đoạn 3: Lan tỏa"]
    assert [b.row.number for b in gantt.bars] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    bars = {b.row.number: b for b in gantt.bars}
    assert "bar-overdue" in bars[3].css and "bar-critical" in bars[3].css
    assert "bar-overdue" in bars[1].css  # not started, due 31/12/2024
    assert bars[3].progress_width == round(bars[3].forecast_width / 2, 1)
    assert gantt.chart_x < gantt.today_x < gantt.chart_right
    assert bars[5].forecast_x > bars[5].planned_x  # pushed: 3 is late and 5 may start 28 days before 3 ends
    assert all(b.y < c.y for b, c in zip(gantt.bars, gantt.bars[1:], strict=False))


@pytest.mark.parametrize("months", [3, 13, 18, 25, 40, 130])
def test_gantt_month_labels_never_collide(months):
    from app.plan.gantt import CHART_WIDTH, CHART_X, TICK_ROOM, _ticks

    first = date(2024, 12, 1)
    last = date(first.year + (first.month - 1 + months) // 12, (first.month - 1 + months) % 12 + 1, 1)
    scale = CHART_WIDTH / (last - first).days
    ticks = _ticks(first, last, lambda day: CHART_X + (day - first).days * scale)
    assert len(ticks) >= 2
    assert all(b.x - a.x >= TICK_ROOM for a, b in zip(ticks, ticks[1:], strict=False))
    assert "/" in ticks[0].label  # the first tick says its year
    assert all("/" in t.label for t in ticks if t.label.startswith("01"))
