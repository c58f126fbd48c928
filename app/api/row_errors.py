"""Validation errors as the API reports them: one entry per field (and row), in English and Vietnamese.

A pydantic error location ('records', 12, 'minutes') becomes index 12, field 'minutes'; its English message
is pydantic's, its Vietnamese one is read from `VI` by the error type (with the limit it names).
"""

from __future__ import annotations

from pydantic import ValidationError

VI = {
    "missing": "Thiếu trường bắt buộc.",
    "extra_forbidden": "Trường không được hỗ trợ.",
    "int_type": "Phải là số nguyên.",
    "int_parsing": "Phải là số nguyên.",
    "int_from_float": "Phải là số nguyên.",
    "float_type": "Phải là số.",
    "float_parsing": "Phải là số.",
    "finite_number": "Phải là số hữu hạn.",
    "string_type": "Phải là chuỗi ký tự.",
    "string_too_short": "Không được để trống.",
    "string_too_long": "Dài quá {max_length} ký tự.",
    "string_pattern_mismatch": "Sai định dạng.",
    "date_type": "Phải là ngày dạng YYYY-MM-DD.",
    "date_parsing": "Phải là ngày dạng YYYY-MM-DD.",
    "date_from_datetime_parsing": "Phải là ngày dạng YYYY-MM-DD.",
    "date_from_datetime_inexact": "Phải là ngày dạng YYYY-MM-DD (không kèm giờ).",
    "greater_than_equal": "Phải lớn hơn hoặc bằng {ge}.",
    "greater_than": "Phải lớn hơn {gt}.",
    "less_than_equal": "Phải nhỏ hơn hoặc bằng {le}.",
    "less_than": "Phải nhỏ hơn {lt}.",
    "too_long": "Nhiều nhất {max_length} phần tử.",
    "too_short": "Cần ít nhất {min_length} phần tử.",
    "list_type": "Phải là một danh sách.",
    "model_type": "Phải là một đối tượng JSON.",
    "dict_type": "Phải là một đối tượng JSON.",
    "literal_error": "Giá trị không được chấp nhận.",
    "bool_type": "Phải là true hoặc false.",
    "bool_parsing": "Phải là true hoặc false.",
    "value_error": "Giá trị không hợp lệ.",
}


def vietnamese(kind: str, ctx: dict | None) -> str:
    template = VI.get(kind, "Giá trị không hợp lệ.")
    try:
        return template.format(**(ctx or {}))
    except (KeyError, IndexError):
        return VI.get("value_error", template)


def field_errors(error: ValidationError, rows_key: str | None = None) -> list[dict]:
    """Entries {index?, field, reason, reason_vi}; `rows_key` names the list whose positions are row indexes."""
    out = []
    for item in error.errors(include_url=False, include_input=False):
        loc = list(item["loc"])
        entry: dict = {}
        if rows_key and len(loc) >= 2 and loc[0] == rows_key and isinstance(loc[1], int):
            entry["index"] = loc[1]
            loc = loc[2:]
        entry["field"] = ".".join(str(part) for part in loc) or (rows_key or "")
        entry["reason"] = item["msg"]
        entry["reason_vi"] = vietnamese(item["type"], item.get("ctx"))
        out.append(entry)
    return out
