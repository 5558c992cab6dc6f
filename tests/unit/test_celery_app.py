"""Scheduled work by Celery beat when Celery is configured (issue 20): beat's schedule holds
the day's reminders at REMINDER_HOUR and a mail sweep; the reminder task's body sends what
`python -m dash_app send-reminders` sends, once."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.schedules import crontab

from dash_app.celery_app import (
    DELIVER_MAIL,
    SEND_REMINDERS,
    SWEEP_MAIL,
    make_celery,
    send_reminders,
    sweep_mail,
)
from dash_app.settings import ConfigError, load_settings
from tests.helpers.config import settings_for

RIVERSIDE = "riverside-boxing-academy@demo.local"
SAFER = "safer-futures-support@demo.local"


def test_beat_sends_the_reminders_daily_at_the_configured_hour(db_url):
    app = make_celery(settings_for(db_url, celery_broker_url="redis://127.0.0.1:6399/0", reminder_hour=6))
    schedule = app.conf.beat_schedule
    assert schedule["send-reminders"]["task"] == SEND_REMINDERS
    assert schedule["send-reminders"]["schedule"] == crontab(hour=6, minute=0)
    assert schedule["sweep-mail"] == {"task": SWEEP_MAIL, "schedule": crontab(minute="*/5")}
    assert app.conf.timezone == "Europe/London"
    assert {DELIVER_MAIL, SEND_REMINDERS, SWEEP_MAIL} <= set(app.tasks)
    assert app.conf.broker_url == "redis://127.0.0.1:6399/0"
    assert app.conf.result_backend == "redis://127.0.0.1:6399/0"  # the broker, by default


def test_the_settings_read_the_broker_and_the_hour():
    base = {"DATABASE_URL": "sqlite:///x.db", "SECRET_KEY": "k" * 40}
    settings = load_settings({**base, "CELERY_BROKER_URL": "redis://h:6379/1", "REMINDER_HOUR": "18"})
    assert (settings.celery_broker_url, settings.celery_result_backend, settings.reminder_hour) == (
        "redis://h:6379/1", "redis://h:6379/1", 18)
    assert load_settings(base).celery_broker_url is None and load_settings(base).reminder_hour == 7
    for bad in ("24", "seven", "-1"):
        with pytest.raises(ConfigError, match="REMINDER_HOUR must be an hour of the day from 0 to 23"):
            load_settings({**base, "REMINDER_HOUR": bad})


def test_without_a_broker_there_is_no_celery_app(db_url):
    with pytest.raises(ValueError, match="CELERY_BROKER_URL is not set"):
        make_celery(settings_for(db_url))


def test_the_reminder_task_sends_todays_reminders_once(demo_factory, db_url, inbox):
    settings = settings_for(db_url, smtp_url=inbox.url, today=dt.date(2026, 11, 25))
    assert send_reminders(demo_factory, settings) == (
        "Reminders for 2026-11-25: 2 emails to 2 of 2 providers due one.")
    assert sorted(m["To"] for m in inbox.messages) == sorted([RIVERSIDE, SAFER])
    assert send_reminders(demo_factory, settings) == (
        "Reminders for 2026-11-25: 0 emails to 0 of 0 providers due one.")
    assert len(inbox.messages) == 2
    assert sweep_mail(demo_factory, settings) == 0
