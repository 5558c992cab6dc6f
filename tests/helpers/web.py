"""Signing in and out through Flask's test client, as the sign-in form does."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.helpers.config import DEMO_PASSWORD
from tests.helpers.dash_calls import page_csrf_token


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on the page at `path`."""
    return page_csrf_token(client.get(path).get_data(as_text=True))


def sign_in(client: FlaskClient, email: str, password: str = DEMO_PASSWORD) -> TestResponse:
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": csrf_token(client, "/login")})


def sign_out(client: FlaskClient) -> TestResponse:
    """Sign-out is a POST with the CSRF token (the page at GET /logout holds the form)."""
    return client.post("/logout", data={"csrf_token": csrf_token(client, "/logout")})


def requests_as(app, factory):
    """`with requests_as(app, factory)(email):` runs code inside a callback request of `app`
    as that user (None: signed out), the way Dash calls a callback. When the block ends,
    the mail its request queued has been delivered by the background sender (flushed), so
    the test reads the inbox as the request left it."""
    from contextlib import contextmanager

    from flask_login import login_user
    from sqlalchemy import select

    from dash_app import mail_sender
    from dash_app.auth import snapshot
    from models.store.db import unit_of_work
    from models.store.entities import User

    @contextmanager
    def _as(email: str | None):
        with app.server.test_request_context("/_dash-update-component", method="POST"):
            if email is not None:
                with unit_of_work(factory) as s:
                    login_user(snapshot(s.scalars(select(User).where(User.email == email)).one()))
            yield
        assert mail_sender.flush(), "the background mail sender did not finish"

    return _as
