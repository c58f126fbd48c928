"""Mail: the digest and reminders queued once, delivered over real SMTP once, retried with backoff."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.gaps.scan import scan
from app.models import OutboxMessage, User
from app.notifications.digest import queue_digests
from app.notifications.outbox import queue
from app.notifications.reminders import queue_reminders
from app.notifications.sender import MAX_ATTEMPTS, backoff, deliver, parse_smtp_url
from tests.smtp import free_port

NOW = datetime.now(UTC) + timedelta(days=1)  # queued messages are due from the real clock (a day: however long
# the suite has run since this module was collected)


def _email(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    user.email = f"{username}@example.org"
    db.session.flush()
    return user


def _messages(**where) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(OutboxMessage, name) == value)
    return list(db.session.scalars(stmt))


def test_queueing_the_same_key_twice_keeps_one_message():
    assert queue("k:1", "digest", "a@example.org", "Tiêu đề", "Nội dung")
    assert not queue("k:1", "digest", "a@example.org", "Tiêu đề khác", "Nội dung khác")
    assert [m.subject for m in _messages(dedup_key="k:1")] == ["Tiêu đề"]


def test_the_digest_tells_a_coordinator_about_new_gaps_and_their_overdue_activities(app, kh137, activities):
    coordinator = _email("coord_soldtbxh")
    _email("coord_daitu")
    today = date(2025, 1, 27)
    with app.test_request_context():
        scan(today)
        assert queue_digests(today) == 2
        assert queue_digests(today) == 0  # once a day
    digest = _messages(user_id=coordinator.id)[0]
    assert digest.dedup_key == f"digest:{coordinator.id}:2025-01-27" and digest.kind == "digest"
    assert digest.subject.startswith("[Lan Tỏa] Bản tin ngày 27/01/2025")
    assert "HOẠT ĐỘNG QUÁ HẠN (1)" in digest.body and "Hoạt động 1:" in digest.body  # led by their unit
    assert "hạn 31/12/2024, quá 27 ngày" in digest.body
    daitu = _messages(to_address="coord_daitu@example.org")[0]
    assert "* Huyện, xã chưa ban hành kế hoạch — mức" in daitu.body
    assert "  - Huyện Đại Từ chưa ban hành kế hoạch" in daitu.body
    assert "HOẠT ĐỘNG QUÁ HẠN" not in daitu.body


def test_reminders_go_to_the_lead_unit_or_else_to_steering(app, kh137, activities):
    coordinator = _email("coord_soldtbxh")
    steering = _email("steering")
    with app.test_request_context():
        assert queue_reminders(date(2024, 12, 26), 7) > 0
        again = queue_reminders(date(2024, 12, 27), 7)
    assert again == 0  # one reminder per activity, kind, date and person, whichever day catches it
    keys = {m.dedup_key for m in _messages(kind="reminder")}
    six, one, two = activities[6].id, activities[1].id, activities[2].id
    assert f"reminder:start:{six}:2025-01-01:{coordinator.id}" in keys
    assert f"reminder:due:{one}:2024-12-31:{coordinator.id}" in keys
    assert not any(k.startswith(f"reminder:due:{one}:") and k.endswith(f":{steering.id}") for k in keys)
    assert not any(k.startswith(f"reminder:start:{two}:") for k in keys)  # already under way in its window
    reminder = _messages(dedup_key=f"reminder:start:{six}:2025-01-01:{coordinator.id}")[0]
    assert reminder.subject == "[Lan Tỏa] Nhắc việc: hoạt động 6 bắt đầu ngày 01/01/2025"
    assert "(còn 6 ngày)" in reminder.body


def test_reminders_without_a_lead_coordinator_go_to_steering(app, kh137, activities):
    steering = _email("steering")
    with app.test_request_context():
        queue_reminders(date(2025, 1, 27), 7)
    keys = {m.dedup_key for m in _messages(kind="reminder")}
    assert f"reminder:start:{activities[5].id}:2025-02-01:{steering.id}" in keys


def test_delivery_over_smtp_happens_once(smtp_server):
    queue("digest:1:2025-01-27", "digest", "dp@example.org", "[Lan Tỏa] Bản tin ngày 27/01/2025", "Xin chào")
    queue("digest:2:2025-01-27", "digest", "dp2@example.org", "[Lan Tỏa] Bản tin", "Xin chào lần nữa")
    counts = deliver(smtp_server.url, "lantoa@example.org", "test-sender", now=NOW)
    assert counts["sent"] == 2
    assert deliver(smtp_server.url, "lantoa@example.org", "test-sender", now=NOW)["sent"] == 0
    assert len(smtp_server.messages) == 2
    first = smtp_server.messages[0]
    assert first["Subject"] == "[Lan Tỏa] Bản tin ngày 27/01/2025" and first["To"] == "dp@example.org"
    assert first.get_content().strip() == "Xin chào"
    assert first["Message-ID"].endswith("@lantoa>")
    for message in _messages():
        assert (message.state, message.attempts, message.claimed_by) == ("sent", 1, "test-sender")
        assert message.sent_at is not None


def test_an_unreachable_server_means_retry_later_with_backoff_then_failure():
    queue("a", "digest", "a@example.org", "A", "a")
    queue("b", "digest", "b@example.org", "B", "b")
    url = f"smtp://127.0.0.1:{free_port()}"  # nobody listens there
    counts = deliver(url, "lantoa@example.org", "s", now=NOW)
    assert counts["retry"] == 1 and counts["sent"] == 0  # the batch stops at the first connection failure
    a, b = _messages()
    assert (a.state, a.attempts, b.attempts) == ("pending", 1, 0)
    assert a.next_attempt_at.replace(tzinfo=UTC) == NOW + timedelta(minutes=5) and "ConnectionRefused" in a.last_error
    assert backoff(2) == timedelta(minutes=10) and backoff(20) == timedelta(hours=6)
    assert deliver(url, "lantoa@example.org", "s", now=NOW)["retry"] == 1  # b's turn: a waits for its time
    when = NOW
    for _ in range(2 * MAX_ATTEMPTS):  # one message per run while the server is unreachable
        when += timedelta(hours=7)
        deliver(url, "lantoa@example.org", "s", now=when)
    db.session.expire_all()
    assert {m.state for m in _messages()} == {"failed"}
    assert {m.attempts for m in _messages()} == {MAX_ATTEMPTS}


def test_a_permanent_refusal_fails_at_once(smtp_server):
    smtp_server.inbox.refused.add("khong-co@example.org")
    queue("x", "reminder", "khong-co@example.org", "Nhắc việc", "…")
    assert deliver(smtp_server.url, "lantoa@example.org", "s", now=NOW)["failed"] == 1
    message = _messages()[0]
    assert message.state == "failed" and message.attempts == 1 and "550" in message.last_error


def test_a_claimed_message_is_not_sent_by_another_sender_and_a_stale_claim_is_never_resent(smtp_server):
    queue("c", "digest", "c@example.org", "C", "c")
    message = _messages()[0]
    message.state, message.claimed_by, message.claimed_at = "sending", "other", NOW - timedelta(minutes=5)
    db.session.flush()
    assert deliver(smtp_server.url, "lantoa@example.org", "s", now=NOW)["sent"] == 0
    assert message.state == "sending" and not smtp_server.messages
    deliver(smtp_server.url, "lantoa@example.org", "s", now=NOW + timedelta(hours=1))
    db.session.refresh(message)
    assert message.state == "failed" and "không gửi lại" in message.last_error and not smtp_server.messages


def test_smtp_urls():
    s = parse_smtp_url("smtp://bcd%40tinh.vn:m%E1%BA%ADt-kh%E1%BA%A9u@mail.example.org:587?starttls=1")
    assert (s.host, s.port, s.username, s.password, s.ssl, s.starttls) == (
        "mail.example.org", 587, "bcd@tinh.vn", "mật-khẩu", False, True)
    assert parse_smtp_url("smtps://relay.example.org").port == 465
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_the_digest_groups_gaps_by_rule_and_severity_with_links(app, kh137, activities):
    from app.notifications.digest import TOP, group_gaps

    _email("coord_daitu")
    steering = _email("steering")
    today = date(2025, 1, 27)
    app.config["LANTOA_BASE_URL"] = "https://lantoa.example.vn"
    try:
        with app.test_request_context():
            scan(today)
            assert queue_digests(today) == 2  # the district coordinator and steering
    finally:
        app.config["LANTOA_BASE_URL"] = ""
    province = _messages(user_id=steering.id)[0]
    assert "(toàn tỉnh)" in province.subject and "cho toàn tỉnh" in province.body
    assert "HOẠT ĐỘNG QUÁ HẠN" in province.body  # steering hears of every overdue activity
    assert "Xem: https://lantoa.example.vn/gaps/?rule=" in province.body and "&severity=" in province.body
    assert province.html_body.startswith("<!doctype html>") and 'href="https://lantoa.example.vn/gaps/?rule=' in \
        province.html_body
    from app.models import Gap

    gaps = list(db.session.scalars(select(Gap)))
    groups = group_gaps(gaps)
    assert sum(g.count for g in groups) == len(gaps) and all(len(g.top) <= TOP for g in groups)
    assert [g.severity for g in groups] == sorted((g.severity for g in groups),
                                                  key=["high", "medium", "low"].index)
    big = max(groups, key=lambda g: g.count)
    if big.count > TOP:
        assert f"… và {big.count - TOP} cảnh báo khác." in province.body


def test_weekly_digests_come_on_mondays_and_none_never(app, kh137, activities):
    weekly, silent = _email("coord_daitu"), _email("steering")
    weekly.digest_frequency, silent.digest_frequency = "weekly", "none"
    db.session.flush()
    with app.test_request_context():
        scan(date(2025, 1, 28))
        assert queue_digests(date(2025, 1, 28)) == 0  # a Tuesday
        assert queue_digests(date(2025, 2, 3)) == 1  # the next Monday: the weekly one only
    message = _messages(user_id=weekly.id)[0]
    assert message.subject.startswith("[Lan Tỏa] Bản tin tuần 03/02/2025")
    assert _messages(user_id=silent.id) == []


def test_the_digest_goes_out_as_text_with_an_html_alternative(smtp_server):
    queue("digest:9:2025-01-27", "digest", "dp@example.org", "[Lan Tỏa] Bản tin", "Chữ thường",
          html="<!doctype html><p>Chữ <b>đậm</b></p>")
    assert deliver(smtp_server.url, "lantoa@example.org", "test-sender", now=NOW)["sent"] == 1
    sent = smtp_server.messages[0]
    assert sent.get_content_type() == "multipart/alternative"
    assert sent.get_body(("plain",)).get_content().strip() == "Chữ thường"
    assert "Chữ <b>đậm</b>" in sent.get_body(("html",)).get_content()
