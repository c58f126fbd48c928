"""One page of a long list, never counted whole: what `app.web.lists.paginate` does.

Counting. A list is counted only up to COUNT_CAP (10,000) rows: `SELECT count(*) FROM (… LIMIT 10001)`, at
most 10,001 index entries whatever the table (the learners list counted 1.14M persons on every page on
PostgreSQL). Up to the cap the count is exact and the pager says "Trang 3/201 · 10.000 dòng". Past it the
total is not known: the pager says "Trang 3 · khoảng 1,1 triệu dòng" from PostgreSQL's planner estimate for a
list of a whole table (EXPLAIN of the list's ids statement: `pg_class.reltuples`), labelled as an estimate, or
"hơn 10.000 dòng" for a scoped or filtered list (the planner cannot estimate a scope's IN-subqueries: it said
860,000 for a district's 126,055 persons), on SQLite, or when the estimate is below the cap; page numbers run
to the current page + 2 and "…", with no last page. On PostgreSQL a list of a whole table (steering's unfiltered
lists) whose estimate is at least twice the cap is not counted at all (`whole_table_estimate`): for a table that
size the estimate is the answer the count would lead to; a list whose condition is an OR (a coordinator's
persons) is counted one alternative at a time first (`capped_count`).

Reading a page past the cap: page_size + 1 ids, the extra one only saying whether there is a next page.
"Sau ›" and "‹ Trước" carry a cursor (`?page=N&after=<id>` / `&before=<id>`, the last / first id of the page
shown): the page is the rows just after / before that row in the list's order, read as a range of the ORDER
BY index by the row's values (`keyset_ids`: `c1 <= v1 AND (c1 < v1 OR id < v2)`), so page 20,000 costs what
page 2 costs. A page asked by its number alone (a typed URL, the numbered links) skips `(page − 1) ×
page_size` index entries with OFFSET. A cursor that cannot be used (its row not in the list, a NULL in its
ORDER BY values, or NULL rows on the side read: PostgreSQL sorts NULL after every value, SQLite before)
falls back to the page number. The cursor row's values are read through the list's own scoped statement, so
a row outside the list (another district's person) places nothing; the ids come from that statement too.

An ids statement selects the listed model's primary key with the list's conditions and ORDER BY; the order
ends with the key, so it is total. Rules for a list within the cap:
- the page's ids are read from the nearer end of the list: a page in the second half is read in the
  reverse order (every ORDER BY term flipped, which also flips where NULLs fall, on SQLite as on
  PostgreSQL) and turned back, so no page skips more than half of the list;
- a page past the end reads nothing more;
- on SQLite, which has no planner statistics here, a list holding at least 1/50 of its table (or past the
  cap) is walked in the order of its index. By itself SQLite prefers the index of any scope or filter
  condition, collects every matching row and sorts them: 190 ms for page 2,000 of the 138,000 persons of a
  district. Here the conditions on the listed table's own columns are written `+column`, which SQLite does
  not use to choose an index (https://sqlite.org/optoverview.html#disqualifying_where_clause_terms_using_unary_),
  so it walks the index of the ORDER BY (the list indexes also hold the columns the list's conditions read)
  and checks each entry: about 50 entries or fewer per row skipped when the list's rows are spread through
  the index (30 ms for that page), the whole index at worst. A smaller list is left to SQLite, whose
  condition index then finds fewer than 1/50 of the rows. PostgreSQL plans from its statistics and is left
  alone.
A list without an ids statement (the short ones: units, gaps, the audit log, users, reports …) is counted
the same way and read with LIMIT/OFFSET, page_size + 1 rows past the cap.
"""

from __future__ import annotations

import json
from math import ceil

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Column, Select, Table, and_, func, or_, select, text, true
from sqlalchemy.orm import lazyload
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import AsBoolean, BooleanClauseList, Grouping, True_, UnaryExpression
from sqlalchemy.sql.selectable import FromClause, ScalarSelect, SelectBase

from app.extensions import db
from app.web.formatting import vn_number

WALK_SHARE = 50  # walk the ORDER BY index when the list holds at least 1/WALK_SHARE of its table


