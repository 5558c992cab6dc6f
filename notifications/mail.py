"""Delivering email: through the SMTP server in SMTP_URL, or, with none configured, as an
.eml file in the outbox folder (instance/outbox) that the admin can read under
Administration → Outbox. Every message is recorded (to whom, which event, when, sent,
written to the outbox or failed); its body never is.

A send never raises: a refused or unreachable server is retried (RETRY_WAITS), then the
message is recorded as failed, so the action that caused it (an approval, say) stands.

A request never waits for the mail server (issue 20): it `queue`s its messages (recorded
"queued", with what they say) and a background sender (dash_app.mail_sender: a Celery task
or a thread of the process) claims each atomically and delivers it (`deliver_queued`).
Messages a dead process left queued are delivered by the next sweep (`deliver_queued` with
no ids: the sender's next run, `send-mail`, `send-reminders`); one it left half-sent is
recorded as failed (`release_stale`), never sent twice. The CLI sends at once: `send_all`.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from models.rules.addresses import is_email_address
from models.store.entities import MailMessage, ReminderSent

if TYPE_CHECKING:
    from dash_app.settings import Settings

log = logging.getLogger(__name__)

# Seconds to wait before the second and the third attempt.
RETRY_WAITS: tuple[float, ...] = (1.0, 3.0)
SMTP_TIMEOUT = 10.0  # seconds for each connection and command
# A message claimed longer ago than this by a sender that never settled it: that sender died.
STALE_AFTER = dt.timedelta(minutes=15)
# A message queued longer ago than this, and still not claimed, was left behind (its process
# died, or its sender's queue was full): a sweep delivers it.
SWEEP_AFTER = dt.timedelta(seconds=60)
SERVICE_NAME = "CWP Outcomes Monitor"


class MailConfigError(ValueError):
    """SMTP_URL cannot be used; the message is one plain sentence."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str = ""
    password: str = field(default="", repr=False)
    implicit_tls: bool = False  # smtps://: TLS from the first byte (port 465)
    starttls: bool = False  # smtp://…?starttls=1: upgrade the connection before signing in


