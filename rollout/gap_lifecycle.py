"""The life of a stored gap: open -> acknowledged -> resolved, and back to open when the condition returns.

Rules of :func:`reconcile` (a gap's identity is its key ``(rule_code, subject_kind, subject_id)``):
- a finding with no stored gap is opened;
- a finding whose stored gap is 'resolved' is reopened (the condition came back);
- a stored 'open' or 'acknowledged' gap with no finding is resolved automatically (the condition cleared);
- a stored 'open' or 'acknowledged' gap that is still found keeps its state; its params are refreshed when
  they changed (e.g. a ratio moved);
- everything else is left as it is; with ``rule_codes`` given, stored gaps of other rules are left alone (for
  a run that evaluated only some rules);
- two findings with the same key count once (the first wins).
Applying the result (:func:`apply_reconciliation`) and reconciling again with the same findings changes
nothing: the operation is idempotent.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rollout.errors import InvalidInputError
from rollout.gap_registry import Finding, Key

__all__ = ["STATES", "StoredGap", "Reconciliation", "reconcile", "apply_reconciliation"]

STATES = ("open", "acknowledged", "resolved")


@dataclass(frozen=True)
class StoredGap:
    state: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Reconciliation:
    to_open: tuple[Finding, ...] = ()
    to_reopen: tuple[Finding, ...] = ()
    to_resolve: tuple[Key, ...] = ()
    to_refresh: tuple[Finding, ...] = ()
    unchanged: tuple[Key, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.to_open or self.to_reopen or self.to_resolve or self.to_refresh)


def reconcile(stored: Mapping[Key, StoredGap], findings: Iterable[Finding], *,
              rule_codes: Collection[str] | None = None) -> Reconciliation:
    """Compare the stored gaps with a fresh run's findings; see the module rules."""
    current: dict[Key, Finding] = {}
    for finding in findings:
        current.setdefault(finding.key, finding)
    to_open, to_reopen, to_refresh, to_resolve, unchanged = [], [], [], [], []
    for key, finding in current.items():
        gap = stored.get(key)
        if gap is None:
            to_open.append(finding)
        elif _state(key, gap) == "resolved":
            to_reopen.append(finding)
        elif dict(gap.params) != dict(finding.params):
            to_refresh.append(finding)
        else:
            unchanged.append(key)
    for key, gap in stored.items():
        if key in current:
            continue
        in_scope = rule_codes is None or key[0] in rule_codes
        if in_scope and _state(key, gap) in ("open", "acknowledged"):
            to_resolve.append(key)
        else:
            unchanged.append(key)
    return Reconciliation(tuple(to_open), tuple(to_reopen), tuple(to_resolve), tuple(to_refresh),
                          tuple(unchanged))


def _state(key: Key, gap: StoredGap) -> str:
    if gap.state not in STATES:
        raise InvalidInputError(f"stored[{key!r}].state", f"must be one of {', '.join(STATES)}")
    return gap.state


def apply_reconciliation(stored: Mapping[Key, StoredGap], result: Reconciliation) -> dict[Key, StoredGap]:
    """The stored gaps after carrying out ``result`` (what the app does in its database, as plain data)."""
    after = dict(stored)
    for finding in (*result.to_open, *result.to_reopen):
        after[finding.key] = StoredGap("open", dict(finding.params))
    for finding in result.to_refresh:
        after[finding.key] = StoredGap(after[finding.key].state, dict(finding.params))
    for key in result.to_resolve:
        after[key] = StoredGap("resolved", after[key].params)
    return after