COUNT_CAP = 10_000  # a list is counted exactly up to this many rows; beyond, "hơn 10.000" or an estimate


class ListPage(Pagination):
    """A page of a list, counted only as far as `COUNT_CAP` (module docstring).

    `stmt` gives the page's rows with their eager loads. With `ids_stmt` (the listed key with the list's
    conditions and ORDER BY) the page's ids are read first and then their rows; `after` / `before` (a key
    of the list, from the "Sau ›" / "‹ Trước" links) start the page just after / end it just before that row,
    by the row's ORDER BY values (keyset), when the list is longer than the cap. Attributes for the pager:
    `total` (the exact count, or None past the cap), `count_text`, `has_next`, `next_args`, `prev_args`.
    """

    def __init__(self, page: int, per_page: int, stmt: Select, ids_stmt: Select | None = None,
                 after: int | None = None, before: int | None = None) -> None:
        self._query_args = {}
        self.page, self.per_page, self.max_per_page = page, per_page, per_page
        source = ids_stmt if ids_stmt is not None else stmt.options(lazyload("*"))
        whole = whole_table_estimate(source)
        counted = capped_count(source) if whole is None else COUNT_CAP + 1
        self.total: int | None = counted if counted <= COUNT_CAP else None
        self.estimate = None if self.total is not None else whole or (
            estimated_count(source) if _unconditioned(source) else None)
        self._more, self._cursors = False, False
        if ids_stmt is None:
            self.items = self._rows(stmt)
        else:
            ids = self._ids(ids_stmt, after, before)
            self.items = [] if not ids else list(db.session.execute(
                stmt.where(ids_stmt.selected_columns[0].in_(ids))).unique().scalars())
            if self._cursors and self.items:
                self._first, self._last = ids[0], ids[-1]

    def _rows(self, stmt: Select) -> list:
        if self.total is not None:
            if self._query_offset >= self.total:
                return []
            return list(db.session.execute(stmt.limit(self.per_page).offset(self._query_offset)).unique().scalars())
        rows = list(db.session.execute(stmt.limit(self.per_page + 1).offset(self._query_offset)).unique().scalars())
        self._more = len(rows) > self.per_page
        return rows[:self.per_page]

    def _ids(self, ids_stmt: Select, after: int | None, before: int | None) -> list:
        if self.total is not None:
            return page_ids(ids_stmt, self._query_offset, self.per_page, self.total)
        self._cursors = keyset_orderable(ids_stmt)
        ids = None
        if self._cursors and (after is not None or before is not None):
            ids = keyset_ids(ids_stmt, after if after is not None else before,
                             self.per_page + 1 if after is not None else self.per_page, after is None)
        if ids is None:  # no cursor, or one that cannot be used: by the page's number
            ids = page_ids(ids_stmt, self._query_offset, self.per_page + 1, None)
        elif before is not None:
            self._more = True  # the page before a row of the list is followed by that row
            return ids
        self._more = len(ids) > self.per_page
        return ids[:self.per_page]

    @property
    def pages(self) -> int:
        """The number of pages when counted; past the cap, the pages known to exist (at least this one)."""
        if self.total is not None:
            return ceil(self.total / self.per_page) if self.total else 0
        return max(ceil((COUNT_CAP + 1) / self.per_page), self.page + self._more)

    @property
    def has_next(self) -> bool:
        return self._more if self.total is None else self.page < self.pages

    def iter_pages(self, *, left_edge: int = 2, left_current: int = 2, right_current: int = 4,
                   right_edge: int = 2):
        """The page numbers of the pager; past the cap there is no last page to show, a trailing None
        ("…") says the list goes on."""
        if self.total is not None:
            yield from super().iter_pages(left_edge=left_edge, left_current=left_current,
                                          right_current=right_current, right_edge=right_edge)
            return
        shown = list(super().iter_pages(left_edge=left_edge, left_current=left_current,
                                        right_current=right_current, right_edge=0))
        yield from shown
        if self.has_next:
            yield None

    @property
    def count_text(self) -> str:
        """The rows of the list as the pager says it: "1.234 dòng", "khoảng 1,1 triệu dòng", "hơn 10.000 dòng"."""
        if self.total is not None:
            return f"{vn_number(self.total)} dòng"
        if self.estimate is not None and self.estimate > COUNT_CAP:
            return f"khoảng {about(self.estimate)} dòng"
        return f"hơn {vn_number(COUNT_CAP)} dòng"

    @property
    def next_args(self) -> dict:
        """The query arguments of "Sau ›": the next page's number and, past the cap, the cursor."""
        if self._cursors and self.items:
            return {"page": self.page + 1, "after": self._last}
        return {"page": self.page + 1}

    @property
    def prev_args(self) -> dict:
        if self._cursors and self.items and self.page > 2:
            return {"page": self.page - 1, "before": self._first}
        return {"page": self.page - 1}