def smtp_config(url: str) -> SmtpConfig:
    """`smtp://user:password@host:587?starttls=1` or `smtps://user:password@host:465`."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise MailConfigError("SMTP_URL must start with smtp:// or smtps://, "
                              "like smtp://user:password@mail.example.org:587?starttls=1.")
    if not parts.hostname:
        raise MailConfigError("SMTP_URL must name the mail server, "
                              "like smtp://user:password@mail.example.org:587?starttls=1.")
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise MailConfigError("SMTP_URL's port must be a number, like :587.") from None
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    starttls = options.get("starttls", "0").lower() in ("1", "true", "yes")
    return SmtpConfig(host=parts.hostname, port=port, username=unquote(parts.username or ""),
                      password=unquote(parts.password or ""),
                      implicit_tls=parts.scheme == "smtps", starttls=starttls)


@dataclass(frozen=True)
class Email:
    """One message to one person. `event` says what caused it (it is recorded); `link` is
    the one place in the app the message points to, as (what it opens, full URL)."""

    to: str
    subject: str
    paragraphs: Sequence[str]
    event: str
    user_id: int | None = None
    link: tuple[str, str] | None = None


def render(email: Email, sender: str) -> EmailMessage:
    """The message with a plain-text part and an HTML part saying the same."""
    message = EmailMessage()
    message["Subject"] = email.subject
    message["From"] = sender
    message["To"] = email.to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=(parseaddr(sender)[1].rpartition("@")[2] or "localhost"))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    footer = (f"This email was sent by the {SERVICE_NAME}. It never contains figures or "
              "comments: sign in to see them.")
    text = list(email.paragraphs)
    if email.link:
        text.append(f"{email.link[0]}:\n{email.link[1]}")
    message.set_content("\n\n".join([*text, "--", footer]) + "\n")
    body = "".join(f"<p>{html.escape(p)}</p>" for p in email.paragraphs)
    if email.link:
        label, url = email.link
        body += f'<p><a href="{html.escape(url, quote=True)}">{html.escape(label)}</a></p>'
    message.add_alternative(
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{html.escape(email.subject)}</title></head>"
        '<body style="font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #0b0c0c">'
        f"{body}<hr><p style=\"font-size: 14px; color: #505a5f\">{html.escape(footer)}</p>"
        "</body></html>", subtype="html")
    return message


@dataclass
class Delivery:
    """How one delivery went: what the record of the message is set to afterwards."""

    status: str = "failed"
    attempts: int = 0
    error: str = ""
    outbox_file: str = ""
    sent_at: dt.datetime | None = None


def deliver(settings: Settings, email: Email, record_id: int,
            waits: Sequence[float] | None = None,
            sleep: Callable[[float], None] = time.sleep) -> Delivery:
    """Deliver one message (no database here: it may take a while, and must hold no lock).
    `waits`: before each retry (None: RETRY_WAITS, read when called)."""
    waits = RETRY_WAITS if waits is None else waits
    done = Delivery()
    if not is_email_address(email.to):
        done.error = "Not sent: the address is not a single, plain email address."
        return done
    try:
        message = render(email, settings.mail_from)
    except (ValueError, TypeError) as exc:  # a header the email package refuses
        done.error = f"Not sent: the message could not be written ({exc})."[:300]
        return done
    if settings.smtp_url is None:
        done.outbox_file = _write_outbox(settings.outbox_dir, record_id, email.event, message)
        done.status, done.attempts, done.sent_at = "outbox", 1, _now()
        return done
    config = smtp_config(settings.smtp_url)
    for attempt, wait in enumerate([0.0, *waits], start=1):
        if wait:
            sleep(wait)
        done.attempts = attempt
        try:
            _deliver(config, message, email.to)
        except (smtplib.SMTPException, OSError) as exc:
            done.error = _plain_error(exc)
            log.warning("Mail %s to %s, attempt %d: %s", email.event, email.to, attempt, done.error)
            if isinstance(exc, smtplib.SMTPRecipientsRefused):
                break  # the server will refuse this address again: no point retrying
            continue
        done.status, done.sent_at, done.error = "sent", _now(), ""
        break
    return done


def _payload(email: Email) -> str:
    return json.dumps({"to": email.to, "subject": email.subject, "paragraphs": list(email.paragraphs),
                       "event": email.event, "user_id": email.user_id,
                       "link": list(email.link) if email.link else None})


def _email(payload: str) -> Email:
    data = json.loads(payload)
    return Email(to=data["to"], subject=data["subject"], paragraphs=tuple(data["paragraphs"]),
                 event=data["event"], user_id=data["user_id"],
                 link=tuple(data["link"]) if data["link"] else None)


def _record(session: Session, email: Email, status: str = "sending",
            batch_id: int | None = None) -> MailMessage:
    record = MailMessage(to_address=email.to[:254], user_id=email.user_id, event=email.event,
                         subject=email.subject[:200], status=status, attempts=0, batch_id=batch_id)
    if status == "queued":
        record.payload = _payload(email)
    session.add(record)
    session.flush()
    return record


def _settle(record: MailMessage, done: Delivery) -> None:
    record.status, record.attempts, record.error = done.status, done.attempts, done.error
    record.outbox_file, record.sent_at = done.outbox_file, done.sent_at
    record.payload = None  # what it said is not kept (a reset link's token, say)


def send(session: Session, settings: Settings, email: Email,
         waits: Sequence[float] | None = None,
         sleep: Callable[[float], None] = time.sleep) -> MailMessage:
    """Deliver one message and record it in `session` (flushed; the caller commits). The
    caller's transaction stays open while the mail server answers: in the app use
    `queue` and a background sender (dash_app.mail_sender), which hold none."""
    record = _record(session, email)
    _settle(record, deliver(settings, email, record.id, waits, sleep))
    session.flush()
    return record


def queue(session: Session, emails: Iterable[Email], batch: bool = False) -> list[int]:
    """Record each message as queued, with what it says, in the caller's transaction (so
    it is committed with the action that caused it, or not at all). `batch`: their fate is
    judged together (see `_after_failure`). Returns their ids, for a sender."""
    ids: list[int] = []
    for email in emails:
        record = _record(session, email, "queued", batch_id=ids[0] if batch and ids else None)
        if batch and not ids:
            record.batch_id = record.id
        ids.append(record.id)
    session.flush()
    return ids


def queue_all(factory: sessionmaker[Session], emails: Iterable[Email]) -> list[int]:
    """`queue` in a transaction of its own, right after the action committed; a database
    failure is logged, not raised (the action stands)."""
    try:
        with factory() as session, session.begin():
            return queue(session, emails)
    except Exception:
        log.exception("Mail could not be queued")
        return []


def _claim(factory: sessionmaker[Session], record_id: int) -> Email | None:
    """Take a queued message for this sender, atomically: the UPDATE changes the row only
    while it is still queued, so of two senders (two processes, a worker and the sweep)
    exactly one gets it and it is never sent twice."""
    with factory() as session, session.begin():
        taken = session.execute(
            update(MailMessage).where(MailMessage.id == record_id, MailMessage.status == "queued")
            .values(status="sending", claimed_at=_now())).rowcount
        if taken != 1:
            return None
        payload = session.scalar(select(MailMessage.payload).where(MailMessage.id == record_id))
    if payload is None:  # cannot happen for a queued message; never leave it "sending"
        raise ValueError("a queued message without its text")
    return _email(payload)


def deliver_queued(factory: sessionmaker[Session], settings: Settings,
                   ids: Iterable[int] | None = None, waits: Sequence[float] | None = None,
                   sleep: Callable[[float], None] = time.sleep) -> list[MailMessage]:
    """Deliver queued messages: those named, or (None) every one still queued, oldest
    first. Each is claimed (committed), delivered with no transaction open — a slow or
    silent mail server (10 s a try, three tries) must not hold the database's write lock,
    which on SQLite would stop every other user's sign-in and saves — then settled (sent,
    written to the outbox, or failed). Never raises: a database failure is logged."""
    if ids is None:
        try:
            with factory() as session:
                ids = list(session.scalars(select(MailMessage.id).where(MailMessage.status == "queued")
                                           .order_by(MailMessage.id)))
        except Exception:
            log.exception("Queued mail could not be listed")
            return []
    settled: list[MailMessage] = []
    for record_id in ids:
        try:
            email = _claim(factory, record_id)
            if email is None:
                continue  # another sender has it, or it is settled already
            done = deliver(settings, email, record_id, waits, sleep)
            with factory() as session, session.begin():
                record = session.get_one(MailMessage, record_id)
                _settle(record, done)
                session.flush()
                if record.status == "failed" and record.batch_id is not None:
                    _after_failure(session, record.batch_id)
                session.expunge(record)
            settled.append(record)
        except Exception:
            log.exception("Mail message %s could not be sent or recorded", record_id)
    return settled


def _after_failure(session: Session, batch_id: int) -> None:
    """When every message of a batch has failed, withdraw the reminder claims that point at
    it, so the next run of the reminders tries again (notifications.reminders)."""
    states = set(session.scalars(select(MailMessage.status).where(MailMessage.batch_id == batch_id)))
    if states == {"failed"}:
        session.execute(delete(ReminderSent).where(ReminderSent.message_id == batch_id))


def release_stale(factory: sessionmaker[Session], older_than: dt.timedelta = STALE_AFTER) -> int:
    """A message claimed by a sender that stopped (its process died) stays "sending": it
    may or may not have gone, so it is never sent again — it is recorded as failed, in
    words, for the admin to see. Returns how many."""
    with factory() as session, session.begin():
        return session.execute(
            update(MailMessage).where(MailMessage.status == "sending",
                                      MailMessage.claimed_at < _now() - older_than)
            .values(status="failed", payload=None,
                    error="The sender stopped while delivering it: it may not have arrived.")).rowcount


def sweep(factory: sessionmaker[Session], settings: Settings,
          older_than: dt.timedelta = SWEEP_AFTER) -> int:
    """Deliver messages left queued for longer than `older_than` (by a process that died, or
    a full queue), and record as failed those left half-sent. Returns how many it settled."""
    release_stale(factory)
    cutoff = _now() - older_than
    with factory() as session:
        left = list(session.scalars(select(MailMessage.id).where(
            MailMessage.status == "queued", MailMessage.created_at <= cutoff).order_by(MailMessage.id)))
    return len(deliver_queued(factory, settings, left)) if left else 0


def send_all(factory: sessionmaker[Session], settings: Settings, emails: Iterable[Email],
             waits: Sequence[float] | None = None,
             sleep: Callable[[float], None] = time.sleep) -> list[MailMessage]:
    """Queue each message and deliver it here and now (the CLI and tests; a request queues
    and leaves delivery to a background sender). For use after the action that caused
    them was committed: nothing here can undo or break it."""
    return deliver_queued(factory, settings, queue_all(factory, emails), waits, sleep)


def _deliver(config: SmtpConfig, message: EmailMessage, to: str) -> None:
    context = ssl.create_default_context()
    if config.implicit_tls:
        client: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=SMTP_TIMEOUT,
                                                context=context)
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=SMTP_TIMEOUT)
    with client:
        if config.starttls:
            client.starttls(context=context)
        if config.username:
            client.login(config.username, config.password)
        client.send_message(message, to_addrs=[to])  # the one address, never the header's


def _write_outbox(folder: Path, record_id: int, event: str, message: EmailMessage) -> str:
    """The message as a file only its owner may read: a reset or invitation link in it works."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{_now():%Y%m%d-%H%M%S}-{record_id:06d}-{re.sub(r'[^a-z0-9-]', '', event)}.eml"
    path = folder / name
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        out.write(bytes(message))
    return name


def _plain_error(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"The mail server answered {exc.smtp_code}: {text}"[:300]
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "The mail server refused the address."
    if isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException):
        return f"The mail server could not be reached ({exc.__class__.__name__}: {exc})."[:300]
    return f"{exc.__class__.__name__}: {exc}"[:300]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
