"""The suite's fixed date, demo password and secret, and the app's settings for a test database."""

from __future__ import annotations

import datetime as dt

from dash_app.settings import Settings

TODAY = dt.date(2026, 11, 25)
DEMO_PASSWORD = "demo-password-for-tests"
SECRET = "t" * 40


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, secret_key=SECRET, env="development", today=TODAY)
