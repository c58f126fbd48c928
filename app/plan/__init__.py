"""The rollout plan in the web layer: loading plan files, the Gantt view, progress and evidence, district
plans. The schedule maths live in `rollout.schedule`; this package stores, scopes and shows."""

from app.plan import access  # noqa: F401  (registers the scope rules of the plan's models)
