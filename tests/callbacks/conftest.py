from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask_login import login_user
from sqlalchemy import select

from dash_app.auth import snapshot
from models.db import unit_of_work
from models.entities import User


@pytest.fixture
def signed_in(demo_app, demo_factory) -> Callable:
    """`with signed_in("admin@demo.local"):` runs code in a request as that user."""

    @contextmanager
    def _as(email: str | None) -> Iterator[None]:
        with demo_app.server.test_request_context("/_dash-update-component", method="POST"):
            if email is not None:
                with unit_of_work(demo_factory) as s:
                    user = s.scalars(select(User).where(User.email == email)).one()
                    login_user(snapshot(user))
            yield

    return _as
