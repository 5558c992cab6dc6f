"""Background jobs: long work (the PDF meeting pack, big exports) runs outside the request
that asks for it, as Dash background callbacks, so that request returns at once and the page
shows the job's progress while it polls.

Which manager runs them is a setting (dash_app/settings.py):
- by default Dash's DiskcacheManager: each job is a process forked from the web worker, its
  progress and result kept in a diskcache folder (JOBS_DIR, default instance/jobs), so
  `make run` and gunicorn on one machine need nothing else;
- with CELERY_BROKER_URL (redis://…) Dash's CeleryManager: a Celery worker runs the job
  (`celery -A dash_app.worker worker --loglevel=INFO`), progress and result kept in Redis
  (CELERY_RESULT_BACKEND, by default the broker).

A job runs as the user who started it, checked on the server as any request is: there is no
Flask request inside a job, so `job_user` reads the session cookie that Dash hands the job
(its callback context holds the starting request's cookies) and applies the one rule for a
valid session (dash_app.auth.session_user): a deactivated user or an ended session gets
nothing, even if it was valid when the job started.

Dash keys a job's result slot by the callback's source and arguments only: two users asking
for the same pack would share one slot and could read each other's file. `SeparateSlots`
adds the asker's session and a fresh random part to every key, so no two jobs ever share a
slot (not even two tabs of one session asking for the same pack at once). Results are not
kept once read: Dash clears a slot after delivering it when `cache_by` is unset, which is
why the key is extended here and not through `cache_by` (which would keep every file built,
in the job store, until it expired).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from dash import CeleryManager, DiskcacheManager, callback_context
from flask import Flask, current_app, session

from dash_app.auth import SESSION_USER_KEY, SIGNED_IN_AT, SignedInUser, cookie_user
from dash_app.settings import Settings
from models.access import AccessRefused

# With Celery, a result (a file) waits this long in Redis for its page to collect it.
RESULT_LIFETIME_S = 3600
# The diskcache folder's bound: beyond it the oldest entries (results nobody collected) go.
JOBS_SIZE_LIMIT = 512 * 2**20
_CELERY = "monitor.celery"



class SeparateSlots:
    """Mixed into Dash's managers: every job's key is Dash's own key plus the session that
    asked (user, session generation, when it signed in) and 16 random bytes."""

    def build_cache_key(self, fn: Callable[..., Any], args: Any, cache_args_to_ignore: Any,
                        triggered: Any) -> str:
        dash_key = super().build_cache_key(fn, args, cache_args_to_ignore, triggered)  # type: ignore[misc]
        asker = f"{session.get(SESSION_USER_KEY)}:{session.get(SIGNED_IN_AT)}"
        return hashlib.sha256(f"{dash_key}:{asker}:{secrets.token_hex(16)}".encode()).hexdigest()

    def call_job_fn(self, key: str, job_fn: Any, args: Any, context: dict) -> Any:
        return super().call_job_fn(key, job_fn, args, job_context(context))  # type: ignore[misc]


def job_context(context: dict) -> dict:
    """What of the starting request's callback context a job takes along: the session cookie
    only (not every cookie, nor the headers, which repeat the cookies) — it is all `job_user`
    needs, and with Celery it waits in the broker's queue. The rest (inputs, triggered) is
    plain JSON already, as Celery's serializer needs; the Flask-Login user or anything else
    in flask.g is never part of it (Dash's context is its own, not flask.g)."""
    name = current_app.config.get("SESSION_COOKIE_NAME") or "session"
    kept = type(context)(**context)
    cookie = plain_cookies(context.get("cookies")).get(name)
    kept["cookies"] = {name: cookie} if cookie else {}
    kept["headers"] = {}
    return kept


class Diskcache(SeparateSlots, DiskcacheManager):
    """Each job a process forked from the web worker, which first lets go of the worker's
    sockets (release_server_sockets)."""

    def call_job_fn(self, key: str, job_fn: Any, args: Any, context: dict) -> Any:
        def in_the_child(*job_args: Any) -> None:
            release_server_sockets()
            job_fn(*job_args)

        return super().call_job_fn(key, in_the_child, args, context)


def release_server_sockets() -> None:
    """In a job forked from the web server: let go of the server's sockets — the listening
    one and every browser's connection — which the fork copied. Otherwise a connection the
    server closes stays open while the job runs (the job still holds it): the browser's next
    request on it gets no answer until the job ends (measured: 34 s). Each is replaced by
    /dev/null rather than closed, so its number is never reused for another file while a
    copied socket object that still names it exists. A connection the job opened itself, or
    one to the database or Redis (whose local port is not the server's), is left alone."""
    import psutil

    sockets = psutil.Process().net_connections(kind="all")
    ports = {c.laddr.port for c in sockets if c.status == psutil.CONN_LISTEN and c.laddr
             and not isinstance(c.laddr, str)}
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        for c in sockets:
            # A server's unix socket names its own path; a client's (PostgreSQL's) does not.
            served = (c.laddr.port in ports if c.laddr and not isinstance(c.laddr, str)
                      else bool(c.laddr))
            if c.fd >= 0 and (c.status == psutil.CONN_LISTEN or served):
                os.dup2(devnull, c.fd)
    finally:
        os.close(devnull)


class Celery(SeparateSlots, CeleryManager):
    pass


def init_app(server: Flask, settings: Settings) -> Diskcache | Celery:
    """The app's background callback manager, as the settings choose."""
    if settings.celery_broker_url:
        celery = celery_app(server, settings)
        server.extensions[_CELERY] = celery
        return Celery(celery)
    import diskcache

    settings.jobs_dir.mkdir(parents=True, exist_ok=True)
    return Diskcache(diskcache.Cache(str(settings.jobs_dir), size_limit=JOBS_SIZE_LIMIT))


def celery_app(server: Flask, settings: Settings):  # noqa: ANN201 - celery is imported late
    """The Celery app the worker runs (dash_app/worker.py): each task inside this Flask app's
    context, so a job reaches the database, the settings and the session rules."""
    from celery import Celery as CeleryApp
    from celery import Task

    from dash_app.celery_app import register_tasks

    class InAppContext(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with server.app_context():
                return self.run(*args, **kwargs)

    celery = CeleryApp("cwp-monitor", broker=settings.celery_broker_url,
                       backend=settings.celery_result_backend, task_cls=InAppContext)
    celery.conf.update(
        result_expires=RESULT_LIFETIME_S,
        task_serializer="json", result_serializer="json", accept_content=["json"],
        # One job at a time per worker process, and a job lost with its worker is not run
        # twice behind the user's back: they are told and can ask again.
        worker_prefetch_multiplier=1, task_acks_late=False,
        broker_connection_retry_on_startup=True,
    )
    # Mail and reminders too (dash_app.celery_app): one worker command runs all of it.
    register_tasks(celery, settings)
    return celery


def celery_of(server: Flask):  # noqa: ANN201
    """The Celery app bound to this Flask app (None without CELERY_BROKER_URL)."""
    return server.extensions.get(_CELERY)


@contextmanager
def job_user() -> Iterator[SignedInUser]:
    """Inside a background job: the user who started it, checked now, in a fresh app context
    of the app running the job (a diskcache job is forked from a request and would otherwise
    carry that request's state along). AccessRefused when their session is no longer valid."""
    server: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    with server.app_context():
        user = cookie_user(server, plain_cookies(callback_context.cookies))
        if user is None:
            raise AccessRefused("You are signed out. Sign in again, then ask for the file once more.")
        yield user


def still_signed_in(user: SignedInUser) -> bool:
    """Checked again before a finished file is handed over: the user may have been
    deactivated or signed out everywhere while it was being built."""
    server: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    again = cookie_user(server, plain_cookies(callback_context.cookies))
    return again is not None and again.id == user.id


def plain_cookies(cookies: object) -> dict[str, str]:
    """The job's cookies as plain text: a dict from Dash's context, whether it came straight
    (diskcache) or through Celery's JSON; anything else reads as no cookies."""
    if not isinstance(cookies, dict):
        return {}
    return {str(k): v for k, v in cookies.items() if isinstance(v, str)}
