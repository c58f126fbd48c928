"""Gap rules and their registry.

Rules:
- a rule has a unique ``code``, a ``severity`` ('high' | 'medium' | 'low'), a ``scope`` (the kind of subject
  it is about), a Vietnamese ``message`` template filled from the finding's ``params``, a Vietnamese
  ``why`` (why it matters);
- its check is a pure function of :class:`GapInputs` yielding :class:`Finding`s of its own code and scope;
- a finding's identity is its ``key`` ``(rule_code, subject_kind, subject_id)``; ``params`` are JSON-friendly
  (dates as ISO strings) and shown with dates as dd/mm/yyyy and lists joined by commas.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rollout.errors import GapRuleError
from rollout.gap_inputs import GapInputs, Id

__all__ = ["SEVERITIES", "SCOPES", "Finding", "GapRule", "REGISTRY", "rule", "render_message", "fill_message"]

SEVERITIES = ("high", "medium", "low")
SCOPES = ("commune", "district", "unit", "trainer", "activity", "area", "person", "class", "assignment")

Key = tuple[str, str, Id]
Check = Callable[[GapInputs], Iterable["Finding"]]


@dataclass(frozen=True)
class Finding:
    rule_code: str
    subject_kind: str
    subject_id: Id
    area_id: Id | None = None
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def key(self) -> Key:
        return (self.rule_code, self.subject_kind, self.subject_id)


@dataclass(frozen=True)
class GapRule:
    code: str
    severity: str
    scope: str
    message: str
    why: str
    check: Check

    def findings(self, inputs: GapInputs) -> list[Finding]:
        found = list(self.check(inputs))
        for f in found:
            if f.rule_code != self.code or f.subject_kind != self.scope:
                raise GapRuleError(self.code, f"yielded a finding of {f.rule_code}/{f.subject_kind}")
        return found


REGISTRY: dict[str, GapRule] = {}


def rule(code: str, *, severity: str, scope: str, message: str, why: str) -> Callable[[Check], Check]:
    """Register the decorated check as a gap rule in :data:`REGISTRY`."""
    if severity not in SEVERITIES:
        raise GapRuleError(code, f"unknown severity {severity!r}")
    if scope not in SCOPES:
        raise GapRuleError(code, f"unknown scope {scope!r}")
    if code in REGISTRY:
        raise GapRuleError(code, "registered twice")

    def register(check: Check) -> Check:
        REGISTRY[code] = GapRule(code, severity, scope, message, why, check)
        return check

    return register


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _display(value: Any) -> str:
    if isinstance(value, str) and _ISO_DATE.match(value):
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    if isinstance(value, list | tuple):
        return ", ".join(_display(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def render_message(finding: Finding, registry: Mapping[str, GapRule] = REGISTRY) -> str:
    """The rule's Vietnamese message filled from the finding's params."""
    return fill_message(registry[finding.rule_code].message, finding.params)


def fill_message(template: str, params: Mapping[str, Any]) -> str:
    """A message template filled from params (dates as dd/mm/yyyy, lists joined by commas)."""
    return template.format(**{k: _display(v) for k, v in params.items()})
