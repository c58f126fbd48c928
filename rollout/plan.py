"""The rollout plan as data: phases, activities with windows and dependencies, levels and targets.

Rules enforced by :func:`load_plan` (each failure is an :class:`InvalidFieldError` naming the field's path):
- every required field is present and typed; unknown fields are refused;
- a window's ``start`` is not after its ``end``; every phase and activity window lies within ``period``;
- phase, activity and level numbers are unique; levels are numbered 1..n;
- an activity's ``phase`` names an existing phase; ``depends_on`` names an existing other activity, once;
- target codes and indicator codes are unique across the plan; percentages are in (0, 100].
Dependency cycles are not checked here: :mod:`rollout.schedule` refuses them with their path.
The file format is described in ``docs/plan-format.md``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rollout._fields import Fields
from rollout.errors import InvalidFieldError, PlanFileError, UnknownActivityError

__all__ = [
    "Window",
    "Phase",
    "Dependency",
    "Activity",
    "LevelSpec",
    "IndicatorSpec",
    "TargetSpec",
    "Plan",
    "load_plan",
    "load_plan_file",
]

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Window:
    """Inclusive date range ``[start, end]``; ``text`` keeps the source wording."""

    start: dt.date
    end: dt.date
    text: str | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Phase:
    number: int
    name: str
    window: Window
    content: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dependency:
    """Finish-to-start: ``successor`` starts no earlier than ``lag_days`` days after the day following the
    last day of ``predecessor`` (a negative lag is a lead, an allowed overlap)."""

    predecessor: int
    successor: int
    lag_days: int = 0


@dataclass(frozen=True)
class Activity:
    number: int
    title: str
    window: Window
    lead_units: tuple[str, ...] = ()
    short_title: str = ""  # a few words for the Gantt and lists; the full title stays the plan's wording
    coordinating_units: tuple[str, ...] = ()
    phase: int | None = None
    quantities: dict[str, int] = field(default_factory=dict, hash=False)
    depends_on: tuple[Dependency, ...] = ()


@dataclass(frozen=True)
class LevelSpec:
    number: int
    name: str
    content: tuple[str, ...]
    outcome: str


@dataclass(frozen=True)
class IndicatorSpec:
    """One measurable share: ``percent`` of the target's denominator by the target's deadline."""

    code: str
    percent: float
    label: str

    @property
    def fraction(self) -> float:
        return self.percent / 100.0


@dataclass(frozen=True)
class TargetSpec:
    code: str
    text: str
    denominator: str
    deadline: dt.date
    indicators: tuple[IndicatorSpec, ...]


@dataclass(frozen=True)
class Plan:
    number: str
    date: dt.date
    issuer: str
    title: str
    area_code: str
    period: Window
    phases: tuple[Phase, ...]
    activities: tuple[Activity, ...]
    levels: tuple[LevelSpec, ...] = ()
    targets: tuple[TargetSpec, ...] = ()

    def activity(self, number: int) -> Activity:
        for activity in self.activities:
            if activity.number == number:
                return activity
        raise UnknownActivityError(number)

    @property
    def dependencies(self) -> tuple[Dependency, ...]:
        return tuple(dep for activity in self.activities for dep in activity.depends_on)

    def indicator(self, code: str) -> tuple[TargetSpec, IndicatorSpec]:
        """The target and indicator with this indicator code; ``KeyError`` if none."""
        for target in self.targets:
            for spec in target.indicators:
                if spec.code == code:
                    return target, spec
        raise KeyError(code)


def _window(data: Any, path: str, period: Window | None) -> Window:
    f = Fields(data, path, {"start", "end", "text"})
    window = Window(f.date("start", month_end=False), f.date("end", month_end=True), f.text_or_none("text"))
    if window.start > window.end:
        raise InvalidFieldError(f.sub("end"), "is before start")
    if period is not None and not (period.contains(window.start) and period.contains(window.end)):
        raise InvalidFieldError(path, "lies outside the plan period")
    return window


def _unique(seen: set[Any], value: Any, path: str) -> None:
    if value in seen:
        raise InvalidFieldError(path, f"duplicate {value!r}")
    seen.add(value)


def _phases(f: Fields, period: Window) -> tuple[Phase, ...]:
    phases, seen = [], set()
    for path, item in f.items("phases"):
        p = Fields(item, path, {"number", "name", "window", "content"})
        number = p.integer("number", minimum=1)
        _unique(seen, number, p.sub("number"))
        window = _window(p.data.get("window"), p.sub("window"), period)
        phases.append(Phase(number, p.text("name"), window, p.text_list("content", required=False)))
    return tuple(phases)


SHORT_TITLE_MAX = 44  # what the Gantt's label column holds (app/plan/gantt.py _short)


def _short_title(a: Fields) -> str:
    """The optional `short_title`: at most SHORT_TITLE_MAX characters."""
    if a.data.get("short_title") in (None, ""):
        return ""
    text = a.text("short_title")
    if len(text) > SHORT_TITLE_MAX:
        raise InvalidFieldError(a.sub("short_title"), f"at most {SHORT_TITLE_MAX} characters")
    return text


def _activities(f: Fields, period: Window, phase_numbers: set[int]) -> tuple[Activity, ...]:
    keys = {"number", "title", "short_title", "lead_units", "coordinating_units", "window", "phase", "quantities",
            "depends_on"}
    raw, seen = [], set()
    for path, item in f.items("activities"):
        a = Fields(item, path, keys)
        number = a.integer("number", minimum=1)
        _unique(seen, number, a.sub("number"))
        raw.append((a, number))
    activities = []
    for a, number in raw:
        phase = a.integer_or_none("phase")
        if phase is not None and phase not in phase_numbers:
            raise InvalidFieldError(a.sub("phase"), f"no phase {phase}")
        quantities: dict[str, int] = {}
        if a.data.get("quantities") is not None:
            q = Fields(a.data["quantities"], a.sub("quantities"), set(a.data["quantities"]))
            quantities = {str(k): q.integer(str(k), minimum=0) for k in q.data}
        deps, preds = [], set()
        for dpath, ditem in a.items("depends_on", required=False):
            d = Fields(ditem, dpath, {"activity", "lag_days"})
            pred = d.integer("activity")
            if pred == number:
                raise InvalidFieldError(d.sub("activity"), "an activity cannot depend on itself")
            if pred not in seen:
                raise InvalidFieldError(d.sub("activity"), f"no activity {pred}")
            _unique(preds, pred, d.sub("activity"))
            deps.append(Dependency(pred, number, d.integer_or_none("lag_days") or 0))
        activities.append(Activity(
            number=number,
            title=a.text("title"),
            short_title=_short_title(a),
            window=_window(a.data.get("window"), a.sub("window"), period),
            lead_units=a.text_list("lead_units", required=False),
            coordinating_units=a.text_list("coordinating_units", required=False),
            phase=phase,
            quantities=quantities,
            depends_on=tuple(deps),
        ))
    return tuple(activities)


def _levels(f: Fields) -> tuple[LevelSpec, ...]:
    levels = []
    for i, (path, item) in enumerate(f.items("levels", required=False)):
        lv = Fields(item, path, {"number", "name", "content", "outcome"})
        number = lv.integer("number")
        if number != i + 1:
            raise InvalidFieldError(lv.sub("number"), f"levels must be numbered 1..n; expected {i + 1}")
        levels.append(LevelSpec(number, lv.text("name"), lv.text_list("content"), lv.text("outcome")))
    return tuple(levels)


def _targets(f: Fields) -> tuple[TargetSpec, ...]:
    targets, codes, indicator_codes = [], set(), set()
    for path, item in f.items("targets", required=False):
        t = Fields(item, path, {"code", "text", "denominator", "deadline", "indicators"})
        code = t.text("code")
        _unique(codes, code, t.sub("code"))
        indicators = []
        for ipath, iitem in t.items("indicators"):
            i = Fields(iitem, ipath, {"code", "percent", "label"})
            icode = i.text("code")
            _unique(indicator_codes, icode, i.sub("code"))
            indicators.append(IndicatorSpec(icode, i.number("percent", low=0, high=100), i.text("label")))
        targets.append(TargetSpec(code, t.text("text"), t.text("denominator"), t.date("deadline"),
                                  tuple(indicators)))
    return tuple(targets)


def load_plan(data: dict[str, Any]) -> Plan:
    """Validate a plan document (parsed YAML or JSON) and build a :class:`Plan`."""
    keys = {"format_version", "number", "date", "issuer", "title", "area_code", "period", "phases",
            "activities", "levels", "targets"}
    f = Fields(data, "", keys)
    version = f.integer_or_none("format_version")
    if version not in (None, FORMAT_VERSION):
        raise InvalidFieldError("format_version", f"unsupported version {version}; expected {FORMAT_VERSION}")
    period = _window(data.get("period"), "period", None)
    phases = _phases(f, period)
    return Plan(
        number=f.text("number"),
        date=f.date("date"),
        issuer=f.text("issuer"),
        title=f.text("title"),
        area_code=f.text("area_code"),
        period=period,
        phases=phases,
        activities=_activities(f, period, {p.number for p in phases}),
        levels=_levels(f),
        targets=_targets(f),
    )


def load_plan_file(path: str | Path) -> Plan:
    """Read a ``.yaml``/``.yml`` or ``.json`` plan file and :func:`load_plan` it."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise PlanFileError(str(path), "unsupported extension; use .yaml, .yml or .json")
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise PlanFileError(str(path), f"cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise PlanFileError(str(path), "the document must be a mapping")
    return load_plan(data)
