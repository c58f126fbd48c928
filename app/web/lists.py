"""List pages: the page number and search text from the query string, and diacritic-free search."""

from __future__ import annotations

from flask import current_app, request
from sqlalchemy import Select

from app.extensions import db
from app.text import fold


def search_text() -> str:
    return (request.args.get("q") or "").strip()[:100]


def apply_search(stmt: Select, column, text: str) -> Select:
    """Filter on a folded search-key column: every word must appear, diacritics ignored."""
    for word in fold(text).split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(column.like(f"%{escaped}%", escape="\\"))
    return stmt


def paginate(stmt: Select, count_stmt: Select | None = None):
    """A page of `stmt`; `count_stmt` counts the rows more cheaply than wrapping `stmt` when given."""
    page = request.args.get("page", 1, type=int) or 1
    pagination = db.paginate(
        stmt, page=max(page, 1), per_page=current_app.config["LANTOA_PAGE_SIZE"], max_per_page=200,
        error_out=False, count=count_stmt is None,
    )
    if count_stmt is not None:
        pagination.total = db.session.scalar(count_stmt)
    return pagination
