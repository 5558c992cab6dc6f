"""Exports kept as files: a CSV or XLSX built once is served again, from disk, to everyone
who may see exactly the same thing, until a figure changes (issue 20: a national year's CSV
takes about 10 CPU-seconds to build and its workbook about 30; a kept file takes a
fraction of a second to send).

A file's name is a hash of everything its content depends on (`StoredKey`):
- the database's data version (models/store/data_version.py: bumped, in the same
  transaction, by every approval, import, target, setting or catalogue change) — read
  *before* the figures, in the same transaction, so a file is never filed under a version
  older than the figures it holds;
- the code that makes it (models/ and exports/ sources, XlsxWriter's version);
- the format, year, quarter (or whole year), open or published, provisional or not, and
  "today" (which quarters are due);
- the reader's scope: the provider they are confined to (none for the lead officer and CWP
  members) and the exact set of services they may see, by id.
Never who the reader is: a file holds nothing of them. The CSV never did; the workbook's
Notes say when it was made and whose services it covers, not who asked (a workbook made for
one user and given to another who may see the same would otherwise name the wrong person).

Files live in a folder (`FileStore`), one sub-folder per data version, written to a
temporary file and renamed into place, so a reader never sees half of one and several
processes on one machine share them. Older data versions' folders are removed when a newer
version's file is kept; past the size bound the least recently sent files go first.

exports/ never imports Flask or reads settings: the web app hands in the store."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from functools import cache as memoise
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import ModuleType
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

import exports
import models
from exports.folders import trim_oldest
from models.access import Actor, provider_scope, visible_services
from models.store.data_version import current_version, has_pending_change
from models.store.entities import Service

FORMATS = ("csv", "xlsx")  # the PDF is not kept: its charts are (exports/chart_cache.py)
STORE_BYTES = 1024 * 2**20
LOCK_STALE_S = 30 * 60  # a preparation lock left by a process that died is ignored after this
START_S = 60  # at most one preparing process started per data version this often (requests)
log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class ExportChoice:
    """What was asked for, besides who asked."""

    fmt: str
    year: int
    quarter: int | None
    include_submitted: bool = False
    publish: bool = False


@dataclasses.dataclass(frozen=True)
class StoredKey:
    """Where a file with exactly this content is kept: `folder` is the data version's
    (token-number), `digest` a SHA-256 of everything else the content depends on."""

    folder: str
    digest: str
    fmt: str


def source_fingerprint(*packages: ModuleType, extra: str = "") -> str:
    """A hash of these packages' Python source (and `extra`): what keys a value their code
    computes, so new code never reads a value the old code kept."""
    digest = hashlib.sha256()
    for package in packages:
        root = Path(package.__file__).parent
        for path in sorted(root.rglob("*.py")):
            digest.update(f"{package.__name__}/{path.relative_to(root)}".encode() + b"\0")
            digest.update(path.read_bytes())
    digest.update(extra.encode())
    return digest.hexdigest()


@memoise
def code_fingerprint() -> str:
    """A hash of the code that decides an export's bytes: models/ and exports/, and the
    version of XlsxWriter that writes the workbook."""
    try:
        writer = f"xlsxwriter {version('xlsxwriter')}"
    except PackageNotFoundError:
        writer = "xlsxwriter ?"
    return source_fingerprint(models, exports, extra=writer)


def scope_of(session: Session, actor: Actor) -> dict[str, object]:
    """The actor's scope as the content sees it: the provider it is confined to (None: every
    provider) and a hash of the ids of every service it may see. Refused (AccessRefused) for
    an account that may see nothing, before anything is looked up."""
    provider = provider_scope(actor)
    ids = session.scalars(select(Service.id).where(visible_services(actor)).order_by(Service.id)).all()
    return {"provider": provider,
            "services": hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()}


def stored_key(session: Session, actor: Actor, choice: ExportChoice, today: dt.date
               ) -> StoredKey | None:
    """The file's key, reading the data version first (call it before the figures, in the
    same transaction). None where nothing may be kept: no version row, or a transaction
    holding a change it may yet roll back."""
    if choice.fmt not in FORMATS:
        raise ValueError(f"Only {', '.join(FORMATS)} files are kept, not {choice.fmt}.")
    found = current_version(session)
    if found is None or has_pending_change(session):
        return None
    parts = {"code": code_fingerprint(), "choice": dataclasses.asdict(choice),
             "today": today.isoformat(), "scope": scope_of(session, actor)}
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return StoredKey(version_folder(found), digest, choice.fmt)


def version_folder(found: tuple[str, int]) -> str:
    """The folder of a data version's files: '<database token>-<version>'."""
    token, number = found
    return f"{re.sub(r'[^A-Za-z0-9_]', '_', token)[:40] or '_'}-{number}"


def made_at(path: Path) -> dt.datetime:
    """When a kept file was made (its name carries it): what its workbook's Notes say."""
    return dt.datetime.fromtimestamp(int(path.name.split(".")[1]))


