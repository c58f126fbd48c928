"""The rollout plan in the web layer: loading plan files, the Gantt view, progress and evidence, district
plans. The schedule maths live in `rollout.schedule`; this package stores, scopes and shows.

Area-bearing columns (moved by `lantoa areas migrate` onto a new map): a plan's and an activity's area, and an
evidence file's area. A district plan stays on its district: it records what that district issued.
"""

from app.areas.registry import register_area_column
from app.models import Activity, Evidence, Plan
from app.plan import access  # noqa: F401  (registers the scope rules of the plan's models)

register_area_column(Plan, "area_id", "Kế hoạch", Plan.number)
register_area_column(Activity, "area_id", "Hoạt động của kế hoạch", Activity.title)
register_area_column(Evidence, "area_id", "Minh chứng", Evidence.original_name)
