"""Exports kept as files (exports/stored.py), for the web app: where they are kept, and the
whole partnership's prepared in the background after a change at national scale.

Where: EXPORT_CACHE_DIR (default instance/export-cache), at most EXPORT_CACHE_MB (1024),
shared by every process on the machine — gunicorn's workers, the download jobs, the
preparer. Several machines each keep their own folder: a file is found by a key that holds
the data version, which every machine reads from the one database, so a machine can lack a
file (and build it) but never serve a stale one. Not Redis: a national year's CSV is 27 MB
and its workbook 8 MB, eight files a version; sent from disk they stream without being held
in a worker's memory, and the view cache and rate limits in Redis stay small.

Prepared: above EXPORT_PREPARE_METRICS measures in the whole partnership (20,000: a national
body's 132,666, not a county's 4,342, whose files take about a second), each web process
watches the data version (one small query every POLL_S seconds). Once a new version has
stood still for SETTLE_S — a burst of approvals starts nothing until it is over — it starts
`python -m dash_app prepare-exports` in a process of its own (not a thread: 80-160 CPU-seconds
of work would hold the worker's interpreter and slow its requests), which builds the files the
lead officer and CWP members download by default (`PREPARED`) unless they are kept already,
stopping if the figures change meanwhile. A lock file in the version's folder lets one such
process per machine do it. Until a file is there, a download is built as before."""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.orm import Session, sessionmaker

from dash_app.settings import Settings
from exports.stored import ExportChoice, FileStore, stored_key, version_folder
from models.access import ADMIN, Actor, Audience, provider_scope
from models.reporting.overview import default_quarter, metrics_in_view
from models.store.data_version import current_version, has_pending_change

POLL_S = 10.0  # how often each web process reads the data version
SETTLE_S = 20.0  # a version unchanged this long is prepared (a burst of changes waits)
# The whole partnership, as the lead officer and CWP members see it (the two see the same
# files: the content depends on the scope, not the role).
EVERYONE = Audience(ADMIN, None)
log = logging.getLogger(__name__)


def export_store(settings: Settings | None = None) -> FileStore:
    settings = settings or current_app.config["MONITOR_SETTINGS"]
    return FileStore(settings.export_cache_dir, settings.export_cache_mb * 2**20)


def prepared_choices(session: Session, today: dt.date) -> list[ExportChoice]:
    """What is prepared after a change: the year of the quarter a meeting reviews (the
    Performance page's default) whole and that quarter, CSV and workbook, open and
    published — approved returns only, as the page opens."""
    default = default_quarter(session, today)
    return [ExportChoice(fmt, default.year, quarter, False, publish)
            for publish in (False, True) for quarter in (None, default.quarter)
            for fmt in ("csv", "xlsx")]


def big_enough(session: Session, settings: Settings) -> bool:
    threshold = settings.export_prepare_metrics
    return threshold > 0 and metrics_in_view(session, EVERYONE) > threshold


def missing(session: Session, settings: Settings, store: FileStore,
            only: list[ExportChoice] | None = None) -> list[ExportChoice]:
    today = settings.current_date()
    wanted = []
    for choice in only if only is not None else prepared_choices(session, today):
        key = stored_key(session, EVERYONE, choice, today)
        if key is not None and store.find(key) is None:
            wanted.append(choice)
    return wanted


def choice_text(choice: ExportChoice) -> str:
    """A choice as `prepare-exports --only` takes it: 'xlsx:2025:year:open:approved'."""
    return ":".join([choice.fmt, str(choice.year), f"Q{choice.quarter}" if choice.quarter else "year",
                     "published" if choice.publish else "open",
                     "provisional" if choice.include_submitted else "approved"])


def parse_choice(text: str) -> ExportChoice:
    """The reverse of `choice_text`; ValueError in words for anything else."""
    parts = text.split(":")
    if (len(parts) != 5 or parts[0] not in ("csv", "xlsx") or not parts[1].isdigit()
            or parts[2] not in ("year", "Q1", "Q2", "Q3", "Q4") or parts[3] not in ("open", "published")
            or parts[4] not in ("approved", "provisional")):
        raise ValueError(f"Not a file to prepare: {text!r} (for example xlsx:2025:year:open:approved).")
    return ExportChoice(parts[0], int(parts[1]), None if parts[2] == "year" else int(parts[2][1]),
                        include_submitted=parts[4] == "provisional", publish=parts[3] == "published")


