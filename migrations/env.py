"""Alembic environment: the URL comes from the caller's config or DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context

from models.store import entities  # noqa: F401 - registers the tables on Base.metadata
from models.store.base import Base
from models.store.db import make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url") or os.environ.get(
    "DATABASE_URL", "sqlite:///instance/monitor.db"
)


def run_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True,
                      render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = make_engine(url)
    sqlite = url.startswith("sqlite")
    with engine.connect() as connection:
        if sqlite:
            # Batch migrations copy and drop tables; with foreign keys on, dropping the old
            # table would cascade-delete every child row. Check the keys afterwards instead.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # end the implicit transaction, so Alembic's own commits
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=sqlite)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
            if problems:
                raise RuntimeError(f"Migration left broken foreign keys: {problems[:5]}")
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