class ListPagination(Pagination):
    """A page of a list already in memory (e.g. the assignment suggestions, computed, not queried): the same
    pager as every list."""

    def _query_items(self) -> list:
        items = self._query_args["items"]
        return items[self._query_offset:self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["items"])

    @property
    def count_text(self) -> str:
        return f"{vn_number(self.total)} dòng"

    @property
    def next_args(self) -> dict:
        return {"page": self.page + 1}

    @property
    def prev_args(self) -> dict:
        return {"page": self.page - 1}


def capped_count(stmt: Select) -> int:
    """The rows of `stmt`, counted up to COUNT_CAP + 1: `SELECT count(*) FROM (… LIMIT 10001)`.

    On PostgreSQL a list whose condition is an OR (a coordinator's persons: living in the area OR belonging to
    one of its units) is first counted one alternative at a time, each up to the cap: when one alone passes it,
    so does the list. The planner cannot estimate such an OR of IN-subqueries (it guessed 75 % of 1.15M persons
    for a district's 12 %) and scans the table for it, 74,000 rows for 10,001 matches (22–26 ms); an alternative
    alone walks its own index (3–5 ms). When none passes it, the list is counted as each alternative's rows that
    no alternative before it holds (`… AND (earlier) IS NOT TRUE`: a row the earlier one leaves NULL is not in
    it), their sum: each row once, each count walking its own alternative's index. The OR itself, or a UNION of
    the alternatives, was still planned as a scan of the table (15–19 ms for a district of the normal demo,
    whose 7,900 persons are under the cap)."""
    if db.session.get_bind().dialect.name == "postgresql":
        split = _split_or(stmt)
        if split is not None:
            base, terms = split
            counts = []
            for term in terms:
                counts.append(_capped(base.where(term)))
                if counts[-1] > COUNT_CAP:
                    return COUNT_CAP + 1
            total = counts[0] + sum(_capped(base.where(term, *(t.is_not(true()) for t in terms[:i])))
                                    for i, term in enumerate(terms) if i)
            return min(total, COUNT_CAP + 1)
    return _capped(stmt)


def _capped(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).limit(COUNT_CAP + 1).subquery()))


def _alternatives(stmt: Select) -> list[Select]:
    """`stmt` once per term of the OR in its WHERE (the other conditions ANDed to each), or none when its WHERE
    has no OR at the top (alone, or as one of the conditions ANDed)."""
    split = _split_or(stmt)
    return [] if split is None else [split[0].where(term) for term in split[1]]


def _split_or(stmt: Select) -> tuple[Select, list] | None:
    """(`stmt` without its top OR — its columns, table and other conditions —, the OR's terms), or None when its
    WHERE has no OR at the top, or it reads more than one table's rows, or DISTINCT ones (an alternative's rows
    are then rows of the list)."""
    where = _ungrouped(stmt.whereclause)
    if where is None or stmt._distinct:
        return None
    terms = list(where.clauses) if _is(where, operators.and_) else [where]
    for i, term in enumerate(terms):
        term = _ungrouped(term)
        if _is(term, operators.or_):
            froms = _froms(stmt)
            if len(froms) != 1 or not isinstance(froms[0], Table):
                return None
            rest = terms[:i] + terms[i + 1:]
            return select(*stmt.selected_columns).select_from(froms[0]).where(*rest), list(term.clauses)
    return None


