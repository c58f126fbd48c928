"""Invitations and password resets: one-time links that open an account for a trainer (see `operations.py`).

Scope rule: an invitation is seen with its person's trainer record (a coordinator's area or unit subtree).
"""

from sqlalchemy import select

from app.models import Invitation, Trainer
from app.scope import register_rule, visible


def _invitations(s):
    return Invitation.person_id.in_(select(Trainer.person_id).where(visible(Trainer, s)))


register_rule(Invitation, _invitations)
