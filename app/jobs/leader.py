"""One active scheduler: a database lock makes one process the leader; the others wait.

- PostgreSQL: `pg_try_advisory_lock(key)` on a connection this process holds open for as long as it leads;
  the lock belongs to the session, so it is released when the process (or its connection) dies, on any host.
  Renewing checks that the connection is still alive.
- SQLite (one host): a lease row in `scheduler_leases` (name, holder, expires_at). Acquiring is one conditional
  UPDATE (the row is free, expired, or already ours) or, for the very first time, an INSERT that the primary
  key lets only one process win. The leader renews the lease well before it expires; a leader that stops
  renewing (crashed, frozen) loses it after `lease` and another process takes over.
Both take `now` from an injectable clock so the lease rules can be tested without waiting.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine, insert, or_, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.models import SchedulerLease
from app.timeutil import clock

__all__ = ["AdvisoryLock", "LeaseLock", "leader_lock", "lock_key"]

logger = logging.getLogger("lantoa.scheduler")
LEASES = SchedulerLease.__table__


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a lock name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class AdvisoryLock:
    """The held connection is shared by the renew loop and `stop()`, so every use of it is serialized."""

    def __init__(self, engine: Engine, name: str, holder: str):
        self.engine, self.name, self.holder, self.key = engine, name, holder, lock_key(name)
        self.connection = None
        self._guard = threading.Lock()

    def acquire(self) -> bool:
        with self._guard:
            return self._acquire()

    def renew(self) -> bool:
        with self._guard:
            return self._renew()

    def release(self) -> None:
        with self._guard:
            self._release()

    def _acquire(self) -> bool:
        if self.connection is not None:
            return True
        connection = self.engine.connect()
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar()
        connection.commit()
        if got:
            self.connection = connection
        else:
            connection.close()
        return bool(got)

    def _renew(self) -> bool:
        if self.connection is None:
            return False
        try:
            self.connection.execute(text("SELECT 1")).scalar()
            self.connection.commit()
        except DBAPIError:
            logger.warning("lost the connection that holds the scheduler lock")
            self.connection = None
            return False
        return True

    def _release(self) -> None:
        if self.connection is None:
            return
        try:
            self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            self.connection.commit()
        except DBAPIError:
            pass
        finally:
            self.connection.close()
            self.connection = None


class LeaseLock:
    def __init__(self, engine: Engine, name: str, holder: str, lease: dt.timedelta,
                 clock: Callable[[], dt.datetime] = clock):
        self.engine, self.name, self.holder, self.lease, self.clock = engine, name, holder, lease, clock

    def acquire(self) -> bool:
        now = self.clock()
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(LEASES).where(LEASES.c.name == self.name,
                                     or_(LEASES.c.holder == self.holder, LEASES.c.expires_at < now))
                .values(holder=self.holder, expires_at=now + self.lease, acquired_at=now)
            ).rowcount
        if taken:
            return True
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(LEASES).values(name=self.name, holder=self.holder, expires_at=now + self.lease,
                                                   acquired_at=now))
        except IntegrityError:
            return False
        return True

    def renew(self) -> bool:
        now = self.clock()
        with self.engine.begin() as conn:
            return bool(conn.execute(
                update(LEASES).where(LEASES.c.name == self.name, LEASES.c.holder == self.holder)
                .values(expires_at=now + self.lease)
            ).rowcount)

    def release(self) -> None:
        now = self.clock()
        with self.engine.begin() as conn:
            conn.execute(update(LEASES).where(LEASES.c.name == self.name, LEASES.c.holder == self.holder)
                         .values(expires_at=now - dt.timedelta(seconds=1)))


def leader_lock(engine: Engine, name: str, holder: str, lease: dt.timedelta) -> AdvisoryLock | LeaseLock:
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine, name, holder)
    return LeaseLock(engine, name, holder, lease)
