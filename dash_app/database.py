"""The app's database: engine and sessions bound to the Flask app, and a reachability check."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from dash_app.settings import ConfigError, Settings
from models.store.db import make_engine, make_sessionmaker, unit_of_work

_KEY = "monitor.sessionmaker"


def init_app(app: Flask, settings: Settings) -> sessionmaker[Session]:
    engine = make_engine(settings.database_url)
    check_database(engine, settings.database_url)
    app.extensions[_KEY] = make_sessionmaker(engine)
    return app.extensions[_KEY]


def check_database(engine, url: str, require_schema: bool = True) -> None:  # noqa: ANN001
    """Stop with one sentence if the database is unreachable or (with `require_schema`)
    not migrated to this version of the code."""
    from models.store.migrate import current_revision, head_revision

    safe_url = url.split("@")[-1] if "@" in url else url
    try:
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise ConfigError(f"Cannot reach the database at {safe_url}: {reason}") from None
    if not require_schema:
        return
    if revision is None:
        raise ConfigError(
            f"The database at {safe_url} has not been set up; run: python -m dash_app init-db"
        )
    if revision != head_revision():
        # An older schema would fail at the first query that needs a newer table or column.
        raise ConfigError(
            f"The database at {safe_url} needs migrating to this version; run: "
            "python -m dash_app init-db"
        )


def sessions() -> sessionmaker[Session]:
    return current_app.extensions[_KEY]


@contextmanager
def transaction() -> Iterator[Session]:
    """A unit of work against the app's database: commits whole or rolls back whole."""
    with unit_of_work(sessions()) as session:
        yield session


def ping() -> bool:
    try:
        with sessions()() as session:
            session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False
