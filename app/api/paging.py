"""Cursor paging of the API's lists.

Rules: a list is ordered by id; a page holds `limit` rows (≤ 500); `next_cursor` is the URL-safe base64 of
the page's last id ("id:<n>", opaque to clients) and is null on the last page; a cursor that does not decode
answers 400. A page reads `limit + 1` rows from the id index, so no page ever counts the list.
"""

from __future__ import annotations

import base64
import binascii

from sqlalchemy import Select

from app.api.problems import ApiProblem
from app.api.schemas import ID_MAX, ListQuery
from app.extensions import db


def encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        kind, _, number = text.partition(":")
        value = int(number)
        if kind != "id" or not 0 <= value <= ID_MAX or not number.isdigit():
            raise ValueError(text)
        return value
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiProblem("bad-request", "The cursor is not one this API gave.",
                         "Con trỏ trang (cursor) không hợp lệ.") from None


def page(stmt: Select, id_column, query: ListQuery, row_to_item) -> dict:
    """One page of `stmt` (rows whose first entity has `id_column`) as {items, next_cursor}."""
    if query.cursor:
        stmt = stmt.where(id_column > decode(query.cursor))
    rows = db.session.execute(stmt.order_by(id_column).limit(query.limit + 1)).all()
    more = len(rows) > query.limit
    rows = rows[:query.limit]
    items = [row_to_item(row) for row in rows]
    return {"items": items, "next_cursor": encode(rows[-1][0].id) if more and rows else None}
