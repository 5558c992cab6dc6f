"""Users: inviting, changing and resetting them (admins only, audited), and a user's own
change of password."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from models.access import Actor, require_admin
from models.admin.common import AdminError, existing
from models.store import links
from models.store.audit import record
from models.store.entities import Provider, User
from models.store.users import (
    ONE_TIME_PASSWORD_LIFETIME,
    UserError,
    create_user,
    end_sessions,
    issue_one_time_password,
    new_password_errors,
    unusable_password_hash,
)


def one_time_password() -> str:
    return secrets.token_urlsafe(12)


def invite_user(session: Session, actor: Actor, email: str, role: str, provider_id: int | None,
                valid_for: dt.timedelta = ONE_TIME_PASSWORD_LIFETIME) -> tuple[User, str]:
    """A new user with a one-time password they must replace at first sign-in."""
    require_admin(actor, "add users")
    provider = session.get(Provider, provider_id) if provider_id else None
    password = one_time_password()
    try:
        user = create_user(session, email, password, role, provider)
    except UserError as exc:
        raise AdminError(str(exc)) from None
    issue_one_time_password(session, user, password, valid_for)
    record(session, actor.id, "create", "user", user.id, None,
           {"email": user.email, "role": role, "provider_id": user.provider_id})
    return user, password


def invite_user_by_link(session: Session, actor: Actor, email: str, role: str,
                        provider_id: int | None, now: dt.datetime | None = None) -> tuple[User, str]:
    """A new user with a password nobody knows and an invitation link (its token is
    returned for the email) to choose their own within links.INVITE_LIFETIME."""
    require_admin(actor, "add users")
    provider = session.get(Provider, provider_id) if provider_id else None
    try:
        # A throwaway for create_user's rules; the stored hash is replaced at once.
        user = create_user(session, email, one_time_password(), role, provider)
    except UserError as exc:
        raise AdminError(str(exc)) from None
    user.password_hash = unusable_password_hash()
    token = links.issue(session, user.id, links.INVITE, now)
    record(session, actor.id, "create", "user", user.id, None,
           {"email": user.email, "role": role, "provider_id": user.provider_id, "invited": "by email"})
    return user, token


def send_password_link(session: Session, actor: Actor, user_id: int,
                       now: dt.datetime | None = None) -> tuple[User, str, str]:
    """The admin's "Reset password" when mail is configured: (user, token, purpose). A user
    who has not yet used an invitation gets a new invitation (links.INVITE_LIFETIME); anyone
    else a reset link (links.RESET_LIFETIME). As with a one-time password, the old password,
    any one-time password and every session stop working at once: an admin resets a
    password when it may be known to someone else. (A self-service "forgot password" request
    changes nothing until its link is used: anyone can ask for one.) An inactive user gets
    no link."""
    require_admin(actor, "reset passwords")
    user = existing(session, User, user_id, "user")
    if not user.active:
        raise AdminError("This user is inactive; tick Active and save the user first")
    purpose = links.INVITE if links.awaiting_invitation(session, user.id) else links.RESET
    token = links.issue(session, user.id, purpose, now)
    user.password_hash = unusable_password_hash()
    user.must_change_password = False
    user.one_time_password_expires = None
    session.flush()
    end_sessions(session, user.id)
    record(session, actor.id, "reset password", "user", user.id, None,
           {"email": user.email, "link": purpose})
    return user, token, purpose


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)
                          .where(User.role == "admin", User.active)) or 0


def update_user(session: Session, actor: Actor, user_id: int, role: str, provider_id: int | None,
                active: bool) -> User:
    require_admin(actor, "change users")
    user = existing(session, User, user_id, "user")
    if role not in ("provider", "viewer", "admin"):
        raise AdminError("Choose a role: provider, viewer or admin")
    if role == "provider" and (provider_id is None or session.get(Provider, provider_id) is None):
        raise AdminError("A provider user must belong to a provider")
    losing_admin = user.role == "admin" and user.active and (role != "admin" or not active)
    if losing_admin and _active_admins(session) <= 1:
        raise AdminError("This is the last active admin; make another user an admin first")
    before = {"role": user.role, "provider_id": user.provider_id, "active": user.active}
    user.role, user.active = role, active
    user.provider_id = provider_id if role == "provider" else None
    if before != {"role": user.role, "provider_id": user.provider_id, "active": user.active}:
        end_sessions(session, user.id)  # a session never carries rights the user no longer has
    if not active:
        links.revoke(session, user.id)  # else an unexpired link would work again on reactivation
    record(session, actor.id, "update", "user", user.id, before,
           {"role": role, "provider_id": user.provider_id, "active": active})
    return user


def reset_password(session: Session, actor: Actor, user_id: int,
                   valid_for: dt.timedelta = ONE_TIME_PASSWORD_LIFETIME) -> str:
    """A new one-time password; the old password, any earlier one-time password and every
    existing session of the user stop working."""
    require_admin(actor, "reset passwords")
    user = existing(session, User, user_id, "user")
    password = one_time_password()
    issue_one_time_password(session, user, password, valid_for)
    record(session, actor.id, "reset password", "user", user.id, None, {"email": user.email})
    return password


def change_own_password(session: Session, user_id: int, new_password: str, confirm: str,
                        current_password: str | None = None) -> int:
    """The user's own new password. The current one is needed, except on the forced change
    after signing in with a one-time password. Every other session of the user ends: the
    new session generation is returned for the session that made the change."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise AdminError("Your account is not active")
    if not user.must_change_password:
        if not current_password:
            raise AdminError("Enter your current password")
        # The caller counts this check with the sign-in attempts (take_password_attempt).
        if not check_password_hash(user.password_hash, current_password):
            raise AdminError("Your current password is not right")
    problems = new_password_errors(new_password, confirm)
    if problems:
        raise AdminError(next(iter(problems.values())))
    user.password_hash = generate_password_hash(new_password)
    user.must_change_password = False
    user.one_time_password_expires = None
    session.flush()
    record(session, user.id, "change password", "user", user.id, None, None)
    links.revoke(session, user.id)  # a reset asked for before the change must not undo it
    return end_sessions(session, user.id)
