"""Counters in a time window, kept in the database so every worker and instance agrees.

One statement adds to a counter and reads the new count (an upsert with RETURNING, on SQLite
and PostgreSQL alike), so parallel requests cannot all read "4" and all go ahead: each gets
its own number. Sign-in attempts per address and Flask-Limiter's per-client limits use it."""

from __future__ import annotations

import hashlib
import time

from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.store.entities import ThrottleCounter

_KEY_LENGTH = 255


def _key(key: str) -> str:
    """Keys longer than the column are replaced by a digest (same key, same digest)."""
    if len(key) <= _KEY_LENGTH:
        return key
    return key[:180] + "#" + hashlib.sha256(key.encode()).hexdigest()


def hit(session: Session, key: str, window_seconds: float, amount: int = 1,
        now: float | None = None) -> tuple[int, float]:
    """Add `amount` to the counter and return (count, expires_at) as they are after it.
    A counter whose window has ended starts again from `amount`, with a new window."""
    now = time.time() if now is None else now
    table = ThrottleCounter.__table__
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    ended = table.c.expires_at <= now
    statement = insert.values(key=_key(key), hits=amount, expires_at=now + window_seconds)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        # Both expressions read the row as it was before this statement.
        set_={"hits": case((ended, amount), else_=table.c.hits + amount),
              "expires_at": case((ended, now + window_seconds), else_=table.c.expires_at)},
    ).returning(table.c.hits, table.c.expires_at)
    count, expires_at = session.execute(statement).one()
    return int(count), float(expires_at)


def current(session: Session, key: str, now: float | None = None) -> tuple[int, float]:
    """(count, expires_at) of a live counter, or (0, now) when there is none."""
    now = time.time() if now is None else now
    row = session.execute(select(ThrottleCounter.hits, ThrottleCounter.expires_at).where(
        ThrottleCounter.key == _key(key), ThrottleCounter.expires_at > now)).first()
    return (int(row.hits), float(row.expires_at)) if row else (0, now)


def clear(session: Session, key: str) -> None:
    session.execute(delete(ThrottleCounter).where(ThrottleCounter.key == _key(key)))


def clear_expired(session: Session, now: float | None = None) -> None:
    now = time.time() if now is None else now
    session.execute(delete(ThrottleCounter).where(ThrottleCounter.expires_at <= now))


def clear_all(session: Session, prefix: str = "") -> int:
    result = session.execute(delete(ThrottleCounter).where(ThrottleCounter.key.startswith(prefix)))
    return result.rowcount or 0
