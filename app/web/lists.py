"""List pages: the page number and search text from the query string, and diacritic-free search."""

from __future__ import annotations

from flask import current_app, request
from sqlalchemy import Select

from app.text import fold
from app.web.paging import ListPage, ListPagination


def search_text() -> str:
    return (request.args.get("q") or "").strip()[:100]


def apply_search(stmt: Select, column, text: str) -> Select:
    """Filter on a folded search-key column: every word must appear, diacritics ignored."""
    for word in fold(text).split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(column.like(f"%{escaped}%", escape="\\"))
    return stmt


def paginate(stmt: Select, ids_stmt: Select | None = None) -> ListPage:
    """A page (`?page=`, and `?after=` / `?before=` from the pager's links) of `stmt`.

    `ids_stmt` selects the listed model's primary key with the list's conditions and ORDER BY, joining only
    what a condition needs. When given, the page's ids are read by `ids_stmt` over index entries
    (app/web/paging.py) and only then the page's rows by `stmt`, which keeps its eager loads and ORDER BY: no
    skipped row is read. Either way the list is counted only up to `paging.COUNT_CAP` rows.
    """
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    per_page = current_app.config["LANTOA_PAGE_SIZE"]
    return ListPage(page, per_page, stmt, ids_stmt, after=request.args.get("after", type=int),
                    before=request.args.get("before", type=int))


def paginate_list(items: list, per_page: int | None = None) -> ListPagination:
    """A page (`?page=`) of a list computed in memory."""
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    return ListPagination(page=page, per_page=per_page or current_app.config["LANTOA_PAGE_SIZE"], max_per_page=200,
                          error_out=False, items=items)
