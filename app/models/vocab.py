"""Closed vocabularies stored as short English codes, with their Vietnamese labels.

The database keeps the code (CHECK constraints list the allowed codes); the UI shows the label.
"""

from __future__ import annotations

UNIT_KINDS = {
    "agency": "Cơ quan, sở, ngành",
    "political_social": "Tổ chức chính trị - xã hội",
    "enterprise": "Doanh nghiệp",
    "cooperative": "Hợp tác xã",
    "household_group": "Nhóm hộ kinh doanh",
    "school": "Trường học",
    "university": "Đại học, cao đẳng",
    "industrial_zone": "Khu công nghiệp",
}

AUDIENCE_GROUPS = {
    "civil_servant": "Cán bộ, công chức, viên chức",
    "teacher_pupil": "Giáo viên và học sinh",
    "business": "Chủ doanh nghiệp, HTX, hộ kinh doanh",
    "industrial_worker": "Công nhân khu công nghiệp",
    "rural_worker": "Lao động nông thôn",
    "ethnic_minority": "Đồng bào dân tộc thiểu số",
    "youth_union": "Đoàn viên thanh niên",
    "women_union": "Hội viên phụ nữ",
    "other": "Khác",
}

GENDERS = {"male": "Nam", "female": "Nữ", "other": "Khác"}

TRAINER_TIERS = {
    "province": "Nòng cốt cấp tỉnh",
    "district": "Nòng cốt cấp huyện",
    "local": "Giảng viên cơ sở",
}

TRAINER_STATUSES = {"active": "Đang hoạt động", "paused": "Tạm dừng", "left": "Đã nghỉ"}

CLASS_MODES = {"online": "Trực tuyến", "in_person": "Trực tiếp", "blended": "Kết hợp"}

CLASS_STATUSES = {
    "planned": "Dự kiến",
    "open": "Đang tuyển sinh",
    "running": "Đang học",
    "completed": "Đã kết thúc",
    "cancelled": "Đã hủy",
}

ENROLLMENT_STATUSES = {"enrolled": "Đang học", "completed": "Hoàn thành", "dropped": "Bỏ học"}
# the trainer's record at completion, "áp dụng được": the form value → label (unset, yes, no)
APPLIES = {"": "Chưa ghi", "1": "Có", "0": "Không"}

ROLES = {
    "admin": "Quản trị hệ thống",
    "steering": "Ban Chỉ đạo",
    "coordinator": "Điều phối viên",
    "trainer": "Giảng viên",
    "viewer": "Người xem",
}

AREA_LEVELS = {"province": "Tỉnh", "district": "Huyện", "cluster": "Cụm xã", "commune": "Xã"}

DIVISION_TYPES = {
    "tinh": "Tỉnh",
    "thanh_pho": "Thành phố",
    "thi_xa": "Thị xã",
    "huyen": "Huyện",
    "quan": "Quận",
    "phuong": "Phường",
    "thi_tran": "Thị trấn",
    "xa": "Xã",
    "dac_khu": "Đặc khu",
    "cum": "Cụm xã",
}

POINT_REASONS = {
    "class_opened": "Mở lớp học",
    "learner_completed": "Học viên hoàn thành",
    "certificate": "Đạt chứng nhận",
    "trainer_grown": "Ươm mầm giảng viên mới",
    "online_day": "Ngày học trực tuyến",
}

LEVELS = {
    1: "Bậc 1 - Xử lý văn bản cơ bản",
    2: "Bậc 2 - Đa phương tiện và truyền thông",
    3: "Bậc 3 - Mô hình tư duy chuyên nghiệp",
    4: "Bậc 4 - Quản trị dữ liệu và tri thức",
    5: "Bậc 5 - Sáng tạo và đổi mới",
}


# -- the rollout plan, gaps, periodic jobs and mail ---------------------------------------------------------

ACTIVITY_STATUSES = {"not_started": "Chưa bắt đầu", "in_progress": "Đang thực hiện", "done": "Hoàn thành"}

# Quantitative targets stated by a plan activity ("300 học viên", "09 lớp; 300 học viên/lớp").
ACTIVITY_QUANTITIES = {
    "learners": "học viên",
    "classes": "lớp",
    "learners_per_class": "học viên/lớp",
    "classes_per_trainer_min": "lớp/giảng viên (tối thiểu)",
    "classes_per_trainer_max": "lớp/giảng viên (tối đa)",
    "trainers": "giảng viên",
}

EVIDENCE_KINDS = {"pdf": "PDF", "png": "Ảnh PNG", "jpg": "Ảnh JPEG", "docx": "Văn bản Word (.docx)"}

GAP_STATES = {"open": "Đang mở", "acknowledged": "Đã tiếp nhận", "resolved": "Đã khắc phục"}

GAP_EVENT_ACTIONS = {
    "opened": "Phát hiện",
    "reopened": "Mở lại",
    "acknowledged": "Tiếp nhận",
    "resolved": "Đã khắc phục",
}

SEVERITIES = {"high": "Cao", "medium": "Trung bình", "low": "Thấp"}

JOB_OUTCOMES = {"ok": "Thành công", "error": "Lỗi", "skipped": "Bỏ qua"}

OUTBOX_STATES = {"pending": "Chờ gửi", "sending": "Đang gửi", "sent": "Đã gửi", "failed": "Không gửi được"}

OUTBOX_KINDS = {"digest": "Bản tin hằng ngày", "reminder": "Nhắc việc", "invitation": "Lời mời, đặt lại mật khẩu"}


def check_in(column: str, vocabulary: dict) -> str:
    """SQL text for a CHECK that `column` holds one of the vocabulary's codes."""
    codes = ", ".join(f"'{code}'" for code in vocabulary)
    return f"{column} IN ({codes})"

ASSIGNMENT_STATUSES = {"active": "Đang thực hiện", "ended": "Đã kết thúc", "cancelled": "Đã hủy"}

ASSIGNMENT_TARGETS = {"area": "Xã, phường", "unit": "Cơ quan, đơn vị"}

# Why a trainer was put there: the optimiser's tiers (network.assignment) plus a hand assignment.
ASSIGNMENT_REASONS = {
    "same_unit": "Cùng đơn vị",
    "same_commune": "Cùng xã",
    "same_district": "Cùng huyện",
    "neighbour_district": "Huyện giáp ranh",
    "elsewhere": "Nơi khác",
    "manual": "Phân công trực tiếp",
}

# -- the API's learning records (app/models/api.py) -----------------------------------------------------------

LEARNING_RECORD_STATES = {"matched": "Đã khớp người học", "held": "Chờ xem xét (chưa khớp số điện thoại)"}

API_PERMISSIONS = {"read": "Đọc dữ liệu", "ingest": "Gửi kết quả học trực tuyến"}

DIGEST_FREQUENCIES = {"daily": "Hằng ngày", "weekly": "Hằng tuần (sáng thứ Hai)", "none": "Không nhận"}

# Invitations and password resets (app/invitations): the kind of link, how it was handed over, and a trainer's
# account status as the "Lời mời" page shows it.
INVITATION_KINDS = {"invite": "Lời mời kích hoạt", "reset": "Đặt lại mật khẩu"}
INVITATION_CHANNELS = {"link": "Liên kết sao chép", "sheet": "Phiếu in có mã QR", "email": "E-mail",
                       "auto": "Tự động"}
INVITATION_STATUSES = {"none": "Chưa mời", "invited": "Đã mời", "active": "Đã kích hoạt", "expired": "Hết hạn"}
