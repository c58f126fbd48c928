"""Critical path method over the plan's activities, and what slips when reality differs from the plan.

Rules:
- an activity lasts its window: ``duration = window.days`` (inclusive days);
- its window start is a "start no earlier than" constraint: nothing is scheduled before the plan says;
- a dependency is finish-to-start with a lag: the successor starts no earlier than ``lag_days`` days after
  the day following the predecessor's last day (a negative lag allows overlap);
- day integers count from ``plan.period.start`` (day 0); a finish day integer is exclusive, a finish date is
  the last day of work (inclusive);
- slack is measured against the project's finish (the latest earliest finish); an activity is critical
  when its slack is 0; the critical path is the longest chain of critical activities linked by driving
  dependencies that ends at the project's finish (ties: the lexicographically smallest list of numbers);
- cycles are refused with :class:`ScheduleCycleError`; ``today`` is always a parameter.

Slippage (:func:`slippage`) replays the forward pass with what really happened, in topological order:
- done (``finished_on`` known): the actual dates stand (a missing start is taken as the planned start, or the
  finish day if that is earlier);
- in progress (``started_on`` only): it keeps its duration, and since it is not done on ``today`` it finishes
  no earlier than ``today``;
- not started: it starts no earlier than its planned start, its predecessors' forecast finishes plus lag, and
  ``today`` (it has not started before today); it keeps its duration.
A slip is forecast minus planned, in days; float absorbs a predecessor's slip before it reaches a successor.
:func:`successors_shift` is the same replay without ``today``: how marking one activity done on a date moves
the activities that follow it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from rollout.errors import InvalidInputError, ScheduleCycleError, UnknownActivityError
from rollout.plan import Plan

__all__ = [
    "ScheduledActivity",
    "Schedule",
    "Actual",
    "Slip",
    "SlippageReport",
    "activity_graph",
    "compute_schedule",
    "slippage",
    "successors_shift",
]


@dataclass(frozen=True)
class ScheduledActivity:
    number: int
    duration: int
    earliest_start: dt.date
    earliest_finish: dt.date
    latest_start: dt.date
    latest_finish: dt.date
    slack: int

    @property
    def critical(self) -> bool:
        return self.slack == 0


@dataclass(frozen=True)
class Schedule:
    origin: dt.date
    start: dt.date
    finish: dt.date
    activities: Mapping[int, ScheduledActivity]
    critical_path: tuple[int, ...]

    def __getitem__(self, number: int) -> ScheduledActivity:
        return self.activities[number]

    @property
    def critical(self) -> tuple[int, ...]:
        return tuple(n for n, a in sorted(self.activities.items()) if a.critical)


def activity_graph(plan: Plan) -> nx.DiGraph:
    """Nodes are activity numbers (``duration``, ``not_before`` day integers); edges carry ``lag``.

    Raises :class:`ScheduleCycleError` if the dependencies loop.
    """
    graph = nx.DiGraph()
    origin = plan.period.start
    for activity in plan.activities:
        graph.add_node(activity.number, duration=activity.window.days,
                       not_before=(activity.window.start - origin).days)
    for dep in plan.dependencies:
        graph.add_edge(dep.predecessor, dep.successor, lag=dep.lag_days)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return graph
    raise ScheduleCycleError([int(edge[0]) for edge in cycle])


def topological_order(graph: nx.DiGraph) -> list[int]:
    """Deterministic topological order: among ready activities, the smallest number first."""
    return list(nx.lexicographical_topological_sort(graph))


def compute_schedule(plan: Plan) -> Schedule:
    """Forward and backward CPM passes over the plan's windows and dependencies."""
    graph = activity_graph(plan)
    if not graph:
        raise InvalidInputError("activities", "the plan has no activity to schedule")
    order = topological_order(graph)
    es: dict[int, int] = {}
    ef: dict[int, int] = {}
    for n in order:
        node = graph.nodes[n]
        es[n] = max([node["not_before"]] + [ef[p] + graph.edges[p, n]["lag"] for p in graph.predecessors(n)])
        ef[n] = es[n] + node["duration"]
    end = max(ef.values())
    lf: dict[int, int] = {}
    ls: dict[int, int] = {}
    for n in reversed(order):
        lf[n] = min([end] + [ls[s] - graph.edges[n, s]["lag"] for s in graph.successors(n)])
        ls[n] = lf[n] - graph.nodes[n]["duration"]
    origin = plan.period.start

    def day(i: int) -> dt.date:
        return origin + dt.timedelta(days=i)

    activities = {
        n: ScheduledActivity(n, graph.nodes[n]["duration"], day(es[n]), day(ef[n] - 1), day(ls[n]),
                             day(lf[n] - 1), ls[n] - es[n])
        for n in order
    }
    return Schedule(origin, day(min(es.values())), day(end - 1), activities,
                    _critical_path(graph, order, es, ef, ls, end))


def _critical_path(graph: nx.DiGraph, order: list[int], es: dict[int, int], ef: dict[int, int],
                   ls: dict[int, int], end: int) -> tuple[int, ...]:
    critical = {n for n in order if ls[n] == es[n]}
    best: dict[int, tuple[int, ...]] = {}
    for n in order:
        if n not in critical:
            continue
        chains = [best[p] for p in graph.predecessors(n)
                  if p in critical and ef[p] + graph.edges[p, n]["lag"] == es[n]]
        best[n] = min(chains, key=lambda c: (-len(c), c), default=()) + (n,)
    finals = [chain for n, chain in best.items() if ef[n] == end]
    return min(finals, key=lambda c: (-len(c), c), default=())


