"""Scoped reads of gaps, and their Vietnamese messages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Area, Gap, GapEvent, User
from app.scope import visible
from rollout.gaps import REGISTRY, fill_message

ACTIVE = ("open", "acknowledged")

# Short Vietnamese names of the rules, for filters and e-mails (the rule's own message is the full text).
RULE_LABELS = {
    "audience_ethnic_minority_not_reached": "Chưa có lớp cho đồng bào dân tộc thiểu số",
    "audience_household_business_not_reached": "Chưa có lớp cho hộ kinh doanh",
    "trainer_few_classes": "Giảng viên mở ít lớp",
    "trainer_overloaded": "Giảng viên quá tải",
    "cascade_stalled": "Nhánh lan tỏa dừng lại",
    "cascade_r_below_one": "Hệ số lan tỏa dưới 1",
    "commune_without_trainer": "Xã chưa có giảng viên",
    "unit_without_core_group": "Đơn vị chưa có nhóm nòng cốt",
    "district_without_plan": "Huyện, xã chưa ban hành kế hoạch",
    "duplicate_person": "Hồ sơ trùng lặp",
    "trainer_without_unit_or_commune": "Giảng viên chưa gắn đơn vị, địa bàn",
    "class_completed_without_learners": "Lớp kết thúc chưa có học viên",
    "commune_below_trajectory": "Xã chậm so với lộ trình",
    "unit_below_trajectory": "Đơn vị chậm so với lộ trình",
    "activity_overdue": "Hoạt động quá hạn",
    "activity_not_started": "Hoạt động chưa bắt đầu",
    "assignment_idle": "Phân công chưa mở lớp",
}


ORDER = (Gap.severity_rank.desc(), Gap.opened_at.desc(), Gap.id.desc())  # the most severe, then newest first


def _listed(stmt, user, states, rule_code: str | None, severity_code: str | None):
    stmt = stmt.where(visible(Gap, user), Gap.state.in_(states))
    if rule_code:
        stmt = stmt.where(Gap.rule_code == rule_code)
    if severity_code:
        stmt = stmt.where(Gap.severity == severity_code)
    return stmt.order_by(*ORDER)


def gaps_stmt(user, states=ACTIVE, rule_code: str | None = None, severity_code: str | None = None):
    """Gaps the user may see, the most severe and newest first (`severity_rank`: high, medium, low)."""
    return _listed(select(Gap).options(joinedload(Gap.area)), user, states, rule_code, severity_code)


def gap_ids(user, states=ACTIVE, rule_code: str | None = None, severity_code: str | None = None):
    """The ids of `gaps_stmt`, in its order: the list is paged by them over `ix_gaps_list` (app/web/paging.py)."""
    return _listed(select(Gap.id), user, states, rule_code, severity_code)


def message(gap: Gap) -> str:
    """The rule's message filled from the stored params (the code itself for a rule no longer known)."""
    return message_of(gap.rule_code, gap.subject_kind, gap.subject_id, gap.area_id, gap.params)


def message_of(rule_code: str, subject_kind: str, subject_id, area_id, params) -> str:
    """`message` from a gap's plain columns (exports read columns, not Gap objects)."""
    return render(rule_code, params)


def render(rule_code: str, params) -> str:
    """The message of a rule filled from stored params (the message reads only those): the code itself for a rule
    no longer known, the bare template when the params no longer fit it."""
    rule = REGISTRY.get(rule_code)
    if rule is None:
        return rule_code
    try:
        return fill_message(rule.message, params or {})
    except (KeyError, IndexError, ValueError):
        return rule.message


def why(gap: Gap) -> str:
    rule = REGISTRY.get(gap.rule_code)
    return rule.why if rule else ""


def rule_label(code: str) -> str:
    return RULE_LABELS.get(code, code)


def rule_choices() -> list[tuple[str, str]]:
    return [(code, rule_label(code)) for code in REGISTRY]


def counts_by_severity(user):
    """Open and acknowledged gaps the user sees, per severity, from the `gap_counts` summary (`app.gaps.counts`):
    `.get(code)`, `.total` and `.as_of`, the time of the scan that built it."""
    from app.gaps.counts import counts_by_severity as from_summary

    return from_summary(user)


def history(gap: Gap) -> list[tuple[GapEvent, str | None]]:
    """The gap's events, oldest first, with the acting user's name."""
    rows = db.session.execute(select(GapEvent, User.full_name).outerjoin(User, User.id == GapEvent.actor_id)
                              .where(GapEvent.gap_id == gap.id).order_by(GapEvent.at, GapEvent.id))
    return [(event, name) for event, name in rows]


def user_name(user_id: int | None) -> str | None:
    return db.session.scalar(select(User.full_name).where(User.id == user_id)) if user_id else None


def area_name(gap: Gap) -> str | None:
    return db.session.scalar(select(Area.name).where(Area.id == gap.area_id)) if gap.area_id else None
