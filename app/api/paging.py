"""Cursor paging of the API's lists.

Rules: a list is ordered by id; a page holds `limit` rows (≤ 500); `next_cursor` is the URL-safe base64 of
the page's last id ("id:<n>", opaque to clients) and is null on the last page; a cursor that does not decode
answers 400. A page reads `limit + 1` rows from the id index, so no page ever counts the list.
On SQLite (no planner statistics) the page's ids are read first by walking the list's primary key in order,
its conditions on the listed table written `+column` (app/web/paging.py `unindexed`): otherwise SQLite takes
the index of a scope condition, gathers every row in scope and sorts them (125 ms for a province's 30k
trainers, against 1–2 ms); the page's rows are then read by those ids alone (the scope conditions again would make SQLite take their
index instead of the primary key); the id range of a cursor (`id > after`) stays indexed, so a deep page starts
where it is instead of walking the rows before it. A list's statements are built once per key (the list, the
client's scope, the limit) in a process and executed with the cursor as a bound value: building the scope's
clauses and rewriting them for SQLite on every call cost about half of a page's time. A page reads plain columns, never ORM objects, and hands its items to the
page's model as plain dicts (a row's columns zipped with their names), validated in one call for the whole page
(pydantic-core, no Python per field): 100 rows cost ~0.3 ms of Python where a `model_construct` per row cost ~1 ms
(and a model built per row ~5). The API's lists are tables of at most
tens of thousands of rows (areas, units, trainers, classes, gaps), so a walk past a small scope stays short.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Column, Select, and_, bindparam, select
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


@dataclass(frozen=True)
class ListStatements:
    """A list's statements for one key (bound: `after`, the last id of the previous page, 0 for the first)."""
    walk: Select | None  # SQLite: the page's ids, walking the id index (None: `rows` reads the page itself)
    rows: Select  # the page's rows: by the ids of `walk` (bound `ids`), or by the conditions, id order, limit


_STATEMENTS: dict[tuple, ListStatements] = {}
_STATEMENTS_KEPT = 512


def page(key: tuple, columns: Select, conditions: Callable[[], list], id_column, query: ListQuery,
         row_to_item=None) -> dict:
    """One page (as {items, next_cursor}, to be validated by the page's model) of the rows of `columns` (a SELECT
    of plain columns, the id first, no WHERE) that meet `conditions()`; an item is the row as a dict of its
    columns by name, or `row_to_item(row)`.

    `key` names the list and everything its conditions depend on (the list, the client's scope, a chosen map):
    the statements are built once per key, limit and database in each process (`ListStatements`), so a page
    costs two executions of statements SQLAlchemy has compiled already, not a rebuild of the scope's clauses
    and their rewriting for SQLite; a page's cursor is a bound value."""
    connection = db.session.connection()
    statements = _statements((*key, query.limit, connection.dialect.name), columns, conditions, id_column,
                             query.limit + 1, connection.dialect.name)
    values = {"after": decode(query.cursor) if query.cursor else 0}
    if statements.walk is not None:
        ids = connection.execute(statements.walk, values).scalars().all()
        rows = connection.execute(statements.rows, {"ids": ids}).all() if ids else []
    else:
        rows = connection.execute(statements.rows, values).all()
    more = len(rows) > query.limit
    rows = rows[:query.limit]
    if row_to_item is None:
        names = rows[0]._fields if rows else ()
        items = [dict(zip(names, row, strict=True)) for row in rows]
    else:
        items = [row_to_item(row) for row in rows]
    return {"items": items, "next_cursor": encode(rows[-1][0]) if more and rows else None}


def _statements(key: tuple, columns: Select, conditions: Callable[[], list], id_column, count: int,
                dialect: str) -> ListStatements:
    found = _STATEMENTS.get(key)
    if found is None:
        if len(_STATEMENTS) >= _STATEMENTS_KEPT:
            _STATEMENTS.clear()
        found = _STATEMENTS[key] = _build(columns, conditions(), id_column, count, dialect)
    return found


def _build(columns: Select, where: list, id_column, count: int, dialect: str) -> ListStatements:
    """The walk by the id index on SQLite when every condition reads the listed table only (else, and on
    PostgreSQL, one statement); the id range `id > after` stays indexed, so a deep cursor starts where it is."""
    after = id_column > bindparam("after")
    table = id_column.table
    if dialect == "sqlite" and where and all(column.table is table for column in _outer_columns(and_(*where))):
        walk = (select(id_column).select_from(table).where(unindexed(and_(*where), table), after)
                .order_by(id_column).limit(count))
        # the ids meet the conditions already: the rows are read by primary key alone
        return ListStatements(walk, columns.where(id_column.in_(bindparam("ids", expanding=True))).order_by(id_column))
    return ListStatements(None, columns.where(*where, after).order_by(id_column).limit(count))


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
