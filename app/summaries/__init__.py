"""Stored summaries of what dashboards show: see `app/summaries/registry.py` (the mechanism) and
`app/summaries/catalogue.py` (every summary and its readers)."""

from app.summaries.registry import KEEP_DAYS, MODES, Stored, mark_stale, read, refresh_due, summary

__all__ = ["KEEP_DAYS", "MODES", "Stored", "mark_stale", "read", "refresh_due", "summary"]
