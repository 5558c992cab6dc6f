"""Emails on events (issue 18, item 2), through the callbacks that cause them, against a
real SMTP server on loopback: a return submitted reaches every active lead officer; a
return approved, returned or reopened reaches the active users of its provider; a period
opened reaches the active users of each provider reporting in it, naming only its own
services. Nobody else gets anything, no figure, narrative or comment is in any message, and
a failing mail server leaves the action saved and the message recorded as failed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import notifications.mail as mail
from callbacks.admin.periods import period_action
from callbacks.return_requests import SentForm
from callbacks.returns import handle_review, handle_save
from layouts import ids
from models.catalogue.demo import DEMO_PROVIDERS
from models.store.db import unit_of_work
from models.store.entities import MailMessage, Period, Provider, Return, Service, User
from models.store.users import create_user
from tests.helpers.config import settings_for
from tests.helpers.mail import Inbox
from tests.helpers.returns import OWNER, error_ids
from tests.helpers.web import requests_as

ADMIN = "admin@demo.local"
SECOND_OFFICER = "officer2@demo.local"
FORMER_OFFICER = "former-officer@demo.local"
DEPUTY = "deputy@safer-futures.example"  # a second user of Safer Futures Support (demo)
FORMER_DEPUTY = "left@safer-futures.example"  # inactive
SAFER = "Safer Futures Support (demo)"
PUBLIC = "https://cwp.example.org"
HIGHLIGHT = "Zebra crossing outreach in Penkside went well"
COMMENT = "Please recheck the quokka figures against your case files"


@pytest.fixture
def mail_app(db_url, demo_factory, inbox):
    """The app on the demo data, mailing through the test SMTP server, with two more lead
    officers and two more Safer Futures users (one of each inactive)."""
    from dash_app.factory import create_app

    with unit_of_work(demo_factory) as s:
        safer = s.scalars(select(Provider).where(Provider.name == SAFER)).one()
        for email, role, provider, active in (
                (SECOND_OFFICER, "admin", None, True), (FORMER_OFFICER, "admin", None, False),
                (DEPUTY, "provider", safer, True), (FORMER_DEPUTY, "provider", safer, False)):
            user = create_user(s, email, "a-long-password-1", role, provider)
            user.active = active
    return create_app(settings_for(db_url, smtp_url=inbox.url, public_url=PUBLIC))


@pytest.fixture(autouse=True)
def _quick_retries(monkeypatch):
    """No waiting between attempts: a failing server is tried three times at once."""
    monkeypatch.setattr(mail, "RETRY_WAITS", (0.0, 0.0))


@pytest.fixture
def as_user(mail_app, demo_factory):
    return requests_as(mail_app, demo_factory)


def _records(factory) -> list[tuple[str, str, str]]:
    with unit_of_work(factory) as s:
        return [(m.to_address, m.event, m.status)
                for m in s.scalars(select(MailMessage).order_by(MailMessage.id))]


def _all_text(inbox: Inbox) -> str:
    return "\n".join(f"{m['Subject']}\n{inbox.text(m)}\n{inbox.html(m)}" for m in inbox.messages)


def _submit_sanctuary(as_user, factory, sanctuary, figure: str = "7") -> dict:
    """The Sanctuary scheme's Q3 2026/27 return submitted by its provider (early submission
    allowed for the quarter), with a highlight of its own."""
    with unit_of_work(factory) as s:
        s.get(Period, sanctuary["period"]).early_submission = True
    w = sanctuary
    counts = ([figure] * len(w["metrics"]), [{"type": ids.COUNT, "metric": m} for m in w["metrics"]])
    texts = ([HIGHLIGHT], [{"type": ids.TEXT, "field": "highlights"}])
    form = SentForm({"count": counts, "text": texts}, error_ids(w),
                    {"service": w["service"], "period": w["period"]}, 0, True)
    with as_user(OWNER):
        return handle_save("submit", form)


def test_a_submitted_return_reaches_every_active_lead_officer_and_nobody_else(
        mail_app, as_user, demo_factory, sanctuary, inbox):
    out = _submit_sanctuary(as_user, demo_factory, sanctuary, figure="4817")
    assert "Return submitted" in str(out["status"])
    assert sorted(m["To"] for m in inbox.messages) == [ADMIN, SECOND_OFFICER]
    message = inbox.to(ADMIN)[0]
    assert message["Subject"] == "Return submitted: Sanctuary scheme, Q3 2026/27"
    text = inbox.text(message)
    assert f"{SAFER} has submitted its return for Sanctuary scheme, Q3 2026/27." in text
    assert f"Open the review queue:\n{PUBLIC}/review" in text
    assert "4817" not in _all_text(inbox) and HIGHLIGHT not in _all_text(inbox)
    assert _records(demo_factory) == [(ADMIN, "return-submitted", "sent"),
                                      (SECOND_OFFICER, "return-submitted", "sent")]


def test_saving_a_draft_sends_nothing(mail_app, as_user, demo_factory, sanctuary, inbox):
    w = sanctuary
    counts = (["3"] * len(w["metrics"]), [{"type": ids.COUNT, "metric": m} for m in w["metrics"]])
    with as_user(OWNER):
        out = handle_save("save", SentForm({"count": counts}, error_ids(w),
                                           {"service": w["service"], "period": w["period"]}, 0, False))
    assert "Draft saved" in str(out["status"])
    assert inbox.messages == [] and _records(demo_factory) == []


def _waiting_safer_return(factory) -> tuple[int, int, str, list[str], str]:
    """A submitted Q2 2026/27 return of Safer Futures: id, version, service, its figures as
    text, and its highlights."""
    with unit_of_work(factory) as s:
        ret = s.scalars(select(Return).join(Provider, Provider.id == Return.provider_id)
                        .where(Return.status == "submitted", Provider.name == SAFER)
                        .order_by(Return.id)).first()
        assert ret is not None, "the demo data has a Safer Futures return waiting"
        figures = sorted({str(v) for value in ret.values
                          for v in (value.count, value.numerator, value.denominator)
                          if v is not None and v >= 10})
        return ret.id, ret.version, s.get(Service, ret.service_id).name, figures, ret.highlights


@pytest.mark.parametrize(("action", "subject", "words"), [
    ("approve", "Return approved", "has approved your return for"),
    ("return", "Return returned with a comment", "Sign in to read the comment"),
])
def test_a_decision_reaches_the_providers_active_users_only(
        mail_app, as_user, demo_factory, inbox, action, subject, words):
    return_id, version, service, figures, highlights = _waiting_safer_return(demo_factory)
    with as_user(ADMIN):
        _, done = handle_review(action, return_id, COMMENT, version)
    assert done
    assert sorted(m["To"] for m in inbox.messages) == sorted([OWNER, DEPUTY])
    message = inbox.to(OWNER)[0]
    assert message["Subject"] == f"{subject}: {service}, Q2 2026/27"
    text = inbox.text(message)
    assert words in text
    with unit_of_work(demo_factory) as s:
        ret = s.get(Return, return_id)
        link = f"{PUBLIC}/returns/edit?service={ret.service_id}&period={ret.period_id}"
    assert f"Open the return:\n{link}" in text
    everything = _all_text(inbox)
    assert COMMENT not in everything and highlights not in everything
    assert figures and not any(f in everything.split() for f in figures)
    # Only its own service: no other provider's name or service.
    for provider, services in DEMO_PROVIDERS.items():
        if provider != SAFER:
            assert provider not in everything
            assert not any(name in everything for name in services)


def test_a_failing_mail_server_leaves_the_approval_saved_and_the_message_failed(
        mail_app, as_user, demo_factory, inbox):
    inbox.failing = True
    return_id, version, service, *_ = _waiting_safer_return(demo_factory)
    with as_user(ADMIN):
        message, done = handle_review("approve", return_id, "", version)
    assert done and f"Approved: {service}, Q2 2026/27" in str(message)
    with unit_of_work(demo_factory) as s:
        assert s.get(Return, return_id).status == "approved"
        failed = s.scalars(select(MailMessage).order_by(MailMessage.id)).all()
        assert [(m.to_address, m.status, m.attempts) for m in failed] == [
            (DEPUTY, "failed", 3), (OWNER, "failed", 3)]
        assert all("451" in m.error for m in failed)
    assert inbox.messages == []


def test_a_refused_decision_sends_nothing(mail_app, as_user, demo_factory, inbox):
    return_id, version, *_ = _waiting_safer_return(demo_factory)
    with as_user(OWNER):
        _, done = handle_review("approve", return_id, "", version)
    assert not done and inbox.messages == [] and _records(demo_factory) == []


def _closed_period(factory) -> tuple[int, dict[str, list[str]]]:
    """Q4 2020/21, closed in the demo data (more than a year past due), and which services
    report in it, by provider: all but the place-based approach, whose contract starts in
    Q1 2021/22."""
    with unit_of_work(factory) as s:
        period = s.scalars(select(Period).filter_by(year=2020, quarter=4)).one()
        assert period.status == "closed"
    expected = {p: [n for n in names if n != "Place-based approach (Highfields, Doxey)"]
                for p, names in DEMO_PROVIDERS.items()}
    return period.id, expected


def test_opening_a_period_tells_each_providers_users_of_their_own_services_only(
        mail_app, as_user, demo_factory, inbox):
    period_id, by_provider = _closed_period(demo_factory)
    with unit_of_work(demo_factory) as s:
        period = s.get(Period, period_id)
        due = period.due_date
        users = {u.email: u.provider.name for u in s.scalars(
            select(User).where(User.role == "provider", User.active.is_(True)))}
    with as_user(ADMIN):
        out = period_action("save", str(period_id), "open", due.strftime("%d/%m/%Y"), None, False)
    assert "Period saved." in str(out[0])
    # Every active provider user, once; the inactive one and the officers get nothing.
    assert sorted(m["To"] for m in inbox.messages) == sorted(users)
    for message in inbox.messages:
        provider = users[message["To"]]
        text = inbox.text(message)
        assert message["Subject"] == "Q4 2020/21 is open for returns"
        assert all(name in text for name in by_provider[provider])
        for other, services in by_provider.items():
            if other != provider:
                assert other not in text and not any(name in text for name in services)
        assert "Place-based approach" not in text
        assert "The returns are due by 20 April 2021." in text
        assert f"Open your returns:\n{PUBLIC}/returns" in text
    # Saving it again (still open) is no news: nothing more is sent.
    with as_user(ADMIN):
        period_action("save", str(period_id), "open", due.strftime("%d/%m/%Y"), None, False)
    assert len(inbox.messages) == len(users)


def test_creating_a_year_and_closing_a_period_send_nothing(mail_app, as_user, demo_factory, inbox):
    with as_user(ADMIN):
        assert "are ready" in str(period_action("create", None, None, None, "2030/31")[0])
    with unit_of_work(demo_factory) as s:
        period = s.scalars(select(Period).where(Period.status == "open")).first()
    with as_user(ADMIN):
        period_action("save", str(period.id), "closed", period.due_date.strftime("%d/%m/%Y"), None, False)
    assert inbox.messages == [] and _records(demo_factory) == []
