"""Flask-Limiter's per-client limits, counted where every worker and instance sees them:
Redis when CACHE_URL is set, otherwise the app's database (models.store.throttle)."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import Storage
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from dash_app.settings import Settings
from models.store import throttle
from models.store.db import unit_of_work

_PREFIX = "limit:"


class DatabaseStorage(Storage):
    """A `limits` storage on the app's database: each hit is one atomic statement."""

    STORAGE_SCHEME = ["cwp-database"]  # noqa: RUF012 - the name `limits` registers it by

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 sessions: sessionmaker[Session] | None = None, **options: object) -> None:
        super().__init__(uri, wrap_exceptions)
        if sessions is None:
            raise ValueError("DatabaseStorage needs the app's sessionmaker")
        self._sessions = sessions

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        with unit_of_work(self._sessions) as session:
            return throttle.hit(session, _PREFIX + key, expiry, amount)[0]

    def get(self, key: str) -> int:
        with self._sessions() as session:
            return throttle.current(session, _PREFIX + key)[0]

    def get_expiry(self, key: str) -> float:
        with self._sessions() as session:
            return throttle.current(session, _PREFIX + key)[1]

    def check(self) -> bool:
        try:
            with self._sessions() as session:
                session.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with unit_of_work(self._sessions) as session:
            return throttle.clear_all(session, _PREFIX)

    def clear(self, key: str) -> None:
        with unit_of_work(self._sessions) as session:
            throttle.clear(session, _PREFIX + key)


def init_app(server: Flask, settings: Settings, sessions: sessionmaker[Session]) -> Limiter:
    """A limiter for this app (one per app, so each app counts in its own storage), with
    LOGIN_RATE_LIMIT on posts to the sign-in form. Call after the sign-in routes exist."""
    if settings.cache_url:
        uri, options = settings.cache_url, {}
    else:
        uri, options = "cwp-database://", {"sessions": sessions}
    # If the shared store (Redis) is down, each worker counts in memory until it is back,
    # rather than sign-in answering 500; the per-address throttle in the database still holds.
    limiter = Limiter(key_func=get_remote_address, storage_uri=uri, storage_options=options,
                      headers_enabled=True, key_prefix="cwp", in_memory_fallback_enabled=True)
    limiter.init_app(server)
    # The decorated view checks the limit before the sign-in view runs (this app's copy).
    # "Forgot your password?" has the same limit, counted on its own.
    for endpoint in ("auth.login", "auth.forgot_password"):
        view = server.view_functions[endpoint]
        server.view_functions[endpoint] = limiter.limit(settings.login_rate_limit,
                                                        methods=["POST"])(view)
    server.extensions["monitor.limiter"] = limiter
    return limiter
