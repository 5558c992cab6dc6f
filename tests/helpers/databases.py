"""Test databases: which engines the suite runs on, and a fresh empty database of each."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from models.store.db import make_engine


def engines() -> list[str]:
    """SQLite always; PostgreSQL too when TEST_DATABASE_URL names one."""
    names = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL"):
        names.append("postgresql")
    elif os.environ.get("REQUIRE_POSTGRES") == "1":
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set.")
    return names


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker has a PostgreSQL database of its own (cwp_test_gw0, …),
    created on first use, so workers never reset each other's schema."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def fresh_database_url(engine_name: str, tmp_path: Path) -> str:
    """An empty database of the named engine, not yet migrated."""
    if engine_name == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url = _worker_database(os.environ["TEST_DATABASE_URL"])
    _reset_postgres(url)
    return url


def sqlite_file_gone(engine, url: str, tmp_path: Path) -> Callable[[], None]:
    """Take an SQLite database away for real: its file is moved aside and a folder put in its
    place, so no connection can open it. Returns how to bring it back."""
    path = Path(url.split("///", 1)[1])
    engine.dispose()
    moved = tmp_path / "away"
    moved.mkdir()
    for f in path.parent.glob(path.name + "*"):
        shutil.move(f, moved / f.name)
    path.mkdir()

    def back() -> None:
        engine.dispose()
        path.rmdir()
        for f in moved.iterdir():
            shutil.move(f, path.parent / f.name)
    return back
