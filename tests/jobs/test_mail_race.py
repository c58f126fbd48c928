"""Two senders racing for the same message: the claim (a conditional UPDATE on state = 'pending') lets only one
of them send it.

The race is forced, not hoped for: sender A reads the due messages, and just before A's claim UPDATE of the
first message runs, sender B (another thread, its own session and connection) runs a whole delivery: it claims
both messages, sends them and commits. A's UPDATEs then match nothing. Without the `state = 'pending'`
condition A would claim the messages again and the server would receive them twice. (The sender ends its read
before claiming, so on SQLite B's commit is not blocked by A's shared lock.) The test commits for real and
deletes its rows at the end.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, event, select

from app.extensions import db
from app.models import OutboxMessage
from app.notifications.outbox import queue
from app.notifications.sender import deliver

pytestmark = pytest.mark.no_db
KEYS = ("race:first", "race:second")


@pytest.fixture
def two_messages(app):
    with app.app_context():
        queue(KEYS[0], "digest", "mot@example.org", "Thư một", "Một")
        queue(KEYS[1], "digest", "hai@example.org", "Thư hai", "Hai")
        db.session.commit()
        first = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key == KEYS[0]))
        db.session.remove()
    yield first
    with app.app_context():
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.dedup_key.in_(KEYS)))
        db.session.commit()
        db.session.remove()


def test_a_message_claimed_by_another_sender_in_between_is_sent_once(app, smtp_server, two_messages):
    now = datetime.now(UTC) + timedelta(minutes=1)
    first_id = two_messages
    raced: dict[str, object] = {}

    def other_sender() -> None:
        with app.app_context():
            try:
                raced["counts"] = deliver(smtp_server.url, "lantoa@example.org", "sender-b", now=now)
            finally:
                db.session.remove()

    def before_claim(conn, cursor, statement, parameters, context, executemany) -> None:
        if raced or not statement.lstrip().upper().startswith("UPDATE OUTBOX_MESSAGES"):
            return
        values = parameters.values() if isinstance(parameters, dict) else parameters
        if first_id not in values or "state" not in statement:
            return
        raced["started"] = True  # only once, and only in sender A: B runs while A waits here
        thread = threading.Thread(target=other_sender)
        thread.start()
        thread.join(30)
        raced["b_finished"] = not thread.is_alive()

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", before_claim)
        try:
            counts = deliver(smtp_server.url, "lantoa@example.org", "sender-a", now=now)
        finally:
            event.remove(engine, "before_cursor_execute", before_claim)
            db.session.remove()

    assert raced.get("b_finished"), "sender B should have run between A's SELECT and A's claim"
    received = sorted(m["To"] for m in smtp_server.messages)
    assert received == ["hai@example.org", "mot@example.org"], "each message reaches the server exactly once"
    assert raced["counts"]["sent"] == 2
    assert counts["sent"] == 0 and counts["taken"] == 2, counts
    with app.app_context():
        rows = {m.dedup_key: (m.state, m.claimed_by, m.attempts) for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.dedup_key.in_(KEYS)))}
        db.session.remove()
    assert rows == {KEYS[0]: ("sent", "sender-b", 1), KEYS[1]: ("sent", "sender-b", 1)}
