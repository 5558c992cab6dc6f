"""Mail delivery (issue 18) against a real SMTP server on loopback (aiosmtpd): the message
says the same in text and HTML, is recorded, goes to the outbox folder without SMTP, and a
failing server is retried, then recorded as failed without raising."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from dash_app.settings import ConfigError, load_settings
from models.store.entities import MailMessage
from notifications.mail import Email, MailConfigError, send, send_all, smtp_config
from tests.helpers.config import settings_for

HELLO = Email(to="someone@example.org", subject="A return was submitted",
              paragraphs=["Safer Futures submitted its return for Q2 2026/27."],
              event="return-submitted", link=("Open the return", "http://app.example/returns/edit?x=1"))


def test_smtp_urls_are_read_and_bad_ones_refused_in_plain_words():
    config = smtp_config("smtp://ann%40x.org:p%3Ass@mail.example.org:587?starttls=1")
    assert (config.host, config.port, config.username, config.password) == (
        "mail.example.org", 587, "ann@x.org", "p:ss")
    assert config.starttls and not config.implicit_tls
    secure = smtp_config("smtps://u:p@mail.example.org")
    assert secure.port == 465 and secure.implicit_tls and not secure.starttls
    assert "p:ss" not in repr(config)  # the password never reaches a log line
    for bad in ("http://mail.example.org", "smtp://", "smtp://host:port"):
        with pytest.raises(MailConfigError):
            smtp_config(bad)
    with pytest.raises(ConfigError, match="SMTP_URL must start with smtp://"):
        load_settings({"SMTP_URL": "mail.example.org"})
    settings = load_settings({"SMTP_URL": "smtp://mail.example.org:25", "MAIL_FROM": "CWP <cwp@x.org>",
                              "PUBLIC_URL": "https://cwp.example.org/"})
    assert settings.mail_from == "CWP <cwp@x.org>" and settings.public_url == "https://cwp.example.org"


def test_a_message_reaches_the_server_in_text_and_html_and_is_recorded(session, db_url, inbox):
    settings = settings_for(db_url, smtp_url=inbox.url, mail_from="CWP <cwp@example.org>")
    record = send(session, settings, HELLO)
    assert (record.status, record.attempts, record.error) == ("sent", 1, "")
    [message] = inbox.to("someone@example.org")
    assert message["Subject"] == "A return was submitted"
    assert message["From"] == "CWP <cwp@example.org>"
    assert message["Auto-Submitted"] == "auto-generated"
    text, html = inbox.text(message), inbox.html(message)
    assert "Safer Futures submitted its return for Q2 2026/27." in text
    assert "Open the return:\nhttp://app.example/returns/edit?x=1" in text
    assert '<a href="http://app.example/returns/edit?x=1">Open the return</a>' in html
    stored = session.scalars(select(MailMessage)).one()
    assert (stored.to_address, stored.event, stored.status) == ("someone@example.org", "return-submitted", "sent")


def test_without_smtp_the_message_is_written_to_the_outbox(session, db_url, tmp_path):
    settings = settings_for(db_url, outbox_dir=tmp_path / "outbox")
    record = send(session, settings, HELLO)
    assert record.status == "outbox"
    [written] = (tmp_path / "outbox").iterdir()
    assert written.name == record.outbox_file and written.suffix == ".eml"
    assert b"Subject: A return was submitted" in written.read_bytes()


def test_a_failing_server_is_retried_then_the_message_is_recorded_failed(session, db_url, inbox):
    inbox.failing = True
    waited: list[float] = []
    record = send(session, settings_for(db_url, smtp_url=inbox.url), HELLO, waits=(1.0, 3.0),
                  sleep=waited.append)
    assert (record.status, record.attempts) == ("failed", 3)
    assert waited == [1.0, 3.0]
    assert "451" in record.error and inbox.messages == []


def test_an_unreachable_server_never_raises_and_send_all_commits_the_record(factory, db_url):
    from tests.helpers.servers import free_port

    settings = settings_for(db_url, smtp_url=f"smtp://127.0.0.1:{free_port()}")
    [record] = send_all(factory, settings, [HELLO], waits=(), sleep=lambda _s: None)
    assert record.status == "failed" and "could not be reached" in record.error
    with factory() as s:
        assert s.scalars(select(MailMessage.status)).all() == ["failed"]


def test_send_all_survives_a_database_that_cannot_record(db_url, inbox):
    """Recording fails (no such database): logged, not raised, so the caller's action stands."""
    from sqlalchemy.orm import sessionmaker

    from models.store.db import make_engine

    broken = sessionmaker(make_engine("sqlite:////nonexistent-folder/x.db"))
    settings = dataclasses.replace(settings_for(db_url), smtp_url=inbox.url)
    assert send_all(broken, settings, [HELLO]) == []


