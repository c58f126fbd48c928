"""Reports: the quarterly workbook (a registry of sheet builders), its archive, and exports of every list.

A report is seen by users whose scope includes the report's area (registered here with `app.scope`).
"""

from sqlalchemy import false

from app.models import Report
from app.scope import area_subtree_ids, register_rule


def _reports(s):
    return Report.area_id.in_(area_subtree_ids(s.area_path)) if s.area_path else false()


register_rule(Report, _reports)
