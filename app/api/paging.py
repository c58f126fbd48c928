"""Cursor paging of the API's lists.

Rules: a list is ordered by id; a page holds `limit` rows (≤ 500); `next_cursor` is the URL-safe base64 of
the page's last id ("id:<n>", opaque to clients) and is null on the last page; a cursor that does not decode
answers 400. A page reads `limit + 1` rows from the id index, so no page ever counts the list.
On SQLite (no planner statistics) the page's ids are read first by walking the list's primary key in order,
its conditions on the listed table written `+column` (app/web/paging.py `unindexed`): otherwise SQLite takes
the index of a scope condition, gathers every row in scope and sorts them (125 ms for a province's 30k
trainers, against 1–2 ms); the page's rows are then read by those ids alone (the scope conditions again would make SQLite take their
index instead of the primary key). A page reads plain columns, never ORM objects, and hands its items to the
page's model as plain dicts (a row's columns zipped with their names), validated in one call for the whole page
(pydantic-core, no Python per field): 100 rows cost ~0.3 ms of Python where a `model_construct` per row cost ~1 ms
(and a model built per row ~5). The API's lists are tables of at most
tens of thousands of rows (areas, units, trainers, classes, gaps), so a walk past a small scope stays short.
"""

from __future__ import annotations

import base64
import binascii

from sqlalchemy import Column, Select, and_, false, select
from sqlalchemy.sql import visitors
from sqlalchemy.sql.selectable import FromClause, ScalarSelect, SelectBase

from app.api.problems import ApiProblem
from app.api.schemas import ID_MAX, ListQuery
from app.extensions import db
from app.web.paging import unindexed


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


def page(columns: Select, conditions: list, id_column, query: ListQuery, row_to_item=None) -> dict:
    """One page (as {items, next_cursor}, to be validated by the page's model) of the rows of `columns` (a SELECT
    of plain columns, the id first, no WHERE) that meet `conditions`; an item is the row as a dict of its columns
    by name, or `row_to_item(row)`."""
    where = list(conditions)
    if query.cursor:
        where.append(id_column > decode(query.cursor))
    ids = _walked_ids(where, id_column, query.limit + 1)
    if ids is None:
        stmt = columns.where(*where)
    else:  # the ids meet the conditions already: the rows are read by primary key alone
        stmt = columns.where(id_column.in_(ids)) if ids else columns.where(false())
    rows = db.session.execute(stmt.order_by(id_column).limit(query.limit + 1)).all()
    more = len(rows) > query.limit
    rows = rows[:query.limit]
    if row_to_item is None:
        names = rows[0]._fields if rows else ()
        items = [dict(zip(names, row, strict=True)) for row in rows]
    else:
        items = [row_to_item(row) for row in rows]
    return {"items": items, "next_cursor": encode(rows[-1][0]) if more and rows else None}


def _walked_ids(where: list, id_column, count: int) -> list | None:
    """On SQLite, the first `count` ids meeting `where` in id order, read by walking the id index (None
    elsewhere, or when a condition reads another table than the listed one)."""
    if db.session.get_bind().dialect.name != "sqlite" or not where:
        return None
    clause = and_(*where)
    table = id_column.table
    if any(column.table is not table for column in _outer_columns(clause)):
        return None
    walk = select(id_column).select_from(table).where(unindexed(clause, table))
    return list(db.session.scalars(walk.order_by(id_column).limit(count)))


def _outer_columns(clause) -> list:
    """The table columns `clause` reads outside its subqueries."""
    found = []

    def visit(element, **_):
        if isinstance(element, SelectBase | ScalarSelect | FromClause):
            return element  # a subquery: not looked into
        if isinstance(element, Column):
            found.append(element)
        return None

    visitors.replacement_traverse(clause, {}, visit)
    return found
