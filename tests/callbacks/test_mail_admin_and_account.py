"""Administration → Mail and Your account (issue 18, items 2 and 5), as every role: only the
lead officer reads the mail record and an outbox message (the file named by its record,
inside the outbox folder); each user changes only their own reminder emails choice."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from callbacks.account import save_reminders
from callbacks.admin.mail import show_outbox
from callbacks.router import draw_page
from models.store.db import unit_of_work
from models.store.entities import AuditEvent, MailMessage, User
from notifications.mail import Email, send_all
from notifications.outbox import OutboxError, read_text
from tests.helpers.config import TEST_OUTBOX, settings_for

NOT_ADMIN = ["viewer@demo.local", "safer-futures-support@demo.local", "brightpath-education@demo.local"]
EVERYONE = ["admin@demo.local", *NOT_ADMIN]


def _outbox_message(factory, db_url) -> int:
    """One message written to the test outbox (no SMTP), as the app writes it."""
    [record] = send_all(factory, settings_for(db_url), [Email(
        to="safer-futures-support@demo.local", subject="Return approved: Sanctuary scheme, Q2 2026/27",
        paragraphs=["The lead officer has approved your return for Sanctuary scheme, Q2 2026/27."],
        event="return-approved", link=("Open the return", "http://x/returns/edit?service=1&period=2"))])
    assert record.status == "outbox"
    return record.id


def _refusals(factory) -> int:
    with unit_of_work(factory) as s:
        return s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "refused"))


@pytest.mark.parametrize("who", [*EVERYONE, None])
def test_the_mail_page_and_an_outbox_message_are_for_the_lead_officer_only(
        signed_in, demo_factory, db_url, who):
    message_id = _outbox_message(demo_factory, db_url)
    before = _refusals(demo_factory)
    with signed_in(who):
        page = str(draw_page("/admin/mail", "").page)
        shown = str(show_outbox(1, str(message_id)))
    if who == "admin@demo.local":
        assert "Mail is not configured: messages are written to" in page and str(TEST_OUTBOX) in page
        assert "Return approved: Sanctuary scheme, Q2 2026/27" in page and "Written to the outbox" in page
        assert "scope" in page and "Caption" in page  # the accessible table
        assert "has approved your return for Sanctuary scheme" in shown
        # The plain-text part, not the HTML one.
        assert "Open the return:" in shown and "http://x/returns/edit?service=1&period=2" in shown
        assert "<p>" not in shown and "&amp;" not in shown
    else:
        assert "Return approved" not in page and "Return approved" not in shown
        assert "has approved" not in shown
        if who is None:
            assert "Sign in" in page
        else:
            assert "Only the lead officer" in page and "Only the lead officer" in shown
            assert _refusals(demo_factory) == before + 2  # the page and the message, each audited


def test_only_outbox_messages_can_be_read_and_only_inside_the_folder(signed_in, demo_factory, db_url,
                                                                    tmp_path):
    message_id = _outbox_message(demo_factory, db_url)
    with unit_of_work(demo_factory) as s:
        record = s.get(MailMessage, message_id)
        failed = MailMessage(to_address="a@b.c", event="x", subject="s", status="failed", attempts=3)
        s.add(failed)
        s.flush()
        failed_id, name = failed.id, record.outbox_file
    with signed_in("admin@demo.local"):
        assert "not in the outbox" in str(show_outbox(1, str(failed_id)))
        assert "not in the outbox" in str(show_outbox(1, "999999"))
        assert "Choose a message first" in str(show_outbox(1, None))
        assert "Choose a message first" in str(show_outbox(1, "../../etc/passwd"))
    # A record pointing outside the folder (written by hand) reads nothing.
    (tmp_path / "secret.eml").write_text("Subject: x\n\nsecret")
    for bad in ("../secret.eml", str(tmp_path / "secret.eml"), ".hidden.eml", "x/../../secret.eml",
                "secret.txt", ""):
        with pytest.raises(OutboxError):
            read_text(tmp_path / "outbox", bad)
    with unit_of_work(demo_factory) as s:
        s.get(MailMessage, message_id).outbox_file = "../" + name
    with signed_in("admin@demo.local"):
        assert "is not in the outbox folder" in str(show_outbox(1, str(message_id)))


def _choice(factory, email: str) -> bool:
    with unit_of_work(factory) as s:
        return s.scalars(select(User.reminder_emails).where(User.email == email)).one()


@pytest.mark.parametrize("who", EVERYONE)
def test_each_user_turns_off_their_own_reminders_only(signed_in, demo_factory, who):
    others = [e for e in EVERYONE if e != who]
    with signed_in(who):
        page = str(draw_page("/account", "").page)
        assert "Email me reminders about returns" in page and "always sent" in page
        assert "/set-password" in page
        off = str(save_reminders(1, False))
    assert "You will not get reminder emails" in off
    assert _choice(demo_factory, who) is False
    assert all(_choice(demo_factory, e) is True for e in others)
    with signed_in(who):
        assert "You will get reminder emails" in str(save_reminders(2, True))
    assert _choice(demo_factory, who) is True
    with unit_of_work(demo_factory) as s:
        audited = s.scalars(select(AuditEvent).where(AuditEvent.entity == "user")
                            .order_by(AuditEvent.id)).all()[-2:]
        assert [a.action for a in audited] == ["update", "update"]
        assert '"reminder_emails": false' in audited[0].after


def test_signed_out_or_a_crafted_value_saves_nothing(signed_in, demo_factory):
    with signed_in(None):
        assert "signed out" in str(save_reminders(1, False))
    with signed_in("viewer@demo.local"):
        assert "out of date" in str(save_reminders(1, "false"))
    assert all(_choice(demo_factory, e) is True for e in EVERYONE)
