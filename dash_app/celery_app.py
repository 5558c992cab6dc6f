"""The Celery app, when CELERY_BROKER_URL is set (issue 20): workers on any machine deliver
the app's queued mail, and beat sends the day's reminders (the same code as
`python -m dash_app send-reminders`, which cron runs when Celery is not configured) and
sweeps up mail a dead process left queued.

`make_celery(settings)` builds it (dash_app.worker, which `celery -A dash_app.worker worker`
and `celery -A dash_app.worker beat` load, calls it); `celery_for(settings)` is the one an
app process uses to hand work to the workers. The task bodies are plain functions
(`deliver_mail`, `send_reminders`, `sweep_mail`), tested directly.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

from celery import Celery
from celery.schedules import crontab

from dash_app.settings import Settings, load_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

DELIVER_MAIL = "monitor.deliver_mail"
SEND_REMINDERS = "monitor.send_reminders"
SWEEP_MAIL = "monitor.sweep_mail"
TIMEZONE = "Europe/London"  # reminders go at the same hour all year round


def beat_schedule(settings: Settings) -> dict[str, dict]:
    """What beat runs: the day's reminders at REMINDER_HOUR, and a mail sweep every 5 minutes."""
    return {
        "send-reminders": {"task": SEND_REMINDERS,
                           "schedule": crontab(hour=settings.reminder_hour, minute=0)},
        "sweep-mail": {"task": SWEEP_MAIL, "schedule": crontab(minute="*/5")},
    }


def make_celery(settings: Settings) -> Celery:
    """A Celery app on CELERY_BROKER_URL (results in CELERY_RESULT_BACKEND, by default the
    broker), with this module's tasks and beat schedule: what an app process hands mail to."""
    if not settings.celery_broker_url:
        raise ValueError("CELERY_BROKER_URL is not set: there is no Celery to make.")
    app = Celery("cwp_monitor", broker=settings.celery_broker_url,
                 backend=settings.celery_result_backend or settings.celery_broker_url)
    app.conf.update(
        task_serializer="json", accept_content=["json"], result_serializer="json",
        timezone=TIMEZONE, enable_utc=True,
        beat_schedule=beat_schedule(settings),
        broker_connection_retry_on_startup=True,
        # Handing a task over must not hold a request when the broker is down: a few quick
        # tries, then the caller falls back (dash_app.mail_sender sends from its own thread).
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.2,
                                   "interval_max": 0.5},
        broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5},
        # The result store likewise (it is the broker's Redis by default): a few quick tries.
        result_backend_transport_options={"retry_policy": {
            "max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}},
    )
    register_tasks(app, settings)
    return app


def register_tasks(app: Celery, settings: Settings) -> None:
    """Mail, reminders and the sweep, and beat's schedule, on `app` — also on the background
    jobs' app (dash_app.jobs.celery_app), so one worker command runs all of it.
    A mail task is acknowledged after it ran: a worker killed mid-task leaves it for
    another. Mail cannot go twice even then: each message is claimed in the database.
    (A background job is not: dash_app.jobs says why.)"""
    app.conf.beat_schedule = beat_schedule(settings)
    app.conf.timezone = TIMEZONE
    app.task(name=DELIVER_MAIL, ignore_result=True, acks_late=True)(_deliver_mail_task)
    app.task(name=SEND_REMINDERS, ignore_result=True, acks_late=True)(_send_reminders_task)
    app.task(name=SWEEP_MAIL, ignore_result=True, acks_late=True)(_sweep_mail_task)


@functools.cache
def celery_for(settings: Settings) -> Celery:
    """The Celery app an app process hands work to (one per settings, made once)."""
    return make_celery(settings)


@functools.cache
def _worker_context() -> tuple[Settings, sessionmaker[Session]]:
    """In a worker: settings from the environment and a database session factory."""
    from models.store.db import make_engine, make_sessionmaker

    settings = load_settings()
    return settings, make_sessionmaker(make_engine(settings.database_url))


def deliver_mail(factory: sessionmaker[Session], settings: Settings, ids: list[int]) -> int:
    """Deliver these queued messages (each claimed first: never twice). Returns how many."""
    from notifications.mail import deliver_queued

    return len(deliver_queued(factory, settings, [int(i) for i in ids]))


def send_reminders(factory: sessionmaker[Session], settings: Settings) -> str:
    """Today's reminders, exactly as `python -m dash_app send-reminders` sends them."""
    from notifications.reminders import run_reminders

    outcomes = run_reminders(factory, settings, settings.current_date())
    summary = (f"Reminders for {settings.current_date():%Y-%m-%d}: {sum(o.sent for o in outcomes)} "
               f"emails to {sum(1 for o in outcomes if o.sent)} of {len(outcomes)} providers due one.")
    log.info(summary)
    return summary


def sweep_mail(factory: sessionmaker[Session], settings: Settings) -> int:
    from notifications.mail import sweep

    return sweep(factory, settings)


def _deliver_mail_task(ids: list[int]) -> int:
    settings, factory = _worker_context()
    return deliver_mail(factory, settings, ids)


def _send_reminders_task() -> str:
    settings, factory = _worker_context()
    return send_reminders(factory, settings)


def _sweep_mail_task() -> int:
    settings, factory = _worker_context()
    return sweep_mail(factory, settings)


__all__ = ["DELIVER_MAIL", "SEND_REMINDERS", "SWEEP_MAIL", "beat_schedule", "celery_for", "deliver_mail",
           "make_celery", "send_reminders", "sweep_mail"]