@dataclass(frozen=True)
class Actual:
    """What really happened to one activity; ``None`` means not yet."""

    started_on: dt.date | None = None
    finished_on: dt.date | None = None


@dataclass(frozen=True)
class Slip:
    """Planned against forecast dates of one activity.

    ``status``: 'done' | 'in_progress' | 'not_started'. ``cause`` (when ``finish_slip_days > 0``):
    'overrun' (took longer or still running), 'late_start' (not started when it could have),
    'predecessor' (pushed by ``driving_predecessor``), 'early_finish' for a negative slip, else ``None``.
    """

    number: int
    status: str
    planned_start: dt.date
    planned_finish: dt.date
    forecast_start: dt.date
    forecast_finish: dt.date
    cause: str | None = None
    driving_predecessor: int | None = None

    @property
    def start_slip_days(self) -> int:
        return (self.forecast_start - self.planned_start).days

    @property
    def finish_slip_days(self) -> int:
        return (self.forecast_finish - self.planned_finish).days


@dataclass(frozen=True)
class SlippageReport:
    activities: Mapping[int, Slip]
    planned_finish: dt.date
    forecast_finish: dt.date

    @property
    def finish_slip_days(self) -> int:
        return (self.forecast_finish - self.planned_finish).days

    @property
    def slipping(self) -> tuple[int, ...]:
        return tuple(n for n, s in sorted(self.activities.items()) if s.finish_slip_days > 0)


def _check_actuals(plan: Plan, actuals: Mapping[int, Actual], today: dt.date | None) -> None:
    numbers = {a.number for a in plan.activities}
    for n, actual in actuals.items():
        if n not in numbers:
            raise UnknownActivityError(n)
        start, finish = actual.started_on, actual.finished_on
        if start and finish and finish < start:
            raise InvalidInputError(f"actuals[{n}].finished_on", "is before started_on")
        for name, value in (("started_on", start), ("finished_on", finish)):
            if today and value and value > today:
                raise InvalidInputError(f"actuals[{n}].{name}", "is after today")


def _replay(plan: Plan, actuals: Mapping[int, Actual], today: dt.date | None) -> SlippageReport:
    graph = activity_graph(plan)
    baseline = compute_schedule(plan)
    one = dt.timedelta(days=1)
    slips: dict[int, Slip] = {}
    for n in topological_order(graph):
        planned = baseline[n]
        length = dt.timedelta(days=planned.duration - 1)
        actual = actuals.get(n, Actual())
        cause: str | None = None
        driver: int | None = None
        if actual.finished_on is not None:
            status, finish = "done", actual.finished_on
            start = actual.started_on or min(planned.earliest_start, finish)
        elif actual.started_on is not None:
            status, start = "in_progress", actual.started_on
            finish = max(start + length, today) if today else start + length
        else:
            status, start = "not_started", planned.earliest_start
            for p in sorted(graph.predecessors(n)):
                ready = slips[p].forecast_finish + one + dt.timedelta(days=graph.edges[p, n]["lag"])
                if ready > start:
                    start, driver, cause = ready, p, "predecessor"
            if today and today > start:
                start, driver, cause = today, None, "late_start"
            finish = start + length
        if finish > planned.earliest_finish and status != "not_started":
            cause = "late_start" if start > planned.earliest_start and finish - start == length else "overrun"
        elif finish < planned.earliest_finish:
            cause, driver = "early_finish", None
        elif finish == planned.earliest_finish:
            cause, driver = None, None
        slips[n] = Slip(n, status, planned.earliest_start, planned.earliest_finish, start, finish, cause,
                        driver)
    forecast_finish = max(s.forecast_finish for s in slips.values())
    return SlippageReport(slips, baseline.finish, forecast_finish)


def slippage(plan: Plan, actuals: Mapping[int, Actual], today: dt.date) -> SlippageReport:
    """Forecast every activity from the actual dates known on ``today`` and compare with the plan.

    Actual dates after ``today`` or a finish before its start raise :class:`InvalidInputError`.
    """
    _check_actuals(plan, actuals, today)
    return _replay(plan, actuals, today)


def successors_shift(plan: Plan, number: int, finished_on: dt.date,
                     actuals: Mapping[int, Actual] | None = None) -> dict[int, int]:
    """Days each activity downstream of ``number`` moves (forecast start minus planned start) when
    ``number`` is marked done on ``finished_on``; other known ``actuals`` are taken into account.

    Only descendants are returned; early finishes never pull a successor before its planned start.
    """
    graph = activity_graph(plan)
    if number not in graph:
        raise UnknownActivityError(number)
    facts = dict(actuals or {})
    facts[number] = Actual(facts.get(number, Actual()).started_on, finished_on)
    _check_actuals(plan, facts, None)
    report = _replay(plan, facts, None)
    return {n: report.activities[n].start_slip_days for n in sorted(nx.descendants(graph, number))}
