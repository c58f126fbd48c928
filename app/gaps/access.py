"""Who sees a gap.

- steering, admin and unscoped viewers: every gap;
- an area scope: gaps placed in its area subtree, and gaps about activities it is responsible for (a linked
  lead unit placed inside the area);
- a unit scope: gaps about units of its subtree, and about activities led by a unit of its subtree.
The gap counts (`GapCount`, per area / unit / activity bucket) follow the same rule, bucket by bucket.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, String, and_, cast, false, or_, select

from app.models import Gap, GapCount, Unit
from app.plan.access import led_activity_ids
from app.scope import Scope, area_subtree_ids, register_rule, unit_subtree_ids


def _about_led_activities(s: Scope) -> ColumnElement[bool]:
    ids = led_activity_ids(s).subquery()
    return and_(Gap.subject_kind == "activity", Gap.subject_id.in_(select(cast(ids.c.activity_id, String))))


def _gaps(s: Scope) -> ColumnElement[bool]:
    if s.area_path:
        return or_(Gap.area_id.in_(area_subtree_ids(s.area_path)), _about_led_activities(s))
    if s.unit_path:
        units = select(cast(Unit.id, String)).where(Unit.id.in_(unit_subtree_ids(s.unit_path)))
        return or_(and_(Gap.subject_kind == "unit", Gap.subject_id.in_(units)), _about_led_activities(s))
    return false()


register_rule(Gap, _gaps)


def _gap_counts(s: Scope) -> ColumnElement[bool]:
    led = GapCount.activity_id.in_(select(led_activity_ids(s).subquery().c.activity_id))
    if s.area_path:
        return or_(GapCount.area_id.in_(area_subtree_ids(s.area_path)), led)
    if s.unit_path:
        return or_(GapCount.unit_id.in_(unit_subtree_ids(s.unit_path)), led)
    return false()


register_rule(GapCount, _gap_counts)
