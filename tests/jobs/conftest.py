"""The jobs tests use the plan fixtures (KH 137 in the test's transaction, a lead unit, a pinned today) and a
real SMTP server."""

from __future__ import annotations

import pytest

from tests.plan.conftest import activities, kh137, lead_unit  # noqa: F401


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free local port, with its inbox."""
    from aiosmtpd.controller import Controller

    from tests.smtp import Inbox, SmtpServer, free_port

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(f"smtp://127.0.0.1:{port}", inbox)
    finally:
        controller.stop()
