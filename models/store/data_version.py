"""The data version: one counter that any change to the figures bumps, in the same
transaction as the change. Cached views are keyed by it, so a saved return, an approval or
a new target is seen by every worker's next request, and nothing else is recomputed."""

from __future__ import annotations

from itertools import chain

from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from models.store.entities import DataVersion

# Tables whose changes never alter a figure, a target or the catalogue, and that no cached
# view reads. Each is written in the course of ordinary use (every API call moves its token's
# last-used time; every mail sent is logged): were they to bump the version, every cache
# would be thrown away by them, and a national body's background views worked out again.
IGNORED_TABLES = frozenset({"audit_event", "throttle_counter", "app_user", "data_version",
                            "api_token", "mail_message", "one_time_link", "reminder_sent"})
_BUMPED = "data_version_bumped"
_READ = "data_version_read"


def current_version(session: Session) -> tuple[str, int] | None:
    """(token, version) of this database, or None if it has no version row. Read once per
    transaction: a view asks for it at every cached step."""
    if _READ in session.info:
        return session.info[_READ]
    row = session.execute(select(DataVersion.token, DataVersion.version)
                          .where(DataVersion.id == 1)).first()
    version = None if row is None else (row.token, row.version)
    session.info[_READ] = version
    return version


def bump_data_version(session: Session) -> None:
    """Mark the figures changed (once per transaction is enough)."""
    if session.info.get(_BUMPED):
        return
    # Through the connection, not the session, so this UPDATE raises no event of its own.
    session.connection().execute(update(DataVersion).values(version=DataVersion.version + 1))
    session.info[_BUMPED] = True
    session.info.pop(_READ, None)


def has_pending_change(session: Session) -> bool:
    return bool(session.info.get(_BUMPED))


def _touches_figures(session: Session) -> bool:
    return any(getattr(obj, "__tablename__", None) not in IGNORED_TABLES
               for obj in chain(session.new, session.dirty, session.deleted))


def _after_flush(session: Session, _context: object) -> None:
    if _touches_figures(session):
        bump_data_version(session)


def _on_execute(state: ORMExecuteState) -> None:
    """Bulk INSERT/UPDATE/DELETE statements run through the session skip the flush."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) not in IGNORED_TABLES:
            bump_data_version(state.session)


def _after_transaction_end(session: Session, transaction: object) -> None:
    if getattr(transaction, "parent", None) is None:
        session.info.pop(_BUMPED, None)
        session.info.pop(_READ, None)


def install() -> None:
    """Listen on every Session (idempotent)."""
    for name, fn in (("after_flush", _after_flush), ("do_orm_execute", _on_execute),
                     ("after_transaction_end", _after_transaction_end)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