class FileStore:
    """Kept exports in `folder`: `<data version>/<digest>.<made, epoch seconds>.<fmt>`.
    Safe for several processes on one machine (each write a temporary file renamed into
    place; a file being sent stays readable if another process removes it)."""

    def __init__(self, folder: Path, max_bytes: int = STORE_BYTES) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes

    def find(self, key: StoredKey) -> Path | None:
        """The kept file for `key`, if any (the newest, should two processes have made it)."""
        found = sorted(self.folder.joinpath(key.folder).glob(f"{key.digest}.*.{key.fmt}"))
        return found[-1] if found else None

    def open(self, key: StoredKey) -> tuple[BinaryIO, Path] | None:
        """The kept file, opened (so it can be sent whole even if it is removed meanwhile),
        and touched, so the size bound removes the least recently sent first."""
        path = self.find(key)
        if path is None:
            return None
        try:
            handle = path.open("rb")
        except FileNotFoundError:  # removed between finding and opening
            return None
        try:
            os.utime(path)
        except OSError:
            pass
        return handle, path

    def writer(self, key: StoredKey, made: dt.datetime) -> StoredWriter:
        return StoredWriter(self, key, made)

    def put(self, key: StoredKey, made: dt.datetime, body: bytes) -> Path:
        with self.writer(key, made) as out:
            out.write(body)
        return out.path

    def _kept(self, key: StoredKey, temporary: Path, made: dt.datetime) -> Path:
        path = self.folder / key.folder / f"{key.digest}.{int(made.timestamp())}.{key.fmt}"
        os.replace(temporary, path)
        self._forget_older(key.folder)
        self.trim()
        return path

    def _forget_older(self, folder: str) -> None:
        """Remove the folders of this database's older data versions: never served again."""
        token, _, number = folder.rpartition("-")
        for other in self.folder.glob(f"{token}-*"):
            older = other.name.rpartition("-")
            if older[0] == token and older[2].isdigit() and int(older[2]) < int(number):
                shutil.rmtree(other, ignore_errors=True)

    def trim(self) -> None:
        """Past `max_bytes`, remove the least recently sent files until under three quarters
        of it (a file being sent meanwhile is still sent whole)."""
        trim_oldest(self.folder.glob("*/*.*.*"), self.max_bytes)

    # One preparation per data version on this machine ----------------------------------
    def claim(self, folder: str, name: str = ".preparing", stale_s: float = LOCK_STALE_S) -> bool:
        """Take the right to prepare this data version's files (False: another process has
        it, unless it has held it longer than `stale_s`, as a process that died would).
        `name`: another right kept the same way (`claim_start`)."""
        lock = self.folder / folder / name
        lock.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            except FileExistsError:
                try:
                    if time.time() - lock.stat().st_mtime < stale_s:
                        return False
                    lock.unlink()
                except FileNotFoundError:
                    pass
                continue
            os.write(handle, str(os.getpid()).encode())
            os.close(handle)
            return True
        return False

    def claim_start(self, folder: str) -> bool:
        """Take the right to start a preparing process for this data version (False: one was
        started in the last START_S seconds). The process takes `claim`'s lock only once it
        is running: without this, links asked for at once each started one."""
        return self.claim(folder, ".starting", START_S)

    def release(self, folder: str) -> None:
        (self.folder / folder / ".preparing").unlink(missing_ok=True)

    def preparing(self, folder: str) -> bool:
        lock = self.folder / folder / ".preparing"
        try:
            return time.time() - lock.stat().st_mtime < LOCK_STALE_S
        except FileNotFoundError:
            return False


class StoredWriter:
    """A file being written for the store: kept (renamed into place) only when closed after
    everything was written; `abandon` (or an exception) throws it away."""

    def __init__(self, store: FileStore, key: StoredKey, made: dt.datetime) -> None:
        self.store, self.key, self.made = store, key, made
        self.path: Path | None = None
        folder = store.folder / key.folder
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")
        self._temporary = Path(name)
        self._out: BinaryIO | None = os.fdopen(handle, "wb")

    def write(self, piece: bytes) -> None:
        if self._out is None:
            return
        try:
            self._out.write(piece)
        except OSError as exc:  # a full disk: the download goes on, the file is not kept
            log.warning("An export could not be kept (%s).", exc)
            self.abandon()

    def keep(self) -> Path | None:
        if self._out is None:
            return self.path
        try:
            # On the disk before it is renamed into place: after a power cut a kept file is
            # whole or absent, never empty or cut short and then sent as if complete.
            self._out.flush()
            os.fsync(self._out.fileno())
            self._out.close()
            self._out = None
            self.path = self.store._kept(self.key, self._temporary, self.made)
        except OSError as exc:  # a full disk costs the next reader a build, never this one
            log.warning("An export could not be kept (%s).", exc)
            self._out = None
            self._temporary.unlink(missing_ok=True)
        return self.path

    def abandon(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
        self._temporary.unlink(missing_ok=True)

    def __enter__(self) -> StoredWriter:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is None:
            self.keep()
        else:
            self.abandon()


def kept_while_sent(pieces: Iterator[bytes], writer: StoredWriter | None) -> Iterator[bytes]:
    """`pieces` as they come, each also written to `writer`; the file is kept only if every
    piece was made and sent (a download stopped half-way keeps nothing)."""
    if writer is None:
        yield from pieces
        return
    try:
        for piece in pieces:
            writer.write(piece)
            yield piece
    except BaseException:  # GeneratorExit too: the download was stopped
        writer.abandon()
        raise
    writer.keep()
