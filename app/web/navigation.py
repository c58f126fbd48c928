"""Navigation by role: each entry is shown only to the roles that can use it."""

from __future__ import annotations

NAV = [
    ("dashboard.home", "Tổng quan", {"admin", "steering", "coordinator", "trainer", "viewer"}),
    ("areas.index", "Địa bàn", {"admin", "steering", "coordinator", "viewer"}),
    ("units.index", "Đơn vị", {"admin", "steering", "coordinator", "viewer"}),
    ("trainers.index", "Giảng viên", {"admin", "steering", "coordinator", "viewer"}),
    ("network.overview", "Mạng lưới", {"admin", "steering", "coordinator", "viewer"}),
    ("training.index", "Lớp học", {"admin", "steering", "coordinator", "trainer", "viewer"}),
    ("people.index", "Học viên", {"admin", "steering", "coordinator", "trainer", "viewer"}),
    ("assignments.index", "Phân công", {"admin", "steering", "coordinator", "viewer"}),
    ("rankings.index", "Xếp hạng", {"admin", "steering", "coordinator", "trainer", "viewer"}),
    ("plan.index", "Kế hoạch", {"admin", "steering", "coordinator", "viewer"}),
    ("reports.index", "Báo cáo", {"admin", "steering", "coordinator", "viewer"}),
    ("targets.index", "Chỉ tiêu", {"admin", "steering", "coordinator", "viewer"}),
    ("gaps.index", "Cảnh báo", {"admin", "steering", "coordinator", "viewer"}),
    ("learning.review", "Học trực tuyến", {"admin", "steering", "coordinator"}),
    ("admin.users", "Quản trị", {"admin"}),
    ("jobs.index", "Tác vụ định kỳ", {"admin"}),
]


def nav_for(user) -> list[tuple[str, str]]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [(endpoint, label) for endpoint, label, roles in NAV if user.role in roles]
