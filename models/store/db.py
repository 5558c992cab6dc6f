"""Engine and session factory. SQLite gets foreign keys and WAL on every connection."""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from models.store.data_version import install


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API types vary
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # Several gunicorn workers may write at once; wait rather than fail at once.
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`; creates the SQLite file's folder when needed."""
    install()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    _own_connections_per_process(engine)
    return engine


def _own_connections_per_process(engine: Engine) -> None:
    """A forked process (a background job: Dash's diskcache manager forks the web worker;
    Celery's prefork pool) never uses a pooled connection its parent opened: two processes
    talking on one socket corrupt each other's conversation (seen: the parent's next query
    read the child's answer, "This result object does not return rows").

    Right after a fork the child drops its copy of the pool without closing anything
    (`dispose(close=False)`, SQLAlchemy's "Using Connection Pools with Multiprocessing"
    recipe): closing would end the parent's connections, and keeping it would let the pool's
    pre-ping — which runs before any checkout event — send "SELECT 1" on the parent's socket.
    A fresh pool also has a fresh lock, which a thread the fork left behind may have held.
    A connection that was checked out at the moment of the fork is refused at its next
    checkout by the pid it was opened in."""
    engine_ref = weakref.ref(engine)

    def _new_pool_in_child() -> None:
        forked = engine_ref()
        if forked is not None:
            forked.dispose(close=False)

    os.register_at_fork(after_in_child=_new_pool_in_child)

    @event.listens_for(engine, "connect")
    def _remember_pid(_dbapi_connection, record) -> None:  # noqa: ANN001
        record.info["pid"] = os.getpid()

    @event.listens_for(engine, "checkout")
    def _refuse_inherited(_dbapi_connection, record, proxy) -> None:  # noqa: ANN001
        if record.info.get("pid") != os.getpid():
            record.dbapi_connection = proxy.dbapi_connection = None
            raise DisconnectionError("a connection opened by another process")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commits whole or rolls back whole."""
    with factory() as session, session.begin():
        yield session


def is_unreachable(exc: BaseException) -> bool:
    """True when `exc` says the database could not be reached or stopped answering (down,
    restarting, a dropped connection, no connection free in time), as opposed to a fault in
    what was asked of it: the request can be tried again unchanged in a minute."""
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError)
    return isinstance(exc, PoolTimeout)


def is_unique_clash(exc: IntegrityError, table: str, columns: Sequence[str]) -> bool:
    """True when `exc` is the unique constraint on exactly `columns` of `table`, on either
    engine: PostgreSQL names the key in the error's detail, SQLite in its message."""
    diag = getattr(exc.orig, "diag", None)
    if diag is not None:  # psycopg
        return (getattr(diag, "sqlstate", None) == "23505"
                and getattr(diag, "table_name", None) == table
                and (getattr(diag, "message_detail", None) or "").startswith(
                    f"Key ({', '.join(columns)})="))
    message = str(exc.orig)
    prefix = "UNIQUE constraint failed: "
    return (message.startswith(prefix)
            and message.removeprefix(prefix).split(", ") == [f"{table}.{c}" for c in columns])


def one_snapshot(session: Session) -> bool:
    """Make the rest of `session`'s transaction read one snapshot of the data, when it has not
    read anything yet: on PostgreSQL, REPEATABLE READ (each statement would otherwise see
    what was committed before it began, and an export read in many parts could mix two
    states of the data). SQLite (development and tests) is left as it is. True if set."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return False
    from psycopg.pq import TransactionStatus

    if connection.connection.dbapi_connection.info.transaction_status != TransactionStatus.IDLE:
        return False  # something was read already: too late to change (PostgreSQL refuses)
    connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    return True