def test_no_transaction_is_open_while_the_mail_server_answers(factory, db_url, inbox, monkeypatch):
    """A slow mail server must not hold the database: on SQLite an open write transaction
    would stop every other user's sign-in and saves for as long as it takes (30 s and more
    with a silent server). While the message is being delivered, another session writes
    and commits at once; the message was recorded before, as being sent."""
    from models.store.settings import set_setting
    from notifications import mail

    real = mail._deliver
    seen: list[str] = []

    def deliver_while_someone_else_writes(config, message, to):
        with factory() as other, other.begin():
            seen.append(other.scalars(select(MailMessage.status)).one())
            set_setting(other, "written-meanwhile", "yes")  # needs the write lock
        real(config, message, to)

    monkeypatch.setattr(mail, "_deliver", deliver_while_someone_else_writes)
    [record] = send_all(factory, settings_for(db_url, smtp_url=inbox.url), [HELLO])
    assert seen == ["sending"] and record.status == "sent"
    assert len(inbox.messages) == 1


@pytest.mark.parametrize("address", ["x<attacker@evil.example>", "a@b.c,bcc.example",
                                     'ok"@x.example', "two words@x.example", "a@b.c\r\nBcc: e@f.g",
                                     "nodot@localhost", ""])
def test_only_a_single_plain_address_is_sent_to(factory, db_url, inbox, address):
    """An address that would let the mail library read other recipients out of the To:
    header (issue 18's attack review) is refused before the server is contacted, and the
    refusal is recorded; the admin's forms refuse it too."""
    from models.rules.addresses import is_email_address
    from models.store.users import UserError, create_user

    assert not is_email_address(address)
    [record] = send_all(factory, settings_for(db_url, smtp_url=inbox.url),
                        [dataclasses.replace(HELLO, to=address)])
    assert record.status == "failed" and "not a single, plain email address" in record.error
    assert inbox.messages == []
    with factory() as s, pytest.raises(UserError):
        create_user(s, address, "long-enough-password", "viewer")


def test_plain_addresses_are_accepted():
    from models.rules.addresses import is_email_address

    for ok in ("ann@example.org", "ann.o'neil+cwp@mail.stafford.gov.uk", "safer-futures-support@demo.local"):
        assert is_email_address(ok), ok


def test_outbox_files_are_private_and_tokens_are_hidden_from_the_reader(session, db_url, tmp_path):
    from notifications.outbox import read_text

    settings = settings_for(db_url, outbox_dir=tmp_path / "outbox")
    reset = dataclasses.replace(HELLO, link=("Choose a new password",
                                             "http://app.example/reset-password?token=SECRET-TOKEN_x1"))
    record = send(session, settings, reset)
    path = tmp_path / "outbox" / record.outbox_file
    assert path.stat().st_mode & 0o777 == 0o600
    shown = read_text(tmp_path / "outbox", record.outbox_file)
    assert "SECRET-TOKEN" not in shown
    assert "reset-password?token=[hidden: the link works only for its owner]" in shown
