from __future__ import annotations

import pytest

from models.db import make_engine, make_sessionmaker, unit_of_work
from models.demo import seed_demo
from models.migrate import upgrade
from tests.conftest import DEMO_PASSWORD, TODAY, settings_for


@pytest.fixture
def browser_app(tmp_path):
    """The app on a demo SQLite database (browser tests run once, not per engine)."""
    from dash_app import create_app

    url = f"sqlite:///{tmp_path / 'browser.db'}"
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(make_sessionmaker(engine)) as s:
        seed_demo(s, DEMO_PASSWORD, TODAY)
    engine.dispose()
    return create_app(settings_for(url))


def start(dash_duo, app) -> str:
    """Start the app; the root redirects anonymous users, so don't wait on a Dash page yet."""
    dash_duo.start_server(app, navigate=False)
    return dash_duo.server.url


def sign_in(dash_duo, email: str, password: str = DEMO_PASSWORD) -> None:
    dash_duo.driver.get(dash_duo.server.url + "/login")
    dash_duo.wait_for_element("#email").send_keys(email)
    dash_duo.find_element("#password").send_keys(password)
    dash_duo.find_element("#sign-in").click()
