""""Send reminders now" on the Submissions page and the reminder schedule under
Administration → Settings, called as every role, with a real SMTP server (issue 18)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from callbacks.admin.settings import save_reminder_schedule
from callbacks.dashboard_pages import remind_now
from callbacks.router import display_page
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, MailMessage, ReminderSent, User
from models.store.settings import reminder_schedule
from tests.helpers.config import settings_for
from tests.helpers.mail import patient_screens
from tests.helpers.web import requests_as

ADMIN, VIEWER = "admin@demo.local", "viewer@demo.local"
RIVERSIDE = "riverside-boxing-academy@demo.local"
SAFER = "safer-futures-support@demo.local"
BRIGHTPATH = "brightpath-education@demo.local"


@pytest.fixture(autouse=True)
def _patient(monkeypatch):
    patient_screens(monkeypatch)


@pytest.fixture
def as_user(db_url, demo_factory, inbox):
    """`with as_user(email):` runs code in a request of an app that mails `inbox`."""
    from dash_app.factory import create_app

    return requests_as(create_app(settings_for(db_url, smtp_url=inbox.url)), demo_factory)


def counts(factory) -> tuple[int, int]:
    with factory() as s:
        return (s.scalar(select(func.count()).select_from(MailMessage)),
                s.scalar(select(func.count()).select_from(ReminderSent)))


@pytest.mark.parametrize("who", [None, VIEWER, SAFER, RIVERSIDE])
@pytest.mark.parametrize("action", ["preview", "send", "cancel"])
def test_only_the_lead_officer_may_preview_or_send(as_user, demo_factory, inbox, who, action):
    with as_user(who):
        plan, hidden, msg, seen = remind_now(action, "anything")
        page = str(display_page("/submissions", ""))
    assert plan == [] and hidden is True and seen is None
    assert ("Sign in first." if who is None else "Only the lead officer can send reminders.") in str(msg)
    assert "Send reminders now" not in page
    assert counts(demo_factory) == (0, 0) and inbox.messages == []
    if who is not None:
        with demo_factory() as s:
            assert s.scalars(select(AuditEvent.action).where(AuditEvent.entity == "reminders")).all() == ["refused"]


def test_preview_then_send_then_already_sent_today(as_user, demo_factory, inbox):
    with as_user(ADMIN):
        assert "Send reminders now" in str(display_page("/submissions", ""))
        plan, hidden, msg, seen = remind_now("preview", None)
    shown = str(plan)
    assert hidden is False and msg == "" and seen
    assert "2 emails to 2 providers. Nothing has been sent yet." in shown
    # Exactly who gets what: the two providers owing Q2, their addresses, their returns.
    for text in ("Riverside Boxing Academy (demo)", RIVERSIDE, "Safer Futures Support (demo)", SAFER,
                 "ASB early help (boxing club diversion): Q2 2026/27, due 20 October 2026 (Missing)",
                 "Sanctuary scheme: Q2 2026/27, due 20 October 2026 (Overdue)",
                 "Independent Sexual Violence Advisor (ISVA): Q2 2026/27, due 20 October 2026 (Returned)",
                 "Sent by the lead officer"):
        assert text in shown
    assert BRIGHTPATH not in shown  # owes only Q3, whose reminders have not begun
    assert counts(demo_factory) == (0, 0) and inbox.messages == []  # a preview sends nothing

    with as_user(ADMIN):
        cancelled = remind_now("cancel", seen)
    assert cancelled[1] is True and "Nothing was sent." in str(cancelled[2])
    assert inbox.messages == []

    with as_user(ADMIN):
        plan, hidden, msg, seen_after = remind_now("send", seen)
    assert hidden is True and plan == [] and seen_after is None
    assert "Sent 2 reminder emails to 2 providers." in str(msg)
    assert sorted(m["To"] for m in inbox.messages) == [RIVERSIDE, SAFER]
    assert "Sanctuary scheme" not in inbox.text(inbox.to(RIVERSIDE)[0])
    with demo_factory() as s:
        assert set(s.scalars(select(ReminderSent.kind))) == {"manual-2026-11-25"}

    with as_user(ADMIN):
        again = remind_now("preview", None)
        send_again = remind_now("send", seen)
    for _plan, hidden, msg, _seen in (again, send_again):
        assert hidden is True and "Reminders were already sent today; nothing was sent again." in str(msg)
    assert len(inbox.messages) == 2


def test_sending_refuses_a_list_that_changed_since_the_preview(as_user, demo_factory, inbox):
    with as_user(ADMIN):
        _plan, _hidden, _msg, seen = remind_now("preview", None)
    with unit_of_work(demo_factory) as s:
        s.scalars(select(User).where(User.email == SAFER)).one().reminder_emails = False
    with as_user(ADMIN):
        plan, hidden, msg, seen_now = remind_now("send", seen)
    assert hidden is False and "The list changed since you looked." in str(msg)
    assert "No one: no active user with reminder emails on" in str(plan) and seen_now != seen
    assert inbox.messages == []
    with as_user(ADMIN):
        _plan, _hidden, msg, _seen = remind_now("send", seen_now)
    assert "Sent 1 reminder email to 1 provider." in str(msg)
    assert [m["To"] for m in inbox.messages] == [RIVERSIDE]


@pytest.mark.parametrize("who", [None, VIEWER, SAFER])
def test_only_the_lead_officer_sets_the_schedule(as_user, demo_factory, who):
    with as_user(who):
        msg = save_reminder_schedule("5", [])
    assert "Sign in first." in str(msg) or "Only the lead officer" in str(msg)
    with demo_factory() as s:
        assert reminder_schedule(s).days_before == (10, 3)


def test_the_schedule_form_saves_and_explains_bad_input(as_user, demo_factory):
    with as_user(ADMIN):
        page = str(display_page("/admin/settings", ""))
        bad = save_reminder_schedule("10, three", ["on_due", "weekly_overdue"])
        good = save_reminder_schedule("14, 7", ["weekly_overdue"])
    assert "Reminder emails" in page and "'10,3'" in page
    assert "Enter the days before the due date as whole numbers from 1 to 60" in str(bad)
    assert "Reminder schedule saved." in str(good)
    with demo_factory() as s:
        schedule = reminder_schedule(s)
    assert (schedule.days_before, schedule.on_due, schedule.weekly_overdue) == ((14, 7), False, True)
