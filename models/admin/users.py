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
from models.store.audit import record
from models.store.entities import Provider, User
from models.store.users import (
    MIN_PASSWORD_LENGTH,
    ONE_TIME_PASSWORD_LIFETIME,
    UserError,
    create_user,
    end_sessions,
    issue_one_time_password,
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
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise AdminError(f"Your new password must be at least {MIN_PASSWORD_LENGTH} characters")
    if new_password != confirm:
        raise AdminError("The two passwords do not match")
    user.password_hash = generate_password_hash(new_password)
    user.must_change_password = False
    user.one_time_password_expires = None
    session.flush()
    record(session, user.id, "change password", "user", user.id, None, None)
    return end_sessions(session, user.id)
