"""A real SMTP server on loopback for tests (aiosmtpd): it keeps what it receives, or,
told to fail, answers every message with a temporary failure."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.helpers.servers import free_port


@dataclass
class Inbox:
    """What the test server received; `failing` makes it refuse every message (451)."""

    messages: list[EmailMessage] = field(default_factory=list)
    failing: bool = False
    port: int = 0

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def text(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")

    @staticmethod
    def html(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")


class _Handler:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.inbox.failing:
            return "451 4.3.0 Try again later"
        self.inbox.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    inbox = Inbox(port=free_port())
    controller = Controller(_Handler(inbox), hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def patient_screens(monkeypatch, seconds: float = 60.0) -> None:
    """The admin's Invite/Reset password and "Send these reminders" wait up to 2 s for their
    emails, then say they are on their way (issue 20). A loaded test machine can take longer
    than that to reach the loopback server, so tests that check what the screen says about a
    delivery let it wait as long as it needs; the 2 s itself is tested with a slow server
    (tests/security/test_password_links.py)."""
    monkeypatch.setattr("callbacks.admin.users.MAIL_WAIT_SECONDS", seconds)
    monkeypatch.setattr("callbacks.dashboard_pages.REMINDER_WAIT_SECONDS", seconds)
