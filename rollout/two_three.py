"""The 2–3 rule, defined once: each trainer opens 2–3 classes ("mỗi học viên nòng cốt mở 2-3 lớp").

Rules (plain data in, plain data out; `today` is a parameter):

- ``over``: more than ``max_running`` classes running at the same time (whatever was opened);
- ``below``: fewer than ``min_classes`` classes opened (cancelled ones do not count) once the grace period
  has passed: ``today - trainer_since >= grace_days``. A trainer promoted today, or within the grace period,
  is never below. An unknown ``trainer_since`` (None) gets no grace;
- ``within``: otherwise.

Readers: the 2–3 rule page query (`app.training.queries.rule_rows`), the badges of the trainer profile, the
dashboard and the rule page, and the gap rules ``trainer_few_classes`` / ``trainer_overloaded``.

>>> s = TwoThreeSettings(min_classes=2, max_running=3, grace_days=90)
>>> d = dt.date(2025, 6, 1)
>>> classify(0, 0, d, d, s)
'within'
>>> classify(1, 1, dt.date(2025, 1, 1), d, s)
'below'
>>> classify(5, 4, dt.date(2025, 1, 1), d, s)
'over'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["TwoThreeSettings", "BELOW", "WITHIN", "OVER", "classify", "grace_over"]

BELOW, WITHIN, OVER = "below", "within", "over"


@dataclass(frozen=True)
class TwoThreeSettings:
    min_classes: int = 2
    max_running: int = 3
    grace_days: int = 90


def grace_over(trainer_since: dt.date | None, today: dt.date, settings: TwoThreeSettings) -> bool:
    """True when the trainer can be judged for the minimum: the grace period has passed (or no date is known)."""
    return trainer_since is None or (today - trainer_since).days >= settings.grace_days


def classify(opened: int, running: int, trainer_since: dt.date | None, today: dt.date,
             settings: TwoThreeSettings) -> str:
    """``below`` / ``within`` / ``over`` for one trainer (see the module rules)."""
    if running > settings.max_running:
        return OVER
    if opened < settings.min_classes and grace_over(trainer_since, today, settings):
        return BELOW
    return WITHIN
