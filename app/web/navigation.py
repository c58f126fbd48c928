"""Navigation: each entry names the action (app/permissions.py) that shows it."""

from __future__ import annotations

from app.permissions import may

NAV = [
    ("dashboard.home", "Tổng quan", "see_home"),
    ("areas.index", "Địa bàn", "see_network"),
    ("units.index", "Đơn vị", "see_network"),
    ("trainers.index", "Giảng viên", "see_network"),
    ("invitations.index", "Lời mời", "invite_trainers"),
    ("network.overview", "Mạng lưới", "see_network"),
    ("training.index", "Lớp học", "see_classes"),
    ("people.index", "Học viên", "see_learners"),
    ("assignments.index", "Phân công", "see_assignments"),
    ("rankings.index", "Xếp hạng", "see_rankings"),
    ("plan.index", "Kế hoạch", "see_plans"),
    ("reports.index", "Báo cáo", "see_reports"),
    ("targets.index", "Chỉ tiêu", "see_targets"),
    ("targets.units", "Chỉ tiêu đơn vị", "see_unit_targets"),
    ("gaps.index", "Cảnh báo", "see_gaps"),
    ("learning.review", "Học trực tuyến", "review_learning_records"),
    ("admin.users", "Quản trị", "admin_users"),
    ("jobs.index", "Tác vụ định kỳ", "see_jobs"),
]


def nav_for(user) -> list[tuple[str, str]]:
    return [(endpoint, label) for endpoint, label, action in NAV if may(user, action)]
