"""A forked process (a background job, a Celery prefork child) and the engine it inherits
(models/store/db._own_connections_per_process): the child starts with a pool of its own and
never sends a byte on a connection its parent opened — not even the pool's pre-ping, which
runs before any checkout event and once let a job's "SELECT 1" land in the middle of the
web worker's conversation with PostgreSQL."""

from __future__ import annotations

import json
import os

from sqlalchemy import event, text

from models.store.db import make_engine


def _in_a_child(work) -> dict:
    """Run `work()` in a forked child; what it returned (JSON), read back through a pipe."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.close(read_end)
            os.write(write_end, json.dumps(work()).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(answer)


def test_a_forked_child_never_touches_its_parents_connections(db_url):
    engine = make_engine(db_url)
    with engine.connect() as connection:  # one pooled connection, opened by the parent
        connection.execute(text("SELECT 1"))
    parents_pool = id(engine.pool)
    parents_connections: set[int] = set()
    with engine.connect() as connection:
        parents_connections.add(id(connection.connection.dbapi_connection))

    def child() -> dict:
        used: list[int] = []
        # Every statement the child sends, pre-pings included, and on which connection.
        event.listen(engine, "before_cursor_execute",
                     lambda conn, *_: used.append(id(conn.connection.dbapi_connection)))
        pinged: list[int] = []
        original_ping = engine.dialect.do_ping
        engine.dialect.do_ping = lambda dbapi_connection: (
            pinged.append(id(dbapi_connection)) or original_ping(dbapi_connection))
        with engine.connect() as connection:
            answer = connection.execute(text("SELECT 41 + 1")).scalar()
        return {"answer": answer, "same_pool": id(engine.pool) == parents_pool,
                "used": used, "pinged": pinged}

    seen = _in_a_child(child)
    assert seen["answer"] == 42 and not seen["same_pool"]
    assert seen["used"] and not set(seen["used"] + seen["pinged"]) & parents_connections
    # The parent's own connection still answers, in order.
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 7")).scalar() == 7
        assert id(connection.connection.dbapi_connection) in parents_connections
    engine.dispose()
