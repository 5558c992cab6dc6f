"""Mail out of the request (issue 20): a request records its messages as queued and a
background sender (a thread of the process, or a Celery worker) claims each atomically and
delivers it. No answer waits for the mail server; no message goes twice, whoever races for
it; a message a dead process left queued is delivered later, and one it left half-sent is
recorded as failed, never sent again; what a message says is erased once it is settled."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from sqlalchemy import select, update

from dash_app import cli, mail_sender
from models.store.entities import MailMessage
from notifications import mail
from notifications.mail import Email, deliver_queued, queue, queue_all, release_stale
from tests.helpers.config import settings_for

HELLO = Email(to="someone@example.org", subject="A return was approved",
              paragraphs=["Your return for Q2 2026/27 was approved."], event="return-approved",
              link=("Open the return", "http://app.example/returns/edit?token-like=secret"))


def _statuses(factory) -> list[tuple[str, str | None]]:
    with factory() as s:
        return [(m.status, m.payload) for m in s.scalars(select(MailMessage).order_by(MailMessage.id))]


def test_queued_with_what_it_says_then_delivered_and_erased(factory, db_url, inbox):
    with factory() as s, s.begin():
        [record_id] = queue(s, [HELLO])
    [(status, payload)] = _statuses(factory)
    assert status == "queued" and "token-like=secret" in payload
    [record] = deliver_queued(factory, settings_for(db_url, smtp_url=inbox.url))
    assert record.id == record_id and record.status == "sent"
    assert _statuses(factory) == [("sent", None)]  # the link's text is not kept
    [message] = inbox.messages
    assert message["Subject"] == HELLO.subject and "token-like=secret" in inbox.text(message)


def test_a_message_rolled_back_with_its_action_is_never_sent(factory, db_url, inbox):
    """Queued in the action's own transaction: if the action fails, so does the message."""
    with pytest.raises(RuntimeError), factory() as s, s.begin():
        queue(s, [HELLO])
        raise RuntimeError("the action failed")
    assert deliver_queued(factory, settings_for(db_url, smtp_url=inbox.url)) == []
    assert _statuses(factory) == [] and inbox.messages == []


def test_racing_senders_deliver_each_message_once(factory, db_url, inbox):
    """Four senders (threads here; processes or workers in production) handed the same ten
    messages at once: each message goes exactly once, because each is claimed with an
    UPDATE … WHERE status = 'queued' before it is sent."""
    emails = [dataclasses.replace(HELLO, to=f"person{i}@example.org") for i in range(10)]
    ids = queue_all(factory, emails)
    settings = settings_for(db_url, smtp_url=inbox.url)
    start = threading.Barrier(4)
    settled: list[list[MailMessage]] = []

    def sender() -> None:
        start.wait()
        settled.append(deliver_queued(factory, settings, ids))

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(len(batch) for batch in settled) == 10
    assert sorted(m["To"] for m in inbox.messages) == sorted(e.to for e in emails)
    assert {status for status, _ in _statuses(factory)} == {"sent"}


def test_left_queued_by_a_dead_process_is_delivered_later_and_half_sent_never_again(
        factory, db_url, inbox, capsys, monkeypatch):
    """A process died after queuing one message (never claimed) and while sending another
    (claimed 20 minutes ago, never settled). `send-mail` delivers the first; the second may
    or may not have arrived, so it is recorded as failed in words and not sent again."""
    _left, half_sent = queue_all(factory, [dataclasses.replace(HELLO, to="left@example.org"),
                                          dataclasses.replace(HELLO, to="half@example.org")])
    with factory() as s, s.begin():
        s.execute(update(MailMessage).where(MailMessage.id == half_sent).values(
            status="sending", claimed_at=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=20)))
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SMTP_URL", inbox.url)
    assert cli.main(["send-mail"]) == 0
    assert capsys.readouterr().out.strip() == (
        "Mail: 1 queued message delivered, 0 failed; 1 left half-sent by a stopped process recorded as failed.")
    assert [m["To"] for m in inbox.messages] == ["left@example.org"]
    with factory() as s:
        record = s.get(MailMessage, half_sent)
        assert (record.status, record.payload) == ("failed", None)
        assert record.error == "The sender stopped while delivering it: it may not have arrived."
    assert release_stale(factory) == 0 and deliver_queued(factory, settings_for(db_url, smtp_url=inbox.url)) == []
    assert len(inbox.messages) == 1


def test_a_message_being_sent_now_is_not_taken_for_a_dead_ones(factory, db_url):
    [record_id] = queue_all(factory, [HELLO])
    with factory() as s, s.begin():
        s.execute(update(MailMessage).where(MailMessage.id == record_id).values(
            status="sending", claimed_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)))
    assert release_stale(factory) == 0
    assert _statuses(factory)[0][0] == "sending"


