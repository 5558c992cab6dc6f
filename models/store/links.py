"""Single-use links: an invitation to choose a password, or a password reset.

The link carries a random token (`secrets.token_urlsafe(32)`, 256 bits); only its SHA-256 is
stored, so a copy of the database cannot be turned into working links. A link works once,
before it expires (invitations after INVITE_LIFETIME, resets after RESET_LIFETIME). Issuing
a new link of the same purpose kills the user's earlier ones, and using any link kills the
rest: only the newest link in the user's inbox can work. Using a link is one UPDATE that
only an unused, unexpired link of an active user matches, so two uses racing get one win.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from models.access import may_act
from models.store import throttle
from models.store.audit import record
from models.store.entities import OneTimeLink, User
from models.store.users import FAILURE_WINDOW, end_sessions, find_user, normalise_email

INVITE = "invite"
RESET = "reset"
LIFETIMES: dict[str, dt.timedelta] = {
    INVITE: dt.timedelta(days=7),
    RESET: dt.timedelta(hours=1),
}
INVITE_LIFETIME = LIFETIMES[INVITE]
RESET_LIFETIME = LIFETIMES[RESET]
# "Forgot your password?" requests per address in FAILURE_WINDOW (15 minutes): enough for
# a lost email or two, too few to fill someone's inbox.
MAX_RESET_REQUESTS = 3


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def issue(session: Session, user_id: int, purpose: str, now: dt.datetime | None = None) -> str:
    """A new link for the user; returns its token (the only copy: it goes into the email).
    The user's earlier unused links of this purpose stop working."""
    if purpose not in LIFETIMES:
        raise ValueError(f"Unknown link purpose {purpose!r}")
    now = now or _now()
    _expire_open_links(session, user_id, now, purpose)
    token = new_token()
    session.add(OneTimeLink(user_id=user_id, purpose=purpose, token_hash=token_hash(token),
                            created_at=now, expires_at=now + LIFETIMES[purpose]))
    session.flush()
    return token


def _open(now: dt.datetime):  # noqa: ANN202 - a SQL condition
    """Unused, unexpired, and its user still active."""
    return (OneTimeLink.used_at.is_(None), OneTimeLink.expires_at > now,
            exists().where(User.id == OneTimeLink.user_id, User.active.is_(True)))


def find(session: Session, hashed: str, now: dt.datetime | None = None) -> OneTimeLink | None:
    """The link with this token hash if it would still work, without using it: opening the
    link (or a mail scanner fetching it) must not use it up; choosing the password does."""
    return session.scalars(select(OneTimeLink).where(
        OneTimeLink.token_hash == hashed, *_open(now or _now()))).one_or_none()


def redeem(session: Session, hashed: str, password: str, now: dt.datetime | None = None) -> User | None:
    """Use the link to set the user's password: the user, or None if the link is unknown,
    used, expired or its user inactive. The password must already have been checked
    (users.new_password_errors). Every session of the user ends (the caller may start a
    new one with the user's new generation), any one-time password is cleared, and the
    user's other links stop working."""
    now = now or _now()
    # One statement decides: of two racing uses, only the first matches the row.
    used = session.execute(
        update(OneTimeLink).where(OneTimeLink.token_hash == hashed, *_open(now))
        .values(used_at=now).returning(OneTimeLink.user_id, OneTimeLink.purpose)
        .execution_options(synchronize_session=False)).one_or_none()
    if used is None:
        return None
    user = session.get(User, used.user_id)
    assert user is not None  # the row was matched with its active user
    user.password_hash = generate_password_hash(password)
    user.must_change_password = False
    user.one_time_password_expires = None
    session.flush()
    _expire_open_links(session, user.id, now)
    user.session_generation = end_sessions(session, user.id)
    record(session, user.id, "change password", "user", user.id, None,
           {"by": f"{used.purpose} link"})
    return user


def count_reset_request(session: Session, email: str) -> bool:
    """"Forgot your password?", the part done while the asker waits: the request is counted
    for the address as typed (known or not, so the count reveals nothing); False once there
    have been MAX_RESET_REQUESTS in the window."""
    count, _ = throttle.hit(session, "reset-request:" + normalise_email(email),
                            FAILURE_WINDOW.total_seconds())
    return count <= MAX_RESET_REQUESTS


def reset_link_for(session: Session, email: str,
                   now: dt.datetime | None = None) -> tuple[User, str] | None:
    """The part done after the answer has gone (dash_app.auth runs it once the response is
    sent, so its time shows nothing): only an active user gets a reset link. Nothing else
    changes: anyone can ask, so the password stands until the link is used."""
    user = find_user(session, email)
    if not may_act(user):
        return None
    return user, issue(session, user.id, RESET, now)


def ask_for_reset(session: Session, email: str,
                  now: dt.datetime | None = None) -> tuple[bool, tuple[User, str] | None]:
    """Both parts at once: (allowed, (user, token) or None)."""
    if not count_reset_request(session, email):
        return False, None
    return True, reset_link_for(session, email, now)


def revoke(session: Session, user_id: int, now: dt.datetime | None = None) -> None:
    """Every open link of the user stops working (say, after the user changed the password)."""
    _expire_open_links(session, user_id, now or _now())


def _expire_open_links(session: Session, user_id: int, now: dt.datetime,
                       purpose: str | None = None) -> None:
    where = [OneTimeLink.user_id == user_id, OneTimeLink.used_at.is_(None),
             OneTimeLink.expires_at > now]
    if purpose is not None:
        where.append(OneTimeLink.purpose == purpose)
    session.execute(update(OneTimeLink).where(*where).values(expires_at=now)
                    .execution_options(synchronize_session=False))


def awaiting_invitation(session: Session, user_id: int) -> bool:
    """True for a user who was invited by link and has not yet used any link: they have no
    password of their own yet, so what they need is a new invitation, not a reset."""
    links = select(OneTimeLink.purpose, OneTimeLink.used_at).where(OneTimeLink.user_id == user_id)
    rows = session.execute(links).all()
    return any(p == INVITE for p, _ in rows) and all(used is None for _, used in rows)
