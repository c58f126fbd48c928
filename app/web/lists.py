"""List pages: the page number and search text from the query string, and diacritic-free search."""

from __future__ import annotations

from flask import current_app, request
from sqlalchemy import Select, func, select

from app.extensions import db
from app.text import fold
from app.web.paging import IdPagination, ListPagination


def search_text() -> str:
    return (request.args.get("q") or "").strip()[:100]


def apply_search(stmt: Select, column, text: str) -> Select:
    """Filter on a folded search-key column: every word must appear, diacritics ignored."""
    for word in fold(text).split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(column.like(f"%{escaped}%", escape="\\"))
    return stmt


def paginate(stmt: Select, count_stmt: Select | None = None, ids_stmt: Select | None = None):
    """A page of `stmt`; `count_stmt` counts the rows more cheaply than wrapping `stmt` when given.

    `ids_stmt` selects the listed model's primary key with the list's conditions and ORDER BY, joining only
    what a condition needs. When given, the rows are counted first (by `count_stmt`, else by wrapping
    `ids_stmt`), the page's ids are read by `ids_stmt` over index entries (app/web/paging.py), and only
    then the page's rows by `stmt`, which keeps its eager loads and ORDER BY: no skipped row is read.
    """
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    per_page = current_app.config["LANTOA_PAGE_SIZE"]
    if ids_stmt is not None:
        if count_stmt is None:
            count_stmt = select(func.count()).select_from(ids_stmt.order_by(None).subquery())
        return IdPagination(page=page, per_page=per_page, max_per_page=200, error_out=False, stmt=stmt,
                            ids_stmt=ids_stmt, total=db.session.scalar(count_stmt))
    pagination = db.paginate(stmt, page=page, per_page=per_page, max_per_page=200, error_out=False,
                             count=count_stmt is None)
    if count_stmt is not None:
        pagination.total = db.session.scalar(count_stmt)
    return pagination


def paginate_list(items: list, per_page: int | None = None) -> ListPagination:
    """A page (`?page=`) of a list computed in memory."""
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    return ListPagination(page=page, per_page=per_page or current_app.config["LANTOA_PAGE_SIZE"], max_per_page=200,
                          error_out=False, items=items)
