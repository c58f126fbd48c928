"""Errors that operations raise and boundaries turn into Vietnamese messages.

Rules: domain packages raise errors with a stable `code` and params; `message_for`
is the one place that turns a code into Vietnamese. `OperationError` names the form
field (or import row) at fault so a view can put the message next to it.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # network.errors.ERROR_CODES (a test checks every code has a message)
    "network": "Dữ liệu mạng lưới giảng viên không hợp lệ.",
    "self_mentor": "Giảng viên không thể là người hướng dẫn của chính mình.",
    "cycle": "Liên kết này tạo thành vòng lặp trong mạng lưới (một người vừa là cấp trên vừa là cấp dưới).",
    "unknown_mentor": "Không tìm thấy người hướng dẫn (mã {mentor_id}).",
    "inactive_mentor": "Người hướng dẫn không còn hoạt động.",
    "mentor_level": "Bậc giảng dạy ({trainee_level}) cao hơn bậc của người hướng dẫn ({mentor_level}).",
    "second_mentor": "Giảng viên này đã có người hướng dẫn khác.",
    "duplicate_trainer": "Giảng viên (mã {trainer_id}) xuất hiện nhiều lần.",
    "invalid_path": "Dòng đào tạo đã lưu không hợp lệ ({path}).",
    "invalid_input": "Giá trị không hợp lệ ở mục {field}.",
    # app rules
    "duplicate_person": "Đã có người với số điện thoại hoặc số định danh này.",
    "out_of_scope": "Đối tượng này nằm ngoài phạm vi quản lý của bạn.",
    "already_trainer": "Người này đã là giảng viên.",
    "mentor_required": "Chỉ giảng viên nòng cốt cấp tỉnh mới không cần người hướng dẫn.",
    "not_completed": "Học viên chưa hoàn thành lớp học nên chưa thể công nhận là giảng viên.",
    "plan_cycle": "Không thể lưu: các phụ thuộc tạo thành vòng lặp ({path}). Một hoạt động không thể phải chờ "
                  "chính nó.",
    "invalid_field": "Tệp kế hoạch sai ở trường “{field}”: {reason}.",
    "plan_file": "Không đọc được tệp kế hoạch {path}: {reason}.",
    "unknown_activity": "Kế hoạch không có hoạt động số {number}.",
}


def message_for(code: str, **params) -> str:
    template = MESSAGES.get(code, "Dữ liệu không hợp lệ ({code}).")
    try:
        return template.format(code=code, **params)
    except (KeyError, IndexError):
        return template


def from_network(error, field: str | None = None) -> OperationError:
    """The OperationError for a `network.errors.NetworkError` (its code and params), put on `field`."""
    return OperationError(message_for(error.code, **error.params), field=field, code=error.code)


class OperationError(Exception):
    """A refused change: `field` names the form field or column, `message` is Vietnamese."""

    def __init__(self, message: str, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def apply_to(self, form) -> None:
        """Show the error under its field, or at the top of the form; the request's changes are discarded."""
        from app.web.boundary import discard_changes

        discard_changes()
        field = getattr(form, self.field, None) if self.field else None
        if field is not None:
            field.errors = [*field.errors, self.message]
        else:
            form.form_errors.append(self.message)
