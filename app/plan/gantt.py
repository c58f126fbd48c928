"""Geometry of the server-rendered Gantt chart (SVG): phases, planned and forecast bars, today's line.

Rules of the drawing:
- one row per phase (its window as a band), then one row per activity of that phase, in number order;
  activities without a phase come last;
- each activity has a thin planned bar (critical-path schedule) and a thick forecast bar (from what really
  happened, `rollout.schedule.slippage`), filled in proportion to its progress;
- the forecast bar is red when the activity is overdue, green when done; activities on the critical path
  carry an orange outline; the slip in days is written after the bar;
- the time axis covers the plan period, every forecast and today; month ticks fall every 1, 2, 3, 4, 6 or 12
  months, the fewest that keep labels `TICK_ROOM` apart (January always, with its year), so labels never collide;
- on phones the chart is a list (`templates/plan/_gantt.html`): one entry per activity with its bars on a track
  of the same period (`Gantt.percent`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from app.plan.domain import ActivityRow, PlanView

WIDTH = 1100
LABEL_WIDTH = 330
CHART_X = LABEL_WIDTH + 10
CHART_WIDTH = WIDTH - CHART_X - 85  # room after the last bar for its slip ('+360 ngày')
HEADER = 46
PHASE_ROW = 26
ACTIVITY_ROW = 38


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    major: bool


@dataclass(frozen=True)
class PhaseBand:
    y: float
    x: float
    width: float
    label: str
    window: str


@dataclass(frozen=True)
class Bar:
    row: ActivityRow
    y: float
    label: str
    planned_x: float
    planned_width: float
    forecast_x: float
    forecast_width: float
    progress_width: float
    css: str
    slip_text: str
    tooltip: str


@dataclass(frozen=True)
class Gantt:
    width: int
    height: float
    chart_x: int
    chart_right: float
    ticks: list[Tick]
    phases: list[PhaseBand]
    bars: list[Bar]
    today_x: float
    today_label: str

    def percent(self, x: float) -> float:
        """A chart x as a percentage of the time axis (the phone list's bars)."""
        return round(max(0.0, min(100.0, (x - self.chart_x) / (self.chart_right - self.chart_x) * 100)), 2)

    @property
    def today_anchor(self) -> str:
        """Write today's label left of the line near the right edge, so it stays inside the chart."""
        return "end" if self.today_x > self.chart_right - 110 else "start"


def _short(text: str, limit: int = 44) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def build_gantt(view: PlanView) -> Gantt:
    plan, today = view.plan, view.today
    starts = [plan.period_start, today, *(r.planned_start for r in view.activities),
              *(r.slip.forecast_start for r in view.activities)]
    ends = [plan.period_end, today, *(r.planned_finish for r in view.activities),
            *(r.slip.forecast_finish for r in view.activities)]
    first = min(starts).replace(day=1)
    last = max(ends) + dt.timedelta(days=1)
    scale = CHART_WIDTH / max((last - first).days, 1)

    def x(day: dt.date) -> float:
        return round(CHART_X + (day - first).days * scale, 1)

    def span(start: dt.date, finish: dt.date) -> tuple[float, float]:
        left = x(start)
        return left, max(round(x(finish + dt.timedelta(days=1)) - left, 1), 2.0)

    y = float(HEADER)
    phases, bars = [], []
    groups = [(p, [r for r in view.activities if r.activity.phase_id == p.id]) for p in view.rows.phases]
    loose = [r for r in view.activities if r.activity.phase_id is None]
    if loose:
        groups.append((None, loose))
    for phase, rows in groups:
        if phase is not None:
            left, width = span(phase.start_on, phase.end_on)
            phases.append(PhaseBand(y, left, width, f"Giai đoạn {phase.number}: {phase.name}",
                                    phase.window_text or f"{phase.start_on:%d/%m/%Y} – {phase.end_on:%d/%m/%Y}"))
            y += PHASE_ROW
        for row in rows:
            bars.append(_bar(row, y, span))
            y += ACTIVITY_ROW
    return Gantt(WIDTH, y + 12, CHART_X, CHART_X + CHART_WIDTH, _ticks(first, last, x), phases, bars, x(today),
                 f"Hôm nay {today:%d/%m/%Y}")


def _bar(row: ActivityRow, y: float, span) -> Bar:
    planned_x, planned_width = span(row.planned_start, row.planned_finish)
    forecast_x, forecast_width = span(row.slip.forecast_start, row.slip.forecast_finish)
    status = row.activity.status
    css = ["bar", f"bar-{status}"]
    if row.overdue:
        css.append("bar-overdue")
    if row.on_critical_path:
        css.append("bar-critical")
    slip = row.slip.finish_slip_days
    slip_text = f"+{slip} ngày" if slip > 0 else (f"{slip} ngày" if slip < 0 else "")
    tooltip = (f"HĐ {row.number}. {row.activity.title} — {row.activity.status_label}, {row.activity.progress}% · kế hoạch "
               f"{row.planned_start:%d/%m/%Y}–{row.planned_finish:%d/%m/%Y} · dự báo "
               f"{row.slip.forecast_start:%d/%m/%Y}–{row.slip.forecast_finish:%d/%m/%Y}")
    if row.overdue:
        tooltip += f" · quá hạn {row.days_late} ngày"
    if row.on_critical_path:
        tooltip += " · thuộc đường găng"
    return Bar(row, y, f"{row.number}. {row.activity.short_title or _short(row.activity.title)}", planned_x, planned_width, forecast_x,
               forecast_width, round(forecast_width * row.activity.progress / 100, 1), " ".join(css), slip_text,
               tooltip)


TICK_ROOM = 52  # viewBox units a month label needs: "01/2025" at 11 px is ~45 wide, plus a gap


def _ticks(first: dt.date, last: dt.date, x) -> list[Tick]:
    """Month ticks every `step` months, aligned on January, with the smallest step of 1, 2, 3, 4, 6, 12, 24, …
    that keeps two ticks `TICK_ROOM` apart (the widest label, "mm/yyyy", and a gap): labels never collide. January
    and the first tick carry the year."""
    shortest = 28 * CHART_WIDTH / max((last - first).days, 1)  # the width of a February
    need = max(1, math.ceil(TICK_ROOM / shortest))
    step = next(s for s in (1, 2, 3, 4, 6, 12) if s >= need) if need <= 12 else 12 * math.ceil(need / 12)
    ticks, day = [], first
    while day <= last:
        if (day.year * 12 + day.month - 1) % step == 0:
            with_year = day.month == 1 or not ticks
            ticks.append(Tick(x(day), f"{day:%m/%Y}" if with_year else f"{day:%m}", with_year))
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return ticks
