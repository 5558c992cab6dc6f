"""Users, roles and passwords (werkzeug hashes; never stored in plain text)."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from models.access import may_act
from models.rules.addresses import is_email_address
from models.store import throttle
from models.store.entities import ROLES, Provider, User

MIN_PASSWORD_LENGTH = 10
ONE_TIME_PASSWORD_LIFETIME = dt.timedelta(days=7)  # the default; ONE_TIME_PASSWORD_DAYS


class UserError(ValueError):
    """A user could not be created or changed; the message is for people."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def is_email(email: str) -> bool:
    return is_email_address(email)


def create_user(
    session: Session,
    email: str,
    password: str,
    role: str,
    provider: Provider | None = None,
) -> User:
    email = normalise_email(email)
    if not is_email(email):
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


def new_password_errors(password: str, confirm: str) -> dict[str, str]:
    """A chosen password's problems by field ("password", "confirm"), in words; {} if none.
    The one rule for every password a user chooses."""
    if not password:
        return {"password": "Enter a new password"}
    if len(password) < MIN_PASSWORD_LENGTH:
        return {"password": f"Your new password must be at least {MIN_PASSWORD_LENGTH} characters"}
    if not confirm:
        return {"confirm": "Enter the new password again"}
    if password != confirm:
        return {"confirm": "The two passwords do not match"}
    return {}


def unusable_password_hash() -> str:
    """The hash of a random password nobody is told: the user cannot sign in until they
    choose a password through an invitation or reset link."""
    return generate_password_hash(secrets.token_urlsafe(32))


def set_password(session: Session, email: str, password: str) -> User:
    user = find_user(session, email)
    if user is None:
        raise UserError(f"No user has the email {normalise_email(email)}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters.")
    user.password_hash = generate_password_hash(password)
    user.must_change_password = False
    user.one_time_password_expires = None
    end_sessions(session, user.id)
    return user


def end_sessions(session: Session, user_id: int) -> int:
    """End every existing session of this user (each carries the generation it began in);
    returns the new generation, for a session that should carry on."""
    return session.execute(
        update(User).where(User.id == user_id)
        .values(session_generation=User.session_generation + 1)
        .returning(User.session_generation)).scalar_one()


def issue_one_time_password(session: Session, user: User, password: str,
                            valid_for: dt.timedelta) -> None:
    """Replace the user's password with a one-time one: it works for one sign-in within
    `valid_for`, replaces any earlier one, and ends the user's existing sessions."""
    user.password_hash = generate_password_hash(password)
    user.must_change_password = True
    user.one_time_password_expires = _now() + valid_for
    session.flush()
    end_sessions(session, user.id)


def find_user(session: Session, email: str) -> User | None:
    return session.scalars(
        select(User).where(func.lower(User.email) == normalise_email(email))
    ).one_or_none()


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same answer for every failure).
    A one-time password is used up by the sign-in it allows, and refused once expired."""
    user = find_user(session, email)
    if not may_act(user):
        # Hash anyway so an unknown email takes as long as a wrong password.
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    if user.must_change_password and not _use_one_time_password(session, user):
        return None
    return user


def _use_one_time_password(session: Session, user: User) -> bool:
    """One statement, so two sign-ins racing with the same one-time password get one win."""
    used = session.execute(
        update(User).where(User.id == user.id, User.one_time_password_expires > _now())
        .values(one_time_password_expires=None).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        return False
    user.one_time_password_expires = None
    return True


_DUMMY_HASH = generate_password_hash("not-a-real-password")

MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _attempts_key(email: str) -> str:
    return "sign-in:" + normalise_email(email)


def take_password_attempt(session: Session, email: str) -> bool:
    """Count a password check for this address before it runs; False once MAX_FAILURES
    checks have run in FAILURE_WINDOW without a success. Counting first, in one atomic
    statement, is what keeps parallel guesses within the limit. Commit it before checking
    the password, so other workers see it at once."""
    count, _ = throttle.hit(session, _attempts_key(email), FAILURE_WINDOW.total_seconds())
    return count <= MAX_FAILURES


def sign_in_succeeded(session: Session, email: str) -> None:
    """A right password clears the address's count; old counters are of no further use."""
    throttle.clear(session, _attempts_key(email))
    throttle.clear_expired(session)
