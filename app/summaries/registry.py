"""Stored summaries: the figures dashboards show, computed once and read from the `summaries` table.

Rules:
- a summary is a compute function registered with `@summary(name, depends_on=(Model, …))`: it takes the as-of
  `day` and keyword parameters (ints, strings or dates: the key), and returns plain JSON (dicts with string keys,
  lists, numbers); `app/summaries/catalogue.py` holds every registered one;
- `read(name, day, **params)` answers `Stored(payload, computed_at, stale)`: the stored row when there is one (a
  stale row is still served with its time under `LANTOA_SUMMARIES=serve`; `refresh` computes it again first),
  else it is computed now and stored. What a read hands back is what a later read of the row gives (the payload
  goes through JSON once: integer keys come back as strings);
- writing from a GET: a request that has changed nothing writes the summary in transactions of its own
  (`app.web.boundary.write_now`): the claim, then — after computing in the request's read transaction, so the
  write lock is never held over the computation — the result. A request that has changed something writes it
  in its own transaction (committed or rolled back with the request); outside a request (a command, a job) in
  the session's transaction;
- the claim comes before the computation: it creates the row (payload NULL) or clears `stale`, committed, so a
  change committed while the figures are computed marks the row stale again and is never lost; the result is
  stored only over a row computed earlier (`computed_at`, the start of the computation: of two computations
  running at once, the later one's figures stay);
- staleness needs nothing from operations: an `after_flush` listener sees the new, dirty and deleted objects of
  the models some summary depends on and marks those summaries' rows stale in the same transaction (one UPDATE
  per flush); a `do_orm_execute` listener does the same for Core INSERT / UPDATE / DELETE statements run through
  the session on their tables (imports, the demo, jobs). Writers that bypass the session (raw SQL, another
  connection) call `mark_stale(...)` themselves; the bulk writers call it too, to say so;
- rows are refreshed by `refresh_due(today)` (the `summaries_refresh` job, every 2 minutes): stale or unfinished
  rows of today are computed again; what was read yesterday is computed for today (the first reader after
  midnight does not wait); stale rows of past days are dropped (a past day asked again is computed then), and
  rows older than `KEEP_DAYS`.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import inspect
import json
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, has_app_context, has_request_context, request
from sqlalchemy import Table, and_, delete, event, or_, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Summary
from app.timeutil import as_utc, utcnow

__all__ = ["MODES", "KEEP_DAYS", "Spec", "Stored", "summary", "read", "current", "fresh", "mark_stale", "refresh_due",
           "compute_missing", "specs", "key_of", "names_for"]

MODES = ("serve", "refresh")
KEEP_DAYS = 31
TABLE = Summary.__table__
_CACHE = "lantoa.summaries"
_COMPUTING: contextvars.ContextVar[bool] = contextvars.ContextVar("lantoa_summary_computing", default=False)


@dataclass(frozen=True)
class Spec:
    name: str
    compute: Callable[..., Any]
    depends_on: tuple[type, ...]
    params: dict[str, Any]  # parameter → its type (dates are written ISO in the key)


@dataclass(frozen=True)
class Stored:
    payload: Any
    computed_at: dt.datetime  # aware UTC: when the figures were read
    stale: bool = False


_SPECS: dict[str, Spec] = {}
_BY_TABLE: dict[str, set[str]] = {}  # table name → names of the summaries that depend on it


def summary(name: str, depends_on: Iterable[type | Table]) -> Callable:
    """Register `compute(day, **params) -> JSON` as the summary `name`, stale whenever a row of one of the
    `depends_on` models is written."""
    def register(compute: Callable) -> Callable:
        hints = typing.get_type_hints(compute)
        params = {p: hints.get(p, str) for p in inspect.signature(compute).parameters if p != "day"}
        models = tuple(depends_on)
        _SPECS[name] = Spec(name, compute, models, params)
        for model in models:
            _BY_TABLE.setdefault(_table_name(model), set()).add(name)
        return compute
    return register


def _loaded() -> None:
    if not _SPECS:
        import app.summaries.catalogue  # noqa: F401 (registers every summary)


def specs() -> dict[str, Spec]:
    _loaded()
    return dict(_SPECS)


def names_for(*what: str | type | Table) -> set[str]:
    """Summary names from names and models (the summaries depending on each model's table)."""
    _loaded()
    names: set[str] = set()
    for item in what:
        if isinstance(item, str):
            if item not in _SPECS:
                raise KeyError(f"no summary named {item!r}")
            names.add(item)
        else:
            names |= _BY_TABLE.get(_table_name(item), set())
    return names


def _table_name(model) -> str:
    """A model's table name, or a plain Table's (an association table such as `activity_lead_units`)."""
    return model.name if isinstance(model, Table) else model.__table__.name


def key_of(params: dict[str, Any]) -> str:
    """The parameters as canonical JSON (sorted keys, dates ISO): the row's `key`."""
    return json.dumps({k: v.isoformat() if isinstance(v, dt.date) else v for k, v in params.items()},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _params_of(spec: Spec, key: str) -> dict[str, Any]:
    raw = json.loads(key)
    return {k: dt.date.fromisoformat(v) if spec.params.get(k) is dt.date else v for k, v in raw.items()}


def _mode() -> str:
    return current_app.config.get("LANTOA_SUMMARIES", "serve") if has_app_context() else "serve"


def _cache() -> dict | None:
    """What this request has read (a page reading one summary twice reads its row once); None outside one."""
    return request.environ.setdefault(_CACHE, {}) if has_request_context() else None


# --- staleness ---------------------------------------------------------------------------------------------------

def _mark(connection, names: set[str]) -> None:
    connection.execute(update(TABLE).where(TABLE.c.name.in_(sorted(names)), TABLE.c.stale.is_(False))
                       .values(stale=True))
    cache = _cache()
    if cache:
        for cached in [k for k in cache if k[0] in names]:
            del cache[cached]


def mark_stale(*what: str | type) -> None:
    """Mark the rows of these summaries (names, or models: every summary depending on them) stale, in the
    session's transaction. For writers the listeners cannot see (SQL outside the session); the bulk writers call
    it as well, to say what they change."""
    names = names_for(*what)
    if names:
        _mark(db.session.connection(), names)


@event.listens_for(Session, "after_flush")
def _stale_after_flush(session, flush_context) -> None:
    if not _BY_TABLE:
        _loaded()
    tables = {type(obj).__table__.name for objs in (session.new, session.dirty, session.deleted) for obj in objs
              if hasattr(type(obj), "__table__")}
    names = set().union(*(_BY_TABLE.get(t, ()) for t in tables))
    if names:
        _mark(session.connection(), names)


@event.listens_for(Session, "do_orm_execute")
def _stale_on_core_write(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name is None or name == TABLE.name:
        return
    if not _BY_TABLE:
        _loaded()
    names = _BY_TABLE.get(name)
    if names:
        _mark(state.session.connection(), set(names))


# --- reading and writing -----------------------------------------------------------------------------------------

def _spec(name: str) -> Spec:
    _loaded()
    try:
        return _SPECS[name]
    except KeyError:
        raise KeyError(f"no summary named {name!r}") from None


def _find(name: str, key: str, day: dt.date):
    return db.session.execute(select(TABLE.c.id, TABLE.c.payload, TABLE.c.computed_at, TABLE.c.stale)
                              .where(TABLE.c.name == name, TABLE.c.key == key, TABLE.c.day == day)).first()


def _insert_missing(name: str, key: str, day: dt.date, at: dt.datetime):
    """INSERT the row unless it exists (two first readers at once: one row)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(TABLE).values(name=name, key=key, day=day, payload=None, computed_at=at, stale=False) \
        .on_conflict_do_nothing(index_elements=["name", "key", "day"])


def _claim(name: str, key: str, day: dt.date, at: dt.datetime) -> None:
    """The row exists and is not stale: a change from now on marks it stale again."""
    connection = db.session.connection()
    connection.execute(_insert_missing(name, key, day, at))
    connection.execute(update(TABLE).where(TABLE.c.name == name, TABLE.c.key == key, TABLE.c.day == day,
                                           TABLE.c.stale.is_(True)).values(stale=False))


def _store(name: str, key: str, day: dt.date, at: dt.datetime, payload: Any) -> None:
    """The figures read from `at` on, unless a computation begun later has already stored its own."""
    db.session.connection().execute(
        update(TABLE).where(TABLE.c.name == name, TABLE.c.key == key, TABLE.c.day == day,
                            or_(TABLE.c.payload.is_(None), TABLE.c.computed_at <= at))
        .values(payload=payload, computed_at=at))


def _request_unchanged() -> bool:
    session = db.session
    return not (g.get("lantoa_flushed") or session.new or session.dirty or session.deleted)


def _compute(spec: Spec, key: str, day: dt.date, params: dict[str, Any], step: Callable[[], None] | None = None,
             ) -> Stored:
    """Claim, compute, store. `step` ends a transaction between the three (the job's commit); in a request
    that has changed nothing the claim and the store are written with `write_now`."""
    at = utcnow()
    apart = has_request_context() and step is None and _request_unchanged()
    if apart:
        from app.web.boundary import write_now

        write_now(lambda: _claim(spec.name, key, day, at))
    else:
        if step:
            step()  # a transaction that begins with its write (SQLite: it waits for the lock, never fails)
        _claim(spec.name, key, day, at)
        if step:
            step()
    payload = _computed(spec, day, params)
    if apart:
        write_now(lambda: _store(spec.name, key, day, at, payload))
    else:
        if step:
            step()  # end the read transaction: the store begins with its write (SQLite: waits for the lock)
        _store(spec.name, key, day, at, payload)
        if step:
            step()
    return Stored(payload, at, False)


def _computed(spec: Spec, day: dt.date, params: dict[str, Any]) -> Any:
    """The compute function's payload as a later read will see it (once through JSON)."""
    token = _COMPUTING.set(True)
    try:
        return json.loads(json.dumps(spec.compute(day, **params), ensure_ascii=False))
    finally:
        _COMPUTING.reset(token)


def read(name: str, day: dt.date, **params: Any) -> Stored:
    """The summary `name` of `day` for these parameters: stored, or computed now and stored."""
    spec = _spec(name)
    unknown = set(params) - set(spec.params)
    if unknown or set(spec.params) - set(params):
        raise TypeError(f"summary {name!r} takes {sorted(spec.params)}, not {sorted(params)}")
    key = key_of(params)
    cache = _cache()
    if cache is not None and (name, key, day) in cache:
        return cache[(name, key, day)]
    row = _find(name, key, day)
    nested = _COMPUTING.get()
    if row is not None and row.payload is not None and (not row.stale or (_mode() == "serve" and not nested)):
        found = Stored(row.payload, as_utc(row.computed_at), bool(row.stale))
    elif nested:  # a summary computed from another: a stale or missing one is computed, not stored, and not cached
        return Stored(_computed(spec, day, params), utcnow(), False)
    else:
        found = _compute(spec, key, day, params)
    if cache is not None:
        cache[(name, key, day)] = found
    return found


def current(name: str, day: dt.date, **params: Any) -> Stored | None:
    """The stored figures of `name` for `day` and these parameters when they are current (computed, not stale:
    whatever the mode), else None — nothing is computed. For a job that must not work from figures older than
    the data (the gap scan) and computes them itself when there are none."""
    spec = _spec(name)
    if set(params) != set(spec.params):
        raise TypeError(f"summary {name!r} takes {sorted(spec.params)}, not {sorted(params)}")
    row = _find(name, key_of(params), day)
    if row is None or row.payload is None or row.stale:
        return None
    return Stored(row.payload, as_utc(row.computed_at), False)


def fresh(name: str, day: dt.date, **params: Any) -> Stored:
    """`current(name, day, **params)`, else computed now and stored (in the session's transaction: a job's) — never
    a stale row, whatever the mode."""
    return current(name, day, **params) or _compute(_spec(name), key_of(params), day, params)


def _commit_step() -> None:
    """The `summaries_refresh` job's commit between the claim, the computation and the result of each row
    (`app.jobs.boundary.commit_step`): the write lock is never held over a computation of seconds, and on
    SQLite a write after a long read would fail once another writer has committed."""
    from app.jobs.boundary import commit_step

    commit_step()


def compute_missing(day: dt.date, wanted: Iterable[tuple[str, dict[str, Any]]], steps: bool = False) -> int:
    """Compute and store the summaries `wanted` ((name, params) pairs) of `day` that have no figures yet;
    how many were computed. `steps`: commit between rows (the job)."""
    step = _commit_step if steps else None
    done = 0
    for name, params in wanted:
        spec, key = _spec(name), key_of(params)
        row = _find(name, key, day)
        if row is None or row.payload is None:
            _compute(spec, key, day, params, step=step)
            done += 1
    return done


def refresh_due(today: dt.date, steps: bool = False) -> dict[str, int]:
    """Bring the rows of `today` up to date: what was read yesterday, computed for today; stale or unfinished
    rows of today, computed again; stale rows of past days and rows older than KEEP_DAYS, dropped. Run twice it
    changes nothing the second time. `steps`: commit between rows (the job; else one transaction: the demo, the
    gap scan's job)."""
    _loaded()
    step = _commit_step if steps else None
    yesterday = today - dt.timedelta(days=1)
    todays = {(r.name, r.key): r for r in db.session.execute(
        select(TABLE.c.name, TABLE.c.key, TABLE.c.payload.is_(None).label("unfinished"), TABLE.c.stale)
        .where(TABLE.c.day == today))}
    carried = [(n, k) for n, k in db.session.execute(select(TABLE.c.name, TABLE.c.key).where(TABLE.c.day == yesterday))
               if (n, k) not in todays and n in _SPECS]
    order = {name: i for i, name in enumerate(_SPECS)}  # summaries read by others (registered first) go first
    due = sorted({(n, k) for (n, k), r in todays.items() if (r.stale or r.unfinished) and n in _SPECS}
                 | set(carried), key=lambda nk: (order[nk[0]], nk[1]))
    if step:
        step()
    for name, key in due:
        spec = _SPECS[name]
        _compute(spec, key, today, _params_of(spec, key), step=step)
    old = db.session.connection().execute(delete(TABLE).where(or_(
        TABLE.c.day < today - dt.timedelta(days=KEEP_DAYS), and_(TABLE.c.day < today, TABLE.c.stale.is_(True)))))
    if step:
        step()
    return {"refreshed": len(due) - len(carried), "carried": len(carried), "dropped": old.rowcount or 0}
