"""Delivering the app's mail in the background, so no request waits for a mail server
(issue 20: up to ~4 s a message with retries on a refusing server, and an approval may tell
several lead officers).

A request records its messages as queued (notifications.mail.queue, committed with or right
after its action) and hands their ids to `dispatch`:
- with CELERY_BROKER_URL set, to a Celery worker (task `monitor.deliver_mail`,
  dash_app.celery_app), so any machine's worker delivers them;
- otherwise (or if the broker cannot be reached) to one daemon thread of this process,
  with a bounded queue: ids that do not fit stay queued in the database for the next sweep.

Either way the sender claims each message atomically in the database before sending it
(notifications.mail.deliver_queued), so a message is never sent twice, and holds no
transaction while the mail server answers. After each batch the thread also sweeps up
messages that a process which died left queued (notifications.mail.sweep), and records as
failed those it left half-sent. The thread is per process on purpose: it keeps nothing that
other processes need to agree on — the database holds every message's state.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dash_app.settings import Settings
from models.store.entities import MailMessage
from notifications.mail import deliver_queued, sweep

log = logging.getLogger(__name__)

MAX_WAITING = 1000  # batches the thread holds; more stay queued in the database
UNSETTLED = ("queued", "sending")

_Job = tuple[sessionmaker[Session], Settings, list[int]]
_lock = threading.Lock()
_jobs: queue.Queue[_Job] = queue.Queue(maxsize=MAX_WAITING)
_thread: threading.Thread | None = None
_pid = 0


def dispatch(factory: sessionmaker[Session], settings: Settings, ids: Iterable[int]) -> None:
    """Have these queued messages delivered in the background; returns at once."""
    ids = list(ids)
    if not ids:
        return
    if settings.celery_broker_url:
        try:
            from dash_app.celery_app import DELIVER_MAIL, celery_for

            # No result wanted: without ignore_result Celery first subscribes to the result
            # store, and with the broker down retried that for 20 s inside the request.
            celery_for(settings).send_task(DELIVER_MAIL, args=[ids], ignore_result=True)
            return
        except Exception:  # the broker is down: this process delivers them instead
            log.exception("Mail could not be handed to Celery; sending it from this process")
    _submit((factory, settings, ids))


def _submit(job: _Job) -> None:
    global _thread, _pid
    with _lock:
        if _thread is None or not _thread.is_alive() or _pid != os.getpid():
            # A forked gunicorn worker inherits no running thread: start its own.
            _pid = os.getpid()
            _thread = threading.Thread(target=_run, args=(_jobs,), name="mail-sender", daemon=True)
            _thread.start()
    try:
        _jobs.put_nowait(job)
    except queue.Full:
        log.warning("The mail sender is %d batches behind: %d messages wait in the database "
                    "for the next sweep", MAX_WAITING, len(job[2]))


def _run(jobs: queue.Queue[_Job]) -> None:
    while True:
        factory, settings, ids = jobs.get()
        try:
            deliver_queued(factory, settings, ids)
            sweep(factory, settings)
        except Exception:  # never let one batch stop the sender
            log.exception("The mail sender failed on a batch")
        finally:
            jobs.task_done()


def start_afresh() -> None:
    """Forget this process's sender and its queue: the next dispatch starts new ones, and the
    old thread finishes what it holds on its own. For tests: each has databases and mail
    servers of its own, and a batch one test left behind (to a mail server it held silent)
    must not hold up the next test's flush."""
    global _jobs, _thread
    with _lock:
        _jobs = queue.Queue(maxsize=MAX_WAITING)
        _thread = None


def flush(timeout: float = 30.0) -> bool:
    """Wait until this process's sender has finished every batch handed to it (tests, and a
    process about to exit). True when it has; False on timeout."""
    deadline = time.monotonic() + timeout
    with _jobs.all_tasks_done:
        while _jobs.unfinished_tasks:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not _jobs.all_tasks_done.wait(remaining):
                return not _jobs.unfinished_tasks
    return True


def wait_settled(factory: sessionmaker[Session], ids: Iterable[int],
                 timeout: float) -> dict[int, MailMessage]:
    """The records of these messages once every one is settled, or as they stand after
    `timeout` seconds (a screen that reports whether its one email went waits briefly, and
    otherwise says it is on its way). Reads the database, so it works whoever sends."""
    ids = list(ids)
    deadline = time.monotonic() + timeout
    while True:
        with factory() as session:
            records = {r.id: r for r in session.scalars(select(MailMessage).where(MailMessage.id.in_(ids)))}
            for record in records.values():
                session.expunge(record)
        if all(r.status not in UNSETTLED for r in records.values()) or time.monotonic() >= deadline:
            return records
        time.sleep(0.05)


__all__ = ["dispatch", "flush", "start_afresh", "wait_settled"]
