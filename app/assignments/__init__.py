"""Assignment (phân công): where trainers are missing, who should go there, and the assignments made.

- `need.py`: targets (communes of the working map, units) with their need and coverage;
- `neighbours.py`: neighbouring districts, loaded from `data/areas/neighbours-*.csv`;
- `queries.py`: scoped reads, trainer capacity, suggestions (via `network.assignment`), rows for the gap scan;
- `explain.py`: why a suggestion (a Vietnamese sentence from the reason code and figures);
- `operations.py`: assign (row lock on the trainer), accept all, end, cancel — audited, flush only.

Scope: an assignment is visible with its trainer or with its target (commune or unit).
"""

from sqlalchemy import or_, select

from app.models import Area, Assignment, Trainer, Unit
from app.scope import Scope, register_rule, visible


def _assignments(s: Scope):
    return or_(
        Assignment.trainer_id.in_(select(Trainer.id).where(visible(Trainer, s))),
        Assignment.area_id.in_(select(Area.id).where(visible(Area, s))),
        Assignment.unit_id.in_(select(Unit.id).where(visible(Unit, s))),
    )


register_rule(Assignment, _assignments)
