"""Shared fixtures: a fresh, migrated database on SQLite and (when configured) PostgreSQL.

Set TEST_DATABASE_URL to a PostgreSQL URL to run the database tests on both engines;
with REQUIRE_POSTGRES=1 (as in CI) its absence is an error, not a silent skip."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.orm import Session, sessionmaker

from dash_app.settings import Settings
from models.store.db import make_engine, make_sessionmaker, unit_of_work
from models.store.migrate import upgrade

TODAY = dt.date(2026, 11, 25)
DEMO_PASSWORD = "demo-password-for-tests"
SECRET = "t" * 40


def pytest_setup_options():
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1400,1000"):
        options.add_argument(flag)
    chromium = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
    if Path(chromium).exists():
        options.binary_location = chromium
    return options


def _engines() -> list[str]:
    engines = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL"):
        engines.append("postgresql")
    elif os.environ.get("REQUIRE_POSTGRES") == "1":
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set.")
    return engines


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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests share one worker under pytest-xdist (`--dist loadgroup`): each drives a
    Chromium of its own against a Dash server on a fixed port."""
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(params=_engines())
def engine_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def empty_db_url(engine_name: str, tmp_path: Path) -> str:
    return fresh_database_url(engine_name, tmp_path)


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    upgrade(empty_db_url)
    return empty_db_url


@pytest.fixture
def factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    with unit_of_work(factory) as s:
        yield s


@pytest.fixture
def demo_factory(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    from models.catalogue.demo import seed_demo

    with unit_of_work(factory) as s:
        seed_demo(s, DEMO_PASSWORD, TODAY)
    return factory


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, secret_key=SECRET, env="development", today=TODAY)


@pytest.fixture
def demo_app(db_url: str, demo_factory: sessionmaker[Session]):
    from dash_app.factory import create_app

    return create_app(settings_for(db_url))


@pytest.fixture
def signed_in(demo_app, demo_factory):
    """`with signed_in("admin@demo.local"):` runs code in a request as that user."""
    from contextlib import contextmanager

    from flask_login import login_user
    from sqlalchemy import select

    from dash_app.auth import snapshot
    from models.store.entities import User

    @contextmanager
    def _as(email):
        with demo_app.server.test_request_context("/_dash-update-component", method="POST"):
            if email is not None:
                with unit_of_work(demo_factory) as s:
                    user = s.scalars(select(User).where(User.email == email)).one()
                    login_user(snapshot(user))
            yield

    return _as
