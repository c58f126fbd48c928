"""reconcile: open, reopen, auto-resolve, refresh, leave; idempotent."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rollout.errors import InvalidInputError
from rollout.gaps import Finding, StoredGap, apply_reconciliation, reconcile


def f(code: str, sid: int, **params) -> Finding:
    return Finding(code, "commune", sid, sid, params)


def test_each_transition():
    stored = {
        ("a", "commune", 1): StoredGap("open"),            # still found: leave
        ("a", "commune", 2): StoredGap("acknowledged"),    # gone: resolve
        ("a", "commune", 3): StoredGap("resolved"),        # back: reopen
        ("a", "commune", 4): StoredGap("resolved"),        # still gone: leave
        ("a", "commune", 5): StoredGap("open", {"v": 1}),  # found with new params: refresh
        ("b", "commune", 6): StoredGap("open"),            # other rule, not evaluated: leave
    }
    findings = [f("a", 1), f("a", 3), f("a", 5, v=2), f("a", 7), f("a", 7, v=9)]
    result = reconcile(stored, findings, rule_codes={"a"})
    assert [x.key for x in result.to_open] == [("a", "commune", 7)]
    assert result.to_open[0].params == {}  # the first of two findings with one key wins
    assert [x.key for x in result.to_reopen] == [("a", "commune", 3)]
    assert result.to_resolve == (("a", "commune", 2),)
    assert [x.key for x in result.to_refresh] == [("a", "commune", 5)]
    assert sorted(result.unchanged) == [("a", "commune", 1), ("a", "commune", 4), ("b", "commune", 6)]
    after = apply_reconciliation(stored, result)
    assert after[("a", "commune", 2)].state == "resolved"
    assert after[("a", "commune", 3)].state == "open"
    assert after[("a", "commune", 5)].params == {"v": 2}
    assert not reconcile(after, findings, rule_codes={"a"}).changed
    assert reconcile(stored, findings).to_resolve == (("a", "commune", 2), ("b", "commune", 6))


def test_bad_state():
    with pytest.raises(InvalidInputError) as err:
        reconcile({("a", "commune", 1): StoredGap("closed")}, [f("a", 1)])
    assert err.value.code == "invalid_input"


keys = st.tuples(st.sampled_from(["a", "b"]), st.just("commune"), st.integers(0, 6))
params = st.dictionaries(st.just("v"), st.integers(0, 2))
states = st.sampled_from(["open", "acknowledged", "resolved"])
stored_gaps = st.dictionaries(keys, st.builds(StoredGap, states, params))
finding_lists = st.lists(st.builds(lambda k, v: Finding(k[0], k[1], k[2], None, v), keys, params))


@settings(max_examples=200, deadline=None)
@given(stored=stored_gaps, findings=finding_lists, scoped=st.booleans())
def test_reconcile_is_idempotent(stored, findings, scoped):
    codes = {"a"} if scoped else None
    after = apply_reconciliation(stored, reconcile(stored, findings, rule_codes=codes))
    again = reconcile(after, findings, rule_codes=codes)
    assert not again.changed
    assert apply_reconciliation(after, again) == after
    found = {x.key for x in findings}
    for key, gap in after.items():
        if key in found:
            assert gap.state in ("open", "acknowledged")
        elif codes is None or key[0] in codes:
            assert gap.state == "resolved"
