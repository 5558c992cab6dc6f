"""Your account: what a signed-in user may change about themselves (issue 18, item 5) —
whether reminder emails reach them. Each user changes only their own: the actor is the
user changed, never an id from the browser. Security emails (invitation, password reset)
are sent whatever the choice."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.access import Actor, require_active
from models.store.audit import record
from models.store.entities import User


@dataclass(frozen=True)
class AccountView:
    email: str
    reminder_emails: bool


def account(session: Session, actor: Actor) -> AccountView:
    user = require_active(session.get(User, actor.id))
    return AccountView(user.email, user.reminder_emails)


def set_reminder_emails(session: Session, actor: Actor, wanted: bool) -> AccountView:
    """Turn the actor's own reminder emails on or off (audited)."""
    user = require_active(session.get(User, actor.id))
    before = user.reminder_emails
    user.reminder_emails = wanted
    if before != wanted:
        record(session, actor.id, "update", "user", user.id, {"reminder_emails": before},
               {"reminder_emails": wanted})
    return AccountView(user.email, user.reminder_emails)
