"""Gap detection: the registry of rules, running them over a snapshot, and the stored-gap lifecycle.

Rules:
- importing this module registers every built-in rule (:mod:`rollout.gap_rules`);
- :func:`evaluate` runs rules over one :class:`GapInputs` snapshot and returns findings in a stable order
  (registration order of the rules, then subject id); it is pure: same inputs, same findings;
- :func:`activity_rows` gives the activity rows from the plan's schedule (planned dates) and the actuals;
- :func:`reconcile` turns findings into lifecycle changes (see :mod:`rollout.gap_lifecycle`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from rollout import gap_rules
from rollout.gap_inputs import (
    ActivityRow,
    AreaRow,
    AssignmentRow,
    ClassRow,
    DistrictPlanRow,
    DuplicatePersonsRow,
    GapInputs,
    GapSettings,
    IndicatorRow,
    ReproductionRow,
    SubtreeActivityRow,
    TrainerRow,
    UnitRow,
)
from rollout.gap_lifecycle import STATES, Reconciliation, StoredGap, apply_reconciliation, reconcile
from rollout.gap_registry import (
    REGISTRY,
    SCOPES,
    SEVERITIES,
    Finding,
    GapRule,
    fill_message,
    render_message,
    rule,
)
from rollout.plan import Plan
from rollout.schedule import Actual, compute_schedule

__all__ = [
    "ActivityRow",
    "AreaRow",
    "AssignmentRow",
    "ClassRow",
    "DistrictPlanRow",
    "DuplicatePersonsRow",
    "GapInputs",
    "GapSettings",
    "IndicatorRow",
    "ReproductionRow",
    "SubtreeActivityRow",
    "TrainerRow",
    "UnitRow",
    "Finding",
    "GapRule",
    "SCOPES",
    "SEVERITIES",
    "STATES",
    "StoredGap",
    "Reconciliation",
    "rule",
    "rules",
    "get_rule",
    "evaluate",
    "render_message",
    "fill_message",
    "reconcile",
    "apply_reconciliation",
    "activity_rows",
    "gap_rules",
]


def rules() -> list[GapRule]:
    """Every registered rule, in registration order."""
    return list(REGISTRY.values())


def get_rule(code: str) -> GapRule:
    """The rule with this code; ``KeyError`` if none."""
    return REGISTRY[code]


def evaluate(inputs: GapInputs, codes: Collection[str] | None = None) -> list[Finding]:
    """Run the rules (all, or those in ``codes``) over ``inputs``."""
    findings: list[Finding] = []
    for gap_rule in rules():
        if codes is None or gap_rule.code in codes:
            findings.extend(sorted(gap_rule.findings(inputs), key=lambda f: str(f.subject_id)))
    return findings


def activity_rows(plan: Plan, actuals: Mapping[int, Actual]) -> list[ActivityRow]:
    """One row per plan activity: planned dates from the critical-path schedule, actual dates when known."""
    schedule = compute_schedule(plan)
    rows = []
    for activity in plan.activities:
        planned = schedule[activity.number]
        actual = actuals.get(activity.number, Actual())
        rows.append(ActivityRow(activity.number, activity.title, planned.earliest_start,
                                planned.earliest_finish, actual.started_on, actual.finished_on))
    return rows
