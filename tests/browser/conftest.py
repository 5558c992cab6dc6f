from __future__ import annotations

import pytest

from models.store.db import make_engine, make_sessionmaker, unit_of_work
from tests.helpers.config import DEMO_PASSWORD, settings_for
from tests.helpers.databases import database_copy


def demo_app_at(tmp_path, **settings: object):
    """The app on a fresh demo SQLite database in tmp_path, with these settings changed."""
    from dash_app.factory import create_app

    url = database_copy("sqlite", "demo", tmp_path, "browser.db")
    return create_app(settings_for(url, **settings))


@pytest.fixture
def browser_app(tmp_path):
    """The app on a demo SQLite database (browser tests run once, not per engine)."""
    return demo_app_at(tmp_path)


@pytest.fixture
def mail_browser_app(tmp_path, inbox):
    """browser_app with its mail going to the test SMTP server (`inbox`)."""
    return demo_app_at(tmp_path, smtp_url=inbox.url)


@pytest.fixture
def return_world(tmp_path):
    """Demo data plus a small service of a new provider, to enter a whole return through
    the browser: one count with two categories, and one outcome rate."""
    from dash_app.factory import create_app
    from models.store.entities import Period
    from models.store.users import create_user
    from tests.helpers import factories as f

    url = database_copy("sqlite", "demo", tmp_path, "browser.db")
    engine = make_engine(url)
    with unit_of_work(make_sessionmaker(engine)) as s:
        owner = f.provider(s, "Test Provider")
        create_user(s, "test-provider@demo.local", DEMO_PASSWORD, "provider", owner)
        svc = f.service(s, "Test outreach service", owner)
        people = f.metric(s, svc, "People supported", headline=True, categories=("Self", "GP"))
        safer = f.metric(s, svc, "Felt safer", unit="percent", kind="outcome", order=1)
        f.target(s, people, 2026, 100)
        f.target(s, safer, 2026, 75)
        period = s.query(Period).filter_by(year=2026, quarter=3).one()
        # Q3 has not ended on the suite's date: the lead officer allows early submission.
        period.early_submission = True
        world = {"service": svc.id, "period": period.id, "people": people.id, "safer": safer.id,
                 "cats": [c.id for c in people.categories]}
    engine.dispose()
    world["app"] = create_app(settings_for(url))
    return world


@pytest.fixture
def app_and_factory(tmp_path):
    """The demo app and a session factory on its database, for tests that check the rows."""
    from dash_app.factory import create_app

    url = database_copy("sqlite", "demo", tmp_path, "browser.db")
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    yield create_app(settings_for(url)), factory
    engine.dispose()


@pytest.fixture
def celery_browser_app(tmp_path):
    """browser_app with its background jobs run by a real Celery worker (a process of its
    own, started as the README says) on a throwaway redis-server; yields the app and the
    worker's log. Skipped, saying why, without redis-server (failing with REQUIRE_REDIS=1)."""
    from tests.helpers.jobs import start_celery_worker
    from tests.helpers.servers import redis_for_tests, stop

    redis = redis_for_tests(tmp_path / "redis.log")
    url = next(redis)
    app = demo_app_at(tmp_path, celery_broker_url=url, celery_result_backend=url)
    log = tmp_path / "celery.log"
    worker = start_celery_worker(app.server.config["MONITOR_SETTINGS"], url, log)
    try:
        yield app, log
    finally:
        stop(worker)
        redis.close()
