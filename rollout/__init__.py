"""Lan Tỏa's rollout domain: the plan, its schedule, targets and indicators, gap rules and forecasts.

Pure Python: never imports Flask, SQLAlchemy or ``app``; takes ``today`` as a parameter, never reads a clock.
Import from the submodules (``rollout.plan``, ``rollout.schedule``, ``rollout.gaps``, ``rollout.indicators``,
``rollout.forecast``); :mod:`rollout.errors` holds the one exception tree.
"""

from pathlib import Path

__all__ = ["PLANS_DIR"]

#: Folder of the plan files shipped with the project (``data/plans``).
PLANS_DIR = Path(__file__).resolve().parent.parent / "data" / "plans"