def _ungrouped(clause):
    while isinstance(clause, Grouping | AsBoolean):
        clause = clause.element
    return clause


def _is(clause, operator) -> bool:
    return isinstance(clause, BooleanClauseList) and clause.operator is operator


WHOLE_TABLE_MARGIN = 2  # a whole table is not counted when PostgreSQL estimates it at 2 × COUNT_CAP rows or more


def whole_table_estimate(stmt: Select) -> int | None:
    """On PostgreSQL, for a list of a whole table (no condition: steering's unfiltered lists), the planner's
    estimate of its rows (`pg_class.reltuples`, kept by ANALYZE and autovacuum) when it is well past the cap
    (`WHOLE_TABLE_MARGIN`): the count up to the cap would read 10,001 index entries (2–4 ms of the database's
    time a page) only to learn what the estimate says already. None otherwise (a filtered list, whose estimate
    may be far off; SQLite)."""
    if db.session.get_bind().dialect.name != "postgresql" or not _unconditioned(stmt):
        return None
    # the table's own statistics (what the planner's estimate of a whole table starts from), read without
    # compiling the statement for an EXPLAIN; -1: never analyzed
    estimate = db.session.scalar(text("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(:name)"),
                                 {"name": _froms(stmt)[0].name})
    return estimate if estimate is not None and estimate >= WHOLE_TABLE_MARGIN * COUNT_CAP else None


def _unconditioned(stmt: Select) -> bool:
    """Whether `stmt` reads one table with no condition but `true` (everything in scope), no join, no grouping."""
    where = stmt.whereclause
    while isinstance(where, AsBoolean):  # `WHERE true` as the ORM coerces it
        where = where.element
    if not (where is None or isinstance(where, True_)) or stmt._group_by_clauses or stmt._having_criteria:
        return False
    froms = _froms(stmt)
    return len(froms) == 1 and isinstance(froms[0], Table)


def _froms(stmt: Select) -> list:
    """The tables and other FROMs `stmt` reads its rows from, as its SQL names them: those it selects from,
    those of its columns and those its WHERE compares directly (a subquery's own tables are its own), each once
    and without annotations. Eager loads are not rows of the list (counts take the statement without them).
    `Select.get_final_froms` answers the same from an ORM statement's compiled state: 3–18 ms a call for a
    statement with joined loads, more than the page's queries; it is still asked for explicit joins."""
    if stmt._setup_joins:
        return stmt.get_final_froms()
    where = stmt.whereclause
    found: list = []
    for item in (*stmt._from_obj, *stmt.columns_clause_froms, *(where._from_objects if where is not None else ())):
        plain = item._deannotate()
        if not any(plain is seen for seen in found):
            found.append(plain)
    return found


