"""Stored gaps: the scan that finds them (rules from `rollout.gaps`), who sees them, acknowledging them."""

from app.gaps import access  # noqa: F401  (registers the scope rule of Gap)
