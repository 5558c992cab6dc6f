"""What every callback needs: the signed-in user, today, a database session, and the audit
record a refusal leaves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from flask import current_app

from dash_app import mail_sender
from dash_app.auth import SignedInUser, require_user
from dash_app.database import sessions, transaction  # noqa: F401 - transaction re-exported
from models.access import AccessRefused, Audience, audience_of
from models.rules.periods import parse_quarter, parse_year_label
from models.store.audit import record_refusal
from notifications.mail import Email, queue_all

STALE_PAGE = "This page is out of date. Reload it and try again."


def signed_in_user() -> SignedInUser:
    """The signed-in user: a detached, typed snapshot, which models/ takes as its Actor.
    AccessRefused when no one is signed in."""
    user = require_user()
    if not isinstance(user, SignedInUser):  # the login manager loads nothing else; make sure
        raise AccessRefused("Sign in first.")
    return user


def audit_refusal(user: SignedInUser, what: str, refusal: AccessRefused, entity: str,
                  entity_id: int | None = None) -> None:
    """The audit record every refusal leaves, written in its own transaction (the refused
    work rolled back). It names the record the refusal names, or else the one given."""
    if refusal.entity:
        entity, entity_id = refusal.entity, refusal.entity_id
    record_refusal(sessions(), user.id, what, entity, entity_id)


def today() -> dt.date:
    return current_app.config["MONITOR_SETTINGS"].current_date()


def chart_cache_dir() -> Path:
    """Where this app keeps the PDF's chart pictures (dash_app.cache.chart_store)."""
    return current_app.config["MONITOR_SETTINGS"].chart_cache_dir


def one_time_password_lifetime() -> dt.timedelta:
    return current_app.config["MONITOR_SETTINGS"].one_time_password_lifetime


def view_query(**params: object) -> str:
    """The URL query that restores a view, keys in the order given: None and False are left
    out (the defaults), True is written as 1."""
    return urlencode({key: "1" if value is True else str(value)
                      for key, value in params.items() if value is not None and value is not False})


def query_params(search: str | None) -> dict[str, str]:
    """'?year=2024/25&quarter=Q2' -> {'year': '2024/25', 'quarter': 'Q2'} (first value wins)."""
    parsed = parse_qs((search or "").lstrip("?"))
    return {key: values[0] for key, values in parsed.items() if values}


def public_url() -> str:
    """The app's address as emails link to it (PUBLIC_URL)."""
    return current_app.config["MONITOR_SETTINGS"].public_url


def outbox_folder() -> Path | None:
    """Where messages are written when no mail server is configured (SMTP_URL unset); None
    when they are sent."""
    settings = current_app.config["MONITOR_SETTINGS"]
    return None if settings.smtp_url else settings.outbox_dir


def send_mail(emails: list[Email]) -> list[int]:
    """Send an action's emails, after its transaction was committed: each is recorded as
    queued and delivered in the background (dash_app.mail_sender), so the answer never
    waits for a mail server, and a mail server in trouble never undoes or breaks the
    action. Returns the messages' ids."""
    if not emails:
        return []
    ids = queue_all(sessions(), emails)
    mail_sender.dispatch(sessions(), current_app.config["MONITOR_SETTINGS"], ids)
    return ids


def quarter_view(year_text: str | None, quarter_text: str | None) -> tuple[Audience, int, int]:
    """Who is asking (as the cached views key it) and the quarter asked for, from a page's
    year and quarter selects. Raises AccessRefused for an account that may see nothing (it
    is told so) and ValueError for a year that is not one."""
    audience = audience_of(require_user())
    return audience, parse_year_label(year_text or ""), parse_quarter(quarter_text or "") or 1