def prepare_exports(sessions: sessionmaker[Session], settings: Settings, *, force: bool = False,
                    only: list[ExportChoice] | None = None,
                    say: Callable[[str], None] = lambda _: None) -> str:
    """Build the prepared files for the current data version that are not kept yet (the
    `prepare-exports` command, which the watcher starts). `force`: whatever the size.
    `only`: these files instead of the default ones (what a download link asked for)."""
    from exports.build import stored_export

    store = export_store(settings)
    with sessions() as session, session.begin():
        version = current_version(session)
        if version is None:
            return "Nothing prepared: the database has no data version."
        if not force and settings.export_prepare_metrics <= 0:
            return "Nothing prepared: EXPORT_PREPARE_METRICS is 0 (off); --force prepares anyway."
        if not force and not big_enough(session, settings):
            return (f"Nothing prepared: the partnership has no more than "
                    f"{settings.export_prepare_metrics:,} measures, and its files are quick to build.")
        wanted = missing(session, settings, store, only)
    if not wanted:
        return "Nothing to prepare: every file is kept already."
    folder = version_folder(version)
    if not store.claim(folder):
        return "Nothing prepared: another process is preparing this version's files."
    made = 0
    try:
        for choice in wanted:
            started = time.perf_counter()
            with sessions() as session, session.begin():
                if current_version(session) != version:
                    return f"Stopped after {made} files: the figures changed meanwhile."
                stored_export(session, EVERYONE, choice.fmt, choice.year, choice.quarter,
                              settings.current_date(), store,
                              include_submitted=choice.include_submitted, publish=choice.publish)
            made += 1
            say(f"{choice} in {time.perf_counter() - started:.1f} s")
    finally:
        store.release(folder)
    return f"Prepared {made} files for data version {folder}."


def build_in_background(session: Session, actor: Actor, choice: ExportChoice, settings: Settings,
                        store: FileStore) -> bool:
    """For a download link (the export route): True when this file is one for a national
    body's whole partnership, not kept, so it is being built in the background instead of in
    the request (started here unless this version's files are being prepared already); the
    caller then asks the reader to come back. False: build it in the request, as ever (a
    provider's own services, or a partnership whose files take seconds)."""
    if provider_scope(actor) is not None or not big_enough(session, settings):
        return False
    version = current_version(session)
    if version is None or has_pending_change(session):
        return False
    if not store.preparing(version_folder(version)):
        start_preparing(settings, [choice])
    return True


# The watcher ----------------------------------------------------------------------------------

@dataclass
class Watch:
    """One process's view of the data version: what it saw last, since when, and which
    version it has started preparing (never the same twice)."""

    seen: tuple[str, int] | None = None
    since: float = 0.0
    started: tuple[str, int] | None = None
    clock: Callable[[], float] = time.monotonic

    def step(self, sessions: sessionmaker[Session], settings: Settings,
             start: Callable[[Settings], object]) -> bool:
        """Look once; start the preparation (`start(settings)`) when a new version has stood
        still for SETTLE_S and has files to prepare. True if it was started."""
        now = self.clock()
        with sessions() as session, session.begin():
            version = current_version(session)
            if version is None:
                return False
            if version != self.seen:
                self.seen, self.since = version, now
                return False
            if version == self.started or now - self.since < SETTLE_S:
                return False
            self.started = version
            if not big_enough(session, settings):
                return False
            store = export_store(settings)
            if store.preparing(version_folder(version)) or not missing(session, settings, store):
                return False
        start(settings)
        return True


def start_preparing(settings: Settings, only: list[ExportChoice] | None = None) -> subprocess.Popen:
    """`python -m dash_app prepare-exports` beside this process, at a lower priority than the
    web workers, with this process's settings (`only`: these files, not the default ones)."""
    env = dict(os.environ, DATABASE_URL=settings.database_url,
               EXPORT_CACHE_DIR=str(settings.export_cache_dir),
               EXPORT_CACHE_MB=str(settings.export_cache_mb),
               EXPORT_PREPARE_METRICS=str(settings.export_prepare_metrics))
    if settings.today is not None:
        env["MONITOR_TODAY"] = settings.today.isoformat()
    root = Path(__file__).resolve().parent.parent
    wanted = [arg for choice in only or [] for arg in ("--only", choice_text(choice))]
    return subprocess.Popen([sys.executable, "-m", "dash_app", "prepare-exports", "--quietly", *wanted],
                            cwd=root, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, start_new_session=True)


_lock = threading.Lock()
_pid: int | None = None


def watch(server: Flask) -> None:
    """Start this process's watcher, once per process (a forked gunicorn worker starts its
    own), unless preparing is off (EXPORT_PREPARE_METRICS=0; the tests' settings) or this is
    a Flask test app."""
    global _pid
    settings: Settings = server.config["MONITOR_SETTINGS"]
    if settings.export_prepare_metrics <= 0 or server.testing:
        return
    with _lock:
        if _pid == os.getpid():
            return
        _pid = os.getpid()
    threading.Thread(target=_watching, args=(server,), name="export-watcher", daemon=True).start()


def _watching(server: Flask) -> None:
    from dash_app.database import sessions

    state = Watch()
    children: list[subprocess.Popen] = []
    while True:
        time.sleep(POLL_S)
        children[:] = [child for child in children if child.poll() is None]  # reap the finished
        try:
            with server.app_context():
                state.step(sessions(), server.config["MONITOR_SETTINGS"],
                           lambda settings: children.append(start_preparing(settings)))
        except Exception:  # a database that is away for a moment: look again later
            log.exception("Watching the data version for exports to prepare failed")


def init_app(server: Flask) -> None:
    """The watcher starts with the first request each process serves (gunicorn forks its
    workers after the app is made, and a thread does not survive a fork)."""
    server.before_request(lambda: watch(server))