def test_the_sweep_takes_only_messages_left_behind(factory, db_url, inbox):
    """The background thread's sweep after each batch: a message queued a minute ago was
    left behind (its process died, or the queue was full); one queued just now belongs to a
    live request whose own sender is about to send it."""
    old, new = queue_all(factory, [dataclasses.replace(HELLO, to="old@example.org"),
                                   dataclasses.replace(HELLO, to="new@example.org")])
    with factory() as s, s.begin():
        s.execute(update(MailMessage).where(MailMessage.id == old).values(
            created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=2)))
    assert mail.sweep(factory, settings_for(db_url, smtp_url=inbox.url)) == 1
    assert [m["To"] for m in inbox.messages] == ["old@example.org"]
    with factory() as s:
        assert s.get(MailMessage, new).status == "queued"


def test_the_answer_never_waits_for_the_mail_server(demo_app, demo_factory, db_url, inbox, monkeypatch):
    """An action's emails through callbacks.common.send_mail, with a mail server that does
    not answer until the test lets it: send_mail returns while the message is still on its
    way (the request is answered), and the background thread then delivers it."""
    from callbacks.common import send_mail
    from tests.helpers.web import requests_as

    app_settings = demo_app.server.config["MONITOR_SETTINGS"]
    demo_app.server.config["MONITOR_SETTINGS"] = dataclasses.replace(app_settings, smtp_url=inbox.url)
    release, real = threading.Event(), mail._deliver

    def slow_server(config, message, to):
        assert release.wait(30), "the test never let the server answer"
        real(config, message, to)

    monkeypatch.setattr(mail, "_deliver", slow_server)
    as_user = requests_as(demo_app, demo_factory)
    try:
        with demo_app.server.test_request_context("/_dash-update-component", method="POST"):
            [record_id] = send_mail([HELLO])  # returned: the answer can go
            with demo_factory() as s:
                assert s.get(MailMessage, record_id).status in ("queued", "sending")
            assert inbox.messages == []
    finally:
        release.set()
    with as_user(None):  # ends with the sender flushed
        pass
    with demo_factory() as s:
        assert s.get(MailMessage, record_id).status == "sent"
    assert len(inbox.messages) == 1


def test_the_sender_thread_survives_a_failing_batch(factory, db_url, inbox, monkeypatch):
    settings = settings_for(db_url, smtp_url=inbox.url)
    calls: list[list[int]] = []
    real = mail_sender.deliver_queued

    def first_one_breaks(factory_, settings_, ids):
        calls.append(list(ids))
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real(factory_, settings_, ids)

    monkeypatch.setattr(mail_sender, "deliver_queued", first_one_breaks)
    first, second = queue_all(factory, [dataclasses.replace(HELLO, to="a@example.org"),
                                        dataclasses.replace(HELLO, to="b@example.org")])
    mail_sender.dispatch(factory, settings, [first])
    mail_sender.dispatch(factory, settings, [second])
    assert mail_sender.flush()
    assert calls[:2] == [[first], [second]]
    assert [m["To"] for m in inbox.messages] == ["b@example.org"]  # the first waits for a sweep


def test_with_celery_the_message_is_handed_to_a_worker(factory, db_url, monkeypatch):
    """CELERY_BROKER_URL set: the ids go to the Celery task by name; nothing is sent here."""
    from dash_app import celery_app

    handed: list[tuple[str, list]] = []

    class FakeCelery:
        def send_task(self, name, args, ignore_result=False):
            handed.append((name, args, ignore_result))

    monkeypatch.setattr(celery_app, "celery_for", lambda _settings: FakeCelery())
    ids = queue_all(factory, [HELLO])
    mail_sender.dispatch(factory, settings_for(db_url, celery_broker_url="redis://127.0.0.1:1/0"), ids)
    # No result asked for: Celery would otherwise wait on the result store first (with the
    # broker down, 20 s of retries inside the request that sent the mail).
    assert handed == [(celery_app.DELIVER_MAIL, [ids], True)]
    assert _statuses(factory)[0][0] == "queued"


def test_with_the_broker_down_the_process_sends_it_itself(factory, db_url, inbox):
    """A broker that cannot be reached (nothing listens on its port) must not lose mail:
    the process's own thread delivers it."""
    from tests.helpers.servers import free_port

    settings = settings_for(db_url, smtp_url=inbox.url,
                            celery_broker_url=f"redis://127.0.0.1:{free_port()}/0")
    ids = queue_all(factory, [HELLO])
    mail_sender.dispatch(factory, settings, ids)
    assert mail_sender.flush()
    assert [m["To"] for m in inbox.messages] == [HELLO.to]


def test_the_celery_task_body_delivers_what_it_is_given(factory, db_url, inbox):
    from dash_app.celery_app import deliver_mail

    ids = queue_all(factory, [HELLO])
    assert deliver_mail(factory, settings_for(db_url, smtp_url=inbox.url), ids) == 1
    assert deliver_mail(factory, settings_for(db_url, smtp_url=inbox.url), ids) == 0  # a retry: nothing twice
    assert len(inbox.messages) == 1
