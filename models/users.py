"""Users, roles and passwords (werkzeug hashes; never stored in plain text)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from models.entities import ROLES, Provider, SignInFailure, User

MIN_PASSWORD_LENGTH = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UserError(ValueError):
    """A user could not be created or changed; the message is for people."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session,
    email: str,
    password: str,
    role: str,
    provider: Provider | None = None,
) -> User:
    email = normalise_email(email)
    if not _EMAIL.match(email):
        raise UserError("Enter an email address in the correct format, like name@example.org.")
    if role not in ROLES:
        raise UserError(f"Role must be one of: {', '.join(ROLES)}.")
    if role == "provider" and provider is None:
        raise UserError("A provider user must belong to a provider.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters.")
    if find_user(session, email) is not None:
        raise UserError(f"A user with the email {email} already exists.")
    user = User(
        email=email,
        password_hash=generate_password_hash(password),
        role=role,
        provider_id=provider.id if provider and role == "provider" else None,
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, email: str, password: str) -> User:
    user = find_user(session, email)
    if user is None:
        raise UserError(f"No user has the email {normalise_email(email)}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters.")
    user.password_hash = generate_password_hash(password)
    return user


def find_user(session: Session, email: str) -> User | None:
    return session.scalars(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).one_or_none()


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same answer for every failure)."""
    user = find_user(session, email)
    if user is None or not user.active:
        # Hash anyway so an unknown email takes as long as a wrong password.
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    return user


_DUMMY_HASH = generate_password_hash("not-a-real-password")

MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def sign_in_blocked(session: Session, email: str) -> bool:
    """True after MAX_FAILURES failed sign-ins for this email within FAILURE_WINDOW."""
    since = _now() - FAILURE_WINDOW
    failures = session.scalar(select(func.count()).select_from(SignInFailure).where(
        SignInFailure.email == normalise_email(email), SignInFailure.at >= since)) or 0
    return failures >= MAX_FAILURES


def record_sign_in(session: Session, email: str, succeeded: bool) -> None:
    key = normalise_email(email)
    if succeeded:
        session.execute(delete(SignInFailure).where(SignInFailure.email == key))
    else:
        session.add(SignInFailure(email=key[:254]))
    # Old failures are of no further use.
    session.execute(delete(SignInFailure).where(SignInFailure.at < _now() - FAILURE_WINDOW))
