"""One page of a long list read by id: what `app.web.lists.paginate` does with an ids statement.

An ids statement selects the listed model's primary key with the list's conditions and ORDER BY; the order
ends with the key, so it is total. Rules:
- the rows are counted first, and a page past the end reads nothing more;
- the page's ids are read from the nearer end of the list: a page in the second half is read in the
  reverse order (every ORDER BY term flipped, which also flips where NULLs fall, on SQLite as on
  PostgreSQL) and turned back, so no page skips more than half of the list;
- on SQLite, which has no planner statistics here, a list holding at least 1/50 of its table is walked in
  the order of its index. By itself SQLite prefers the index of any scope or filter condition, collects
  every matching row and sorts them: 190 ms for page 2,000 of the 138,000 persons of a district. Here the
  conditions on the listed table's own columns are written `+column`, which SQLite does not use to choose
  an index (https://sqlite.org/optoverview.html#disqualifying_where_clause_terms_using_unary_), so it walks
  the index of the ORDER BY (the list indexes also hold the columns the list's conditions read) and checks
  each entry: about 50 entries or fewer per row skipped when the list's rows are spread through the index
  (30 ms for that page), the whole index at worst. A smaller list is left to SQLite, whose condition index
  then finds fewer than 1/50 of the rows. PostgreSQL plans from its statistics and is left alone.
"""

from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Column, Select, func, select
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.selectable import FromClause, ScalarSelect, SelectBase

from app.extensions import db

WALK_SHARE = 50  # walk the ORDER BY index when the list holds at least 1/WALK_SHARE of its table


class IdPagination(Pagination):
    """A page of `stmt` (the rows, with their eager loads) read by the ids of `ids_stmt`; `total` counted before."""

    def _query_items(self) -> list:
        stmt, ids_stmt, total = self._query_args["stmt"], self._query_args["ids_stmt"], self._query_args["total"]
        ids = page_ids(ids_stmt, self._query_offset, self.per_page, total)
        if not ids:
            return []
        return list(db.session.execute(stmt.where(ids_stmt.selected_columns[0].in_(ids))).unique().scalars())

    def _query_count(self) -> int:
        return self._query_args["total"]


class ListPagination(Pagination):
    """A page of a list already in memory (e.g. the assignment suggestions, computed, not queried): the same
    pager as every list."""

    def _query_items(self) -> list:
        items = self._query_args["items"]
        return items[self._query_offset:self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def page_ids(ids_stmt: Select, offset: int, limit: int, total: int) -> list:
    """The ids at positions offset … offset + limit − 1 of the `total` ids of `ids_stmt` (a plain SELECT of
    one key column: its FROM, WHERE and ORDER BY are kept, nothing else)."""
    if offset >= total:
        return []
    key, order = ids_stmt.selected_columns[0], list(ids_stmt._order_by_clauses)
    end = min(offset + limit, total)
    backwards = offset > total - end
    if backwards:
        order, offset, limit = [_reversed(term) for term in order], total - end, end - offset
    stmt = ids_stmt
    if db.session.get_bind().dialect.name == "sqlite" and total * WALK_SHARE >= _table_size(key):
        stmt = select(key).select_from(*ids_stmt.get_final_froms())
        if ids_stmt.whereclause is not None:
            stmt = stmt.where(_unindexed(ids_stmt.whereclause, key.table))
    ids = list(db.session.scalars(stmt.order_by(None).order_by(*order).limit(limit).offset(offset)))
    return ids[::-1] if backwards else ids


def _table_size(key) -> int:
    """The table's highest id, read from its key's index: its size, near enough to choose a plan."""
    return db.session.scalar(select(func.max(key))) or 0


def _unindexed(clause, table: FromClause):
    """`clause` with each column of `table` outside subqueries written `+column` (the same value: SQLite's
    unary plus changes nothing but the column's affinity, and these conditions compare like with like)."""

    def replace(element, **_):
        if isinstance(element, SelectBase | ScalarSelect | FromClause):
            return element  # a subquery plans its own tables
        if isinstance(element, Column) and element.table is table:
            return UnaryExpression(element, operator=operators.custom_op("+"), type_=element.type)
        return None

    return visitors.replacement_traverse(clause, {}, replace)


unindexed = _unindexed  # for the API's cursor pages (app/api/paging.py)


def _reversed(term):
    """An ORDER BY term in the other direction: `x` or `x ASC` becomes `x DESC`, `x DESC` becomes `x ASC`."""
    if isinstance(term, UnaryExpression) and term.modifier is operators.desc_op:
        return term.element.asc()
    if isinstance(term, UnaryExpression) and term.modifier is operators.asc_op:
        return term.element.desc()
    if isinstance(term, UnaryExpression):
        raise ValueError(f"cannot reverse the ORDER BY term {term}")
    return term.desc()
