"""Plan settings: the programme's numbers, with defaults here and overrides in the `settings` table.

Rules: a row in `settings` (key, value) overrides the default; values are integers; an unknown key
is an error (so a typo never silently reads a default). `lantoa settings show|set` edits them.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select

from app.extensions import db
from app.models import Setting

DEFAULTS: dict[str, tuple[int, str]] = {
    "classes_min": (2, "Số lớp tối thiểu mỗi giảng viên cần mở (quy tắc 2–3)"),
    "classes_max_running": (3, "Số lớp đang học tối đa trước khi phải nêu lý do"),
    "points_class_opened": (10, "Điểm cho giảng viên khi mở một lớp"),
    "points_learner_completed": (2, "Điểm cho giảng viên với mỗi học viên hoàn thành"),
    "points_certificate": (5, "Điểm cho học viên với mỗi bậc chứng nhận đạt được"),
    "points_trainer_grown": (20, "Điểm cho người hướng dẫn với mỗi giảng viên mới được ươm mầm"),
    # Online learning from the API (app/api/effects.py)
    "points_online_day": (1, "Điểm cho học viên với mỗi ngày học trực tuyến đủ số phút"),
    "streak_minutes": (15, "Số phút học trực tuyến tối thiểu để một ngày được tính vào chuỗi ngày học và điểm"),
    "online_completion_lessons": (10, "Số bài học trực tuyến của một bậc để tính là hoàn thành bậc đó"),
    "core_group_min_trainers": (3, "Số giảng viên tối thiểu của một đơn vị để tính là đã có nhóm nòng cốt"),
    "verify_limit": (30, "Số lượt tra cứu chứng nhận tối đa của một địa chỉ trong khung thời gian"),
    "verify_window_minutes": (10, "Khung thời gian đếm lượt tra cứu (phút)"),
    # Sign-in throttle (app/auth/throttle.py)
    "login_account_limit": (5, "Số lần đăng nhập sai của một tài khoản trong khung thời gian trước khi tạm khoá"),
    "login_client_limit": (20, "Số lần đăng nhập sai của một địa chỉ mạng (mọi tài khoản) trong khung thời gian"),
    "login_window_minutes": (15, "Khung thời gian đếm lần đăng nhập sai (phút)"),
    "login_hold_minutes": (15, "Thời gian tạm khoá tài khoản sau khi nhập sai quá số lần (phút)"),
    # Invitations and password resets (app/invitations)
    "invitation_expiry_days": (14, "Số ngày một liên kết mời hoặc đặt lại mật khẩu còn dùng được"),
    "auto_invite": (0, "Tự động gửi lời mời khi công nhận giảng viên mới hoặc nhập danh sách giảng viên (1 = có)"),
    # Assignment (phân công); capacity = classes_max_running - running classes - active assigned classes.
    "learners_per_trainer": (1000, "Số người trong độ tuổi lao động mà một giảng viên phụ trách (tính nhu cầu)"),
    "assignment_min_level": (1, "Bậc tối thiểu giảng viên cần đạt để được gợi ý phân công"),
    "assignment_period_days": (90, "Thời hạn mặc định của một phân công (ngày)"),
    "assignment_idle_days": (30, "Số ngày sau khi phân công mà chưa mở lớp thì thành cảnh báo"),
    "assignment_cost_same_unit": (1, "Chi phí phân công: cùng đơn vị"),
    "assignment_cost_same_commune": (2, "Chi phí phân công: cùng xã"),
    "assignment_cost_same_district": (4, "Chi phí phân công: cùng huyện"),
    "assignment_cost_neighbour_district": (7, "Chi phí phân công: huyện giáp ranh"),
    "assignment_cost_elsewhere": (12, "Chi phí phân công: nơi khác"),
    # Targets and gaps (app/targets, app/gaps/inputs.py)
    "classes_min_after_days": (90, "Số ngày sau chứng nhận mà giảng viên mở chưa đủ số lớp tối thiểu thì cảnh báo"),
    "stalled_weeks": (8, "Số tuần nhánh lan tỏa không có lớp hay giảng viên mới thì cảnh báo"),
    "reproduction_threshold_percent": (100, "Ngưỡng hệ số lan tỏa R (phần trăm; 100 = R dưới 1 thì cảnh báo)"),
    "trajectory_tolerance_percent": (10, "Mức thấp hơn lộ trình còn chấp nhận (phần trăm, màu vàng)"),
    "working_age_min": (15, "Tuổi thấp nhất của người trong độ tuổi lao động (chỉ tiêu T5)"),
    "working_age_max": (60, "Tuổi cao nhất của người trong độ tuổi lao động (chỉ tiêu T5)"),
    "t5_counts_blended": (1, "Chỉ tiêu T5 tính cả lớp kết hợp (1) hay chỉ lớp trực tuyến (0)"),
    # the API (app/api/guard.py): calls per token (and failed sign-ins per address) within the window
    "api_limit": (600, "Số lượt gọi API tối đa của một mã truy cập trong khung thời gian"),
    "api_window_minutes": (1, "Khung thời gian đếm lượt gọi API (phút)"),
    "activity_start_grace_days": (7, "Số ngày sau thời điểm bắt đầu dự kiến mà hoạt động chưa bắt đầu thì cảnh báo"),
}


def plan_setting(key: str) -> int:
    if key not in DEFAULTS:
        raise KeyError(key)
    stored = db.session.scalar(select(Setting.value).where(Setting.key == key))
    return int(stored) if stored is not None else DEFAULTS[key][0]


_SOME = select(Setting.key, Setting.value).where(Setting.key.in_(bindparam("keys", expanding=True)))


def plan_settings(*keys: str) -> tuple[int, ...]:
    """Several settings in one query, in the order asked."""
    unknown = [key for key in keys if key not in DEFAULTS]
    if unknown:
        raise KeyError(unknown[0])
    stored = dict(db.session.execute(_SOME, {"keys": keys}).all())
    return tuple(int(stored[key]) if key in stored else DEFAULTS[key][0] for key in keys)


def all_settings() -> dict[str, int]:
    stored = dict(db.session.execute(select(Setting.key, Setting.value)).all())
    return {key: int(stored.get(key, default)) for key, (default, _label) in DEFAULTS.items()}


def set_setting(key: str, value: int) -> None:
    """Store an override; flushes, never commits."""
    if key not in DEFAULTS:
        raise KeyError(key)
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=str(int(value))))
    else:
        row.value = str(int(value))
    db.session.flush()
