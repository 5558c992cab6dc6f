"""The record of every email, as the lead officer reads it on Administration → Mail,
newest first (admins only). The bodies are not kept: a message written to the outbox
folder (no SMTP configured) can be read from its file (notifications.outbox)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access import Actor, require_admin
from models.admin.common import AdminError
from models.store.entities import MailMessage

# How many messages the page lists: a page of the most recent, as the audit log does.
MAIL_LOG_LIMIT = 200
STATUS_WORDS = {"queued": "Waiting to be sent", "sending": "Being sent", "sent": "Sent",
                "outbox": "Written to the outbox", "failed": "Failed"}
# The events as the page names them; an event not named here is shown from its own name.
EVENT_WORDS = {
    "return-submitted": "Return submitted", "return-approved": "Return approved",
    "return-returned": "Return returned", "return-reopened": "Return reopened",
    "period-opened": "Period opened", "reminder": "Reminder", "invitation": "Invitation",
    "password-reset": "Password reset link",
}


def event_words(event: str) -> str:
    """'return-submitted' -> 'Return submitted'."""
    return EVENT_WORDS.get(event) or event.replace("-", " ").replace("_", " ").capitalize()


@dataclass(frozen=True)
class MailRow:
    id: int
    at: dt.datetime
    to: str
    event: str  # in words
    subject: str
    status: str  # in words
    attempts: int
    error: str
    in_outbox: bool  # written to the outbox folder: its text can be read


def _row(m: MailMessage) -> MailRow:
    return MailRow(m.id, m.created_at, m.to_address, event_words(m.event), m.subject,
                   STATUS_WORDS.get(m.status, m.status), m.attempts, m.error or "",
                   m.status == "outbox" and bool(m.outbox_file))


def mail_log(session: Session, actor: Actor, limit: int = MAIL_LOG_LIMIT) -> list[MailRow]:
    """The latest messages, newest first."""
    require_admin(actor, "read the mail record")
    stmt = select(MailMessage).order_by(MailMessage.id.desc()).limit(limit)
    return [_row(m) for m in session.scalars(stmt)]


def outbox_file(session: Session, actor: Actor, message_id: int) -> tuple[MailRow, str]:
    """A message written to the outbox, and the name of its file, which only its row gives
    (the browser sends an id, never a file name)."""
    require_admin(actor, "read the outbox")
    message = session.get(MailMessage, message_id)
    if message is None or message.status != "outbox" or not message.outbox_file:
        raise AdminError("That message is not in the outbox; choose one from the list")
    return _row(message), message.outbox_file
