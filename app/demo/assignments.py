"""Demo assignments: a few dozen of the optimiser's suggestions accepted at staggered dates.

Rules: the suggestions are computed for the whole province (as the steering committee sees it) and
accepted through the same operation coordinators use (capacity, audit); start dates go back 5–90 days,
so those older than `assignment_idle_days` without a class in their target are idle gaps to find.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from app import ROOT
from app.assignments import operations
from app.assignments.neighbours import load_neighbours
from app.assignments.queries import overview
from app.scope import Scope

NEIGHBOURS_FILE = ROOT / "data" / "areas" / "neighbours-2024-thai-nguyen.csv"
WANTED = 36


def load_demo_neighbours() -> int:
    created, _unchanged = load_neighbours(NEIGHBOURS_FILE)
    return created


def seed_assignments(today: date, seed: int) -> int:
    rng = random.Random(seed)
    everyone = Scope(everything=True)
    suggestions = overview(everyone, today).suggestions
    step = max(1, len(suggestions) // WANTED)
    made = 0
    for s in suggestions[::step][:WANTED]:
        starts_on = today - timedelta(days=rng.choice((5, 12, 20, 45, 60, 90)))
        operations.assign(everyone, s.trainer_id, s.target.kind, s.target.id, classes=s.classes,
                          starts_on=starts_on, ends_on=starts_on + timedelta(days=120), today=today,
                          reason_code=s.reason_code, reason=s.why)
        made += 1
    return made