def estimated_count(stmt: Select) -> int | None:
    """PostgreSQL's planner estimate of the rows of `stmt` (from its statistics, pg_class.reltuples for a
    whole table), or None (SQLite keeps none)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return None
    compiled = stmt.order_by(None).compile(dialect=db.session.get_bind().dialect,
                                          compile_kwargs={"render_postcompile": True})
    plan = db.session.connection().exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params)
    rows = plan.scalar()
    rows = rows if isinstance(rows, list) else json.loads(rows)
    return int(rows[0]["Plan"]["Plan Rows"])


def about(n: int) -> str:
    """A count rounded to two significant digits, in words for millions: 1.140.000 → "1,1 triệu",
    45.300 → "45.000"."""
    if n >= 1_000_000:
        return f"{vn_number(round(n / 1_000_000, 1), 1).removesuffix(',0')} triệu"
    step = 10 ** max(len(str(n)) - 2, 0)
    return vn_number(round(n / step) * step)


def page_ids(ids_stmt: Select, offset: int, limit: int, total: int | None) -> list:
    """The ids at positions offset … offset + limit − 1 of the ids of `ids_stmt` (a plain SELECT of one key
    column: its FROM, WHERE and ORDER BY are kept, nothing else); `total` is their count, or None when the
    list is longer than COUNT_CAP (then read forwards)."""
    if total is not None and offset >= total:
        return []
    order, backwards = list(ids_stmt._order_by_clauses), False
    if total is not None:
        end = min(offset + limit, total)
        backwards = offset > total - end
        if backwards:
            order, offset, limit = [_reversed(term) for term in order], total - end, end - offset
    stmt = _walked(ids_stmt, total)
    ids = list(db.session.scalars(stmt.order_by(None).order_by(*order).limit(limit).offset(offset)))
    return ids[::-1] if backwards else ids


def _walked(ids_stmt: Select, total: int | None) -> Select:
    """`ids_stmt`, or on SQLite for a list of at least 1/WALK_SHARE of its table (or past the cap) the same
    ids with the conditions written `+column`, so that SQLite walks the ORDER BY index."""
    key = ids_stmt.selected_columns[0]
    if db.session.get_bind().dialect.name != "sqlite":
        return ids_stmt
    if total is not None and total * WALK_SHARE < _table_size(key):
        return ids_stmt
    stmt = select(key).select_from(*ids_stmt.get_final_froms())
    if ids_stmt.whereclause is not None:
        stmt = stmt.where(_unindexed(ids_stmt.whereclause, key.table))
    return stmt


def _order_terms(ids_stmt: Select) -> list[tuple[Column, bool]] | None:
    """(column, descending) of each ORDER BY term when every term is a plain column of the listed table."""
    key, terms = ids_stmt.selected_columns[0], []
    for term in ids_stmt._order_by_clauses:
        descending = isinstance(term, UnaryExpression) and term.modifier is operators.desc_op
        if isinstance(term, UnaryExpression):
            if term.modifier not in (operators.desc_op, operators.asc_op):
                return None
            term = term.element
        if not isinstance(term, Column) or term.table is not key.table:
            return None
        terms.append((term, descending))
    return terms


def keyset_orderable(ids_stmt: Select) -> bool:
    """Whether the pages of `ids_stmt` can be read after / before a row: its ORDER BY is plain columns of the
    listed table ending with its key."""
    terms = _order_terms(ids_stmt)
    return bool(terms) and terms[-1][0].compare(ids_stmt.selected_columns[0])


def keyset_ids(ids_stmt: Select, cursor: int, limit: int, backwards: bool) -> list | None:
    """The `limit` ids of `ids_stmt` just after the row `cursor` (or just before it, when `backwards`), in
    the list's order: a range of the ORDER BY index (`c1 <= v1 AND (c1 < v1 OR id < v2)` for a descending
    order), whatever page it is. None when the row is not in the list (gone, or outside its conditions and
    scope) or a NULL sits where the range cannot reach it
    (NULL values: PostgreSQL sorts them after every value, SQLite before); the page is then read by number."""
    terms = _order_terms(ids_stmt)
    key = ids_stmt.selected_columns[0]
    # the cursor's values are read through the list itself: a row outside it (gone, filtered, out of scope)
    # places nothing, and nothing of a row the user does not see shapes the page
    values = db.session.execute(ids_stmt.with_only_columns(*(c for c, _ in terms)).where(key == cursor)
                                .order_by(None).limit(1)).first()
    if values is None or any(v is None for v in values):
        return None
    nulls_high = db.session.get_bind().dialect.name == "postgresql"
    for column, descending in terms:
        nulls_last = nulls_high != descending
        if getattr(column, "nullable", True) and not column.compare(key) and nulls_last != backwards:
            return None  # the NULL rows are on the side read, outside the range
    condition = None
    for (column, descending), value in reversed(list(zip(terms, values, strict=True))):
        down = descending != backwards
        strict = column < value if down else column > value
        if condition is None:
            condition = strict
        else:
            condition = and_(column <= value if down else column >= value, or_(strict, condition))
    order = [_reversed(term) for term in ids_stmt._order_by_clauses] if backwards else ids_stmt._order_by_clauses
    stmt = _walked(ids_stmt, None).where(condition).order_by(None).order_by(*order).limit(limit)
    ids = list(db.session.scalars(stmt))
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
