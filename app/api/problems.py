"""API errors as `application/problem+json` (RFC 9457), in English and Vietnamese.

Every error answer carries `type` (a URI reference to the problem's entry on the docs page), `title`,
`status`, `detail` (English, RFC 9457's own members, for the programmers of the other system) and
`title_vi`, `detail_vi` (Vietnamese, for the people who read its logs and screens); a refused batch adds
`errors`, one entry per bad row and field. `PROBLEMS` is the one catalogue of problem kinds.
"""

from __future__ import annotations

import json

from flask import Response

# code -> (status, title in English, title in Vietnamese)
PROBLEMS: dict[str, tuple[int, str, str]] = {
    "bad-request": (400, "Bad request", "Yêu cầu không hợp lệ"),
    "unauthorized": (401, "Missing or invalid token", "Thiếu hoặc sai mã truy cập"),
    "forbidden": (403, "Permission not granted", "Hệ thống chưa được cấp quyền này"),
    "not-found": (404, "Not found", "Không tìm thấy"),
    "method-not-allowed": (405, "Method not allowed", "Phương thức không được hỗ trợ"),
    "too-large": (413, "Batch too large", "Lô dữ liệu quá lớn"),
    "unsupported-media-type": (415, "JSON expected", "Cần gửi dữ liệu JSON"),
    "invalid-batch": (422, "Invalid records", "Dữ liệu có dòng không hợp lệ"),
    "rate-limited": (429, "Too many requests", "Gọi quá nhiều lần"),
}

MEDIA_TYPE = "application/problem+json"


class ApiProblem(Exception):
    def __init__(self, code: str, detail: str, detail_vi: str, errors: list[dict] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.code, self.detail, self.detail_vi = code, detail, detail_vi
        self.errors, self.headers = errors, headers or {}

    @property
    def status(self) -> int:
        return PROBLEMS[self.code][0]

    def body(self) -> dict:
        status, title, title_vi = PROBLEMS[self.code]
        body = {"type": f"/api/v1/docs#problem-{self.code}", "title": title, "status": status,
                "detail": self.detail, "title_vi": title_vi, "detail_vi": self.detail_vi}
        if self.errors is not None:
            body["errors"] = self.errors
        return body

    def response(self) -> Response:
        response = Response(json.dumps(self.body(), ensure_ascii=False), status=self.status, mimetype=MEDIA_TYPE)
        response.headers.update(self.headers)
        return response


def not_found() -> ApiProblem:
    return ApiProblem("not-found", "No such object in this client's scope.",
                      "Không có đối tượng này trong phạm vi của hệ thống kết nối.")
