"""The plan's five levels with their content, read from the plan file (data/plans/kh137.yaml).

Read on each call (a few milliseconds): no state is kept between requests.
"""

from __future__ import annotations

from app import ROOT
from app.models.vocab import LEVELS
from rollout.errors import PlanError
from rollout.plan import load_plan_file

PLAN_FILE = ROOT / "data" / "plans" / "kh137.yaml"


def level_specs() -> list[dict]:
    """[{number, label, content: [...], outcome}] for Bậc 1–5; falls back to the labels alone."""
    try:
        levels = {lv.number: lv for lv in load_plan_file(PLAN_FILE).levels}
    except PlanError:
        levels = {}
    return [
        {"number": n, "label": label, "content": list(levels[n].content) if n in levels else [],
         "outcome": levels[n].outcome if n in levels else ""}
        for n, label in LEVELS.items()
    ]
