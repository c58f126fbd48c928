"""The built-in gap rules, one module per family; importing this package registers them all."""

from rollout.gap_rules import assignment, audience, cascade, coverage, data_quality, progress

__all__ = ["assignment", "audience", "cascade", "coverage", "data_quality", "progress"]
