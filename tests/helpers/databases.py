"""Test databases: which engines the suite runs on, a fresh empty database of each, and
copies of a migrated or demo database built once per worker (`database_copy`)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from functools import cache
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


def _worker_database(url: str, suffix: str = "") -> str:
    """Under pytest-xdist each worker has a PostgreSQL database of its own (cwp_test_gw0, …),
    created on first use, so workers never reset each other's schema."""
    named = _worker_url(url, suffix)
    if named == url:
        return url
    name = make_url(named).database
    engine = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return named


def _worker_url(url: str, suffix: str = "") -> str:
    """The URL of this worker's database (`suffix`: a template's or the copies'), not created."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker and not suffix:
        return url
    worker = worker or "solo"  # copies and templates never use the named database itself
    base = make_url(url)
    return base.set(database=f"{base.database}_{worker}{suffix}").render_as_string(hide_password=False)


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


# What a template holds: "migrated" (every migration run, no rows but the data version) or
# "demo" (migrated and seeded with the demo partnership, as `seed-demo` does).
TEMPLATE_KINDS = ("migrated", "demo")


def database_copy(engine_name: str, kind: str, tmp_path: Path, name: str = "test.db") -> str:
    """A database of its own for one test, holding what a template of `kind` holds.

    Migrating and seeding the demo data takes about 1.5 s; the suite asks for it over a
    thousand times. So each worker builds each template once and every test gets a copy:
    an SQLite file copied into tmp_path, or a PostgreSQL database created from the template
    (CREATE DATABASE … TEMPLATE). The copy's data-version token is new, as a restored or
    freshly migrated database's would be, so caches never confuse two copies."""
    if kind not in TEMPLATE_KINDS:
        raise ValueError(f"kind must be one of {TEMPLATE_KINDS}, not {kind!r}")
    template = _template(engine_name, kind)
    if engine_name == "sqlite":
        target = tmp_path / name
        shutil.copyfile(template, target)
        url = f"sqlite:///{target}"
    else:
        url = _worker_url(os.environ["TEST_DATABASE_URL"], suffix="_copy")  # dropped and made below
        name_of = make_url(url).database
        # Connected to the maintenance database: the copy is dropped and made again.
        admin = make_engine(make_url(url).set(database="postgres").render_as_string(
            hide_password=False)).execution_options(
            isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            # FORCE ends connections a previous test's app left open (its engine's pool).
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name_of}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name_of}" TEMPLATE "{template}"'))
        admin.dispose()
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE data_version SET token = :t"), {"t": uuid.uuid4().hex})
    engine.dispose()
    return url


@cache
def _template(engine_name: str, kind: str) -> str:
    """This worker's template of `kind`: an SQLite file's path or a PostgreSQL database's name."""
    from models.store.db import make_sessionmaker, unit_of_work
    from models.store.migrate import upgrade

    if engine_name == "sqlite":
        path = _template_folder() / f"{kind}.db"
        url = f"sqlite:///{path}"
    else:
        url = _worker_database(os.environ["TEST_DATABASE_URL"], suffix=f"_{kind}")
        _reset_postgres(url)
    upgrade(url)
    engine = make_engine(url)
    if kind == "demo":
        from models.catalogue.demo import seed_demo
        from tests.helpers.config import DEMO_PASSWORD, TODAY

        with unit_of_work(make_sessionmaker(engine)) as s:
            seed_demo(s, DEMO_PASSWORD, TODAY)
    if engine_name == "sqlite":
        with engine.begin() as connection:  # everything into the main file, which is copied
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        engine.dispose()
        return str(path)
    engine.dispose()
    return make_url(url).database


@cache
def _template_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="cwp-templates-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
