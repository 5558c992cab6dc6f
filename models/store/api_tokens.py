"""Personal API tokens (issue 21): a user makes one on their account page (or the command
line), names it, sees it once; it is kept as its SHA-256 only, expires, and can be revoked.
Presented as `Authorization: Bearer <token>`, a live token of an active user acts as that
user — the API then sees exactly what the user sees in the app (models/access.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.access import Actor, may_act
from models.rules.tokens import DEFAULT_DAYS, MAX_DAYS, MAX_LIVE, MAX_NAME, PREFIX, TokenRow
from models.store.audit import record
from models.store.entities import ApiToken, User


class TokenError(ValueError):
    """A token cannot be made or revoked as asked; the message says why."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _clean_name(name: object) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise TokenError("Give the token a name, like \u201cPower BI\u201d, so you know which is which.")
    if len(text) > MAX_NAME:
        raise TokenError(f"The name must be {MAX_NAME} characters or fewer.")
    return text


def _live(token: ApiToken, now: dt.datetime) -> bool:
    return token.revoked_at is None and token.expires_at > now


def _owner(session: Session, actor: Actor) -> User:
    """The account the actor is (a token is always its own user's): loaded afresh."""
    user = session.get(User, actor.id)
    if not may_act(user):
        raise TokenError("This account cannot have API tokens.")
    return user


def create_token(session: Session, actor: Actor, name: object, days: object = DEFAULT_DAYS) -> str:
    """A new token for the actor's own account, returned once (only its digest is kept).
    Audited."""
    user = _owner(session, actor)
    if not may_act(user):
        raise TokenError("This account cannot have API tokens.")
    label = _clean_name(name)
    try:
        lifetime = int(str(days).strip())
    except ValueError:
        raise TokenError(f"Enter how many days the token lasts, a whole number from 1 to {MAX_DAYS}.") from None
    if not 1 <= lifetime <= MAX_DAYS:
        raise TokenError(f"A token lasts from 1 to {MAX_DAYS} days.")
    now = _now()
    mine = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    live = [t for t in mine if _live(t, now)]
    if any(t.name.casefold() == label.casefold() for t in live):
        raise TokenError(f"You already have a token called \u201c{label}\u201d: choose another name, "
                         "or revoke that one first.")
    if len(live) >= MAX_LIVE:
        raise TokenError(f"You have {MAX_LIVE} tokens already: revoke one you no longer use first.")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=label, token_hash=digest(token), created_at=now,
                   expires_at=now + dt.timedelta(days=lifetime))
    session.add(row)
    session.flush()
    record(session, user.id, "create", "api_token", row.id, None,
           {"name": label, "expires": row.expires_at})
    return token


def revoke_token(session: Session, actor: Actor, token_id: object = None, name: object = None) -> str:
    """Revoke one of the actor's own live tokens, by id or by name; its name. Audited."""
    user = _owner(session, actor)
    now = _now()
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    mine = [t for t in session.scalars(query) if t.expires_at > now]
    found = None
    if token_id is not None:
        found = next((t for t in mine if str(t.id) == str(token_id)), None)
    elif name is not None:
        wanted = " ".join(str(name).split()).casefold()
        found = next((t for t in mine if t.name.casefold() == wanted), None)
    if found is None:
        raise TokenError("You have no live token by that name.")
    found.revoked_at = now
    record(session, user.id, "revoke", "api_token", found.id, None, {"name": found.name})
    return found.name


def user_tokens(session: Session, user: Actor) -> list[TokenRow]:
    """The user's tokens, newest first (revoked and expired ones too, marked, for a while:
    what was used when is worth seeing)."""
    now = _now()
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                           .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()
    return [TokenRow(t.id, t.name, t.created_at, t.expires_at, t.last_used_at, _live(t, now)) for t in rows]


def token_user(session: Session, presented: str | None) -> User | None:
    """The active user a presented token acts as, or None (unknown, revoked, expired, or its
    user deactivated). Every use moves the token's last-used time on."""
    if not presented or not presented.startswith(PREFIX) or len(presented) > 200:
        return None
    token = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest(presented))).one_or_none()
    now = _now()
    if token is None or not _live(token, now):
        return None
    user = session.get(User, token.user_id)
    if not may_act(user):
        return None
    token.last_used_at = now
    return user
