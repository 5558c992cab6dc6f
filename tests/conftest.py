"""Shared fixtures: a fresh, migrated database on SQLite and (when configured) PostgreSQL.

Set TEST_DATABASE_URL to a PostgreSQL URL to run the database tests on both engines;
with REQUIRE_POSTGRES=1 (as in CI) its absence is an error, not a silent skip."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from models.store.db import make_engine, make_sessionmaker, unit_of_work
from tests.helpers.config import settings_for
from tests.helpers.databases import database_copy, engines, fresh_database_url


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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each browser test file is one group, run whole on one worker (`--dist loadgroup`: a
    file's shared fixtures are set up once), each test driving a Chromium of its own against
    a Dash server on a free port (tests.helpers.browser.start). xdist hands a worker the next
    group or test as it finishes one, groups of most tests first (its --loadscope-reorder):
    the browser files go first, and the short tests even out the end. Smaller groups than
    the two halves of the browser files dealt by name, which one worker each had to finish
    whatever their lengths."""
    files = sorted({item.nodeid.split("::", 1)[0] for item in items
                    if "tests/browser/" in item.nodeid.replace("\\", "/")})
    group = {name: f"browser-{name}" for name in files}
    for item in items:
        name = item.nodeid.split("::", 1)[0]
        if name in group:
            item.add_marker(pytest.mark.xdist_group(group[name]))


@pytest.fixture(params=engines())
def engine_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def empty_db_url(engine_name: str, tmp_path: Path) -> str:
    return fresh_database_url(engine_name, tmp_path)


@pytest.fixture
def db_url(engine_name: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A migrated database of the test's own; already holding the demo data when the test
    asks for it (through demo_factory, directly or not): a copy of this worker's template."""
    kind = "demo" if "demo_factory" in request.fixturenames else "migrated"
    return database_copy(engine_name, kind, tmp_path)


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
    """A session factory on a database holding the demo partnership (db_url copied it)."""
    return factory


@pytest.fixture
def demo_app(db_url: str, demo_factory: sessionmaker[Session]):
    from dash_app.factory import create_app

    return create_app(settings_for(db_url))


@pytest.fixture
def signed_in(demo_app, demo_factory):
    """`with signed_in("admin@demo.local"):` runs code in a request as that user."""
    from tests.helpers.web import requests_as

    return requests_as(demo_app, demo_factory)


@pytest.fixture
def sanctuary(demo_factory: sessionmaker[Session]) -> dict:
    """The Sanctuary scheme's Q3 2026/27 (not started) return, and its form's fields."""
    from sqlalchemy import select

    from models.store.entities import Metric, Period, Service

    with unit_of_work(demo_factory) as s:
        svc = s.scalars(select(Service).where(Service.name == "Sanctuary scheme")).one()
        period = s.scalars(select(Period).filter_by(year=2026, quarter=3)).one()
        metrics = s.scalars(select(Metric).where(Metric.service_id == svc.id)).all()
        return {"service": svc.id, "period": period.id, "metrics": [m.id for m in metrics]}


@pytest.fixture
def inbox():
    """A real SMTP server on loopback (aiosmtpd) and what it has received."""
    from tests.helpers.mail import smtp_server

    with smtp_server() as received:
        yield received


@pytest.fixture(autouse=True)
def _empty_test_outbox() -> None:
    """Each test starts with an empty outbox folder (settings_for's TEST_OUTBOX, one per
    process): a message's file is named by its time to the second and its record's id, and
    two tests on copies of one database, a second apart, would otherwise name the same file."""
    import shutil

    from tests.helpers.config import TEST_OUTBOX

    shutil.rmtree(TEST_OUTBOX, ignore_errors=True)


@pytest.fixture(autouse=True)
def _own_mail_sender() -> None:
    """Each test's mail goes through a sender thread of its own (dash_app.mail_sender), so
    a batch an earlier test left with a silent mail server never holds up this test."""
    from dash_app import mail_sender

    mail_sender.start_afresh()
