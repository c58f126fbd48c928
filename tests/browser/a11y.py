"""axe-core in the browser tests: the vendored copy (tests/browser/vendor/) evaluated in the page, never fetched."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
BLOCKING = {"serious", "critical"}


def violations(page, impacts=frozenset(BLOCKING)) -> list[dict]:
    """axe's violations on the page as it is now, of the given impacts: rule id, impact, help and the first
    offending nodes (enough to fix them from the test's message)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in found if v["impact"] in impacts]
