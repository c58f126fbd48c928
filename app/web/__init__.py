"""The interface shell: error pages, Vietnamese formatting, navigation, security headers, static files."""

from __future__ import annotations

from flask import Flask, render_template
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app.counts import LABELS as count_labels
from app.models import vocab
from app.permissions import may
from app.web.choices import select_options
from app.web.formatting import FILTERS
from app.web.navigation import nav_for


def template_may(action: str, obj=None) -> bool:
    """`may` for templates, about the signed-in user: `{% if may('edit_clusters') %}`."""
    return may(current_user, action, obj)


def init_app(app: Flask) -> None:
    from app.web import boundary, static_files, transport

    boundary.init_app(app)
    transport.init_app(app)
    static_files.init_app(app)
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update(vocab=vocab, may=template_may, count_labels=count_labels,
                             select_options=select_options)

    @app.context_processor
    def navigation():
        return {"nav_items": nav_for(current_user)}

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        )
        return response

    def error_page(code: int, title: str, message: str):
        def handler(error):
            return render_template("errors/error.html", code=code, title=title, message=message), code

        return handler

    app.register_error_handler(403, error_page(403, "Không có quyền truy cập",
                                               "Bạn không có quyền thực hiện thao tác này."))
    app.register_error_handler(404, error_page(404, "Không tìm thấy trang",
                                               "Trang bạn tìm không tồn tại hoặc nằm ngoài phạm vi của bạn."))
    app.register_error_handler(405, error_page(405, "Thao tác không hợp lệ",
                                               "Phương thức này không được hỗ trợ cho trang này."))
    app.register_error_handler(413, error_page(413, "Tệp quá lớn",
                                               "Tệp tải lên vượt quá dung lượng cho phép."))
    server_error_page = error_page(500, "Lỗi hệ thống", "Đã có lỗi xảy ra. Vui lòng thử lại sau ít phút.")

    def server_error(error):
        boundary.release_after_error()  # the failure may be the database itself: draw the page without it
        return server_error_page(error)

    app.register_error_handler(500, server_error)
    app.register_error_handler(CSRFError, error_page(400, "Phiên làm việc đã hết hạn",
                                                     "Biểu mẫu đã hết hạn. Vui lòng tải lại trang và thử lại."))
