"""Pictures of charts already drawn, kept so the next pack need not draw them again.

A chart's key is a hash of everything that decides its picture: the figure's JSON (its data,
words and look), the picture's size and scale, the versions of plotly and kaleido, and the
plotly.js bundle that draws it. The same key is always the same picture, whoever drew it and
wherever, so nothing is ever invalidated: a return saved or a change to a chart's code makes a different figure, hence a
different key, and the old picture is simply never asked for again (it ages out). That is also
why several app instances may share one store, or each keep its own, with no way to be served
another's stale picture.

The store is handed in by the caller (exports/ never imports Flask, nor reads settings):
`DirectoryStore` (files in a folder, bounded in size, safe for several processes on one
machine), `RedisStore` (any client with get/set, shared by every instance) or `MemoryStore`
(one process; tests). `ChartCache` wraps any of them and counts hits and misses.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Protocol

from exports.folders import trim_oldest

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
log = logging.getLogger(__name__)


class ChartStore(Protocol):
    """Where pictures are kept: bytes by key. A store may forget anything at any time."""

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, png: bytes) -> None: ...


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def _bundle() -> str:
    """Which plotly.js draws the pictures, by the hash of its file (exports.chart_drawing)."""
    from exports.chart_drawing import plotly_js

    path = plotly_js()
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path else "plotly.py's own"


DRAWN_BY = f"plotly {_version('plotly')}; kaleido {_version('kaleido')}; plotly.js {_bundle()}"


def chart_key(figure_json: str, width: int, height: int, scale: float) -> str:
    """The picture's name: a SHA-256 of what decides how it looks."""
    digest = hashlib.sha256()
    for part in (DRAWN_BY, f"{width}x{height}@{scale}", figure_json):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass
class ChartCache:
    """A store with counts (for tests and the benchmark). A picture that is not a PNG (a
    damaged file, a stranger's value under our key) counts as a miss and is drawn again."""

    store: ChartStore
    hits: int = 0
    misses: int = 0

    def get(self, key: str) -> bytes | None:
        try:
            png = self.store.get(key)
        except Exception as exc:  # a store that cannot answer costs a drawing, never the pack
            log.warning("Chart cache unreadable (%s); drawing instead.", exc)
            png = None
        if png is not None and png.startswith(PNG_SIGNATURE):
            self.hits += 1
            return png
        self.misses += 1
        return None

    def set(self, key: str, png: bytes) -> None:
        try:
            self.store.set(key, png)
        except Exception as exc:  # as in get: the pack goes on without keeping the picture
            log.warning("Chart cache unwritable (%s).", exc)

    def trim(self) -> None:
        """Let a bounded store drop its oldest pictures (once a pack)."""
        trim = getattr(self.store, "trim", None)
        if trim is not None:
            try:
                trim()
            except OSError as exc:
                log.warning("Chart cache not trimmed (%s).", exc)


class MemoryStore:
    """In this process, the least recently used pictures dropped past `max_bytes`."""

    def __init__(self, max_bytes: int = 32 * 2**20) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            png = self._items.get(key)
            if png is not None:
                self._items.move_to_end(key)
            return png

    def set(self, key: str, png: bytes) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            self._size -= len(old) if old else 0
            self._items[key] = png
            self._size += len(png)
            while self._size > self.max_bytes and self._items:
                self._size -= len(self._items.popitem(last=False)[1])


class DirectoryStore:
    """One file per picture in `folder` (e.g. the instance folder's chart-cache), for every
    process on the machine: gunicorn's workers and the background-job processes share it.
    A picture is written to a temporary file and renamed into place, so a reader never sees
    half of one. Past `max_bytes` the least recently read files go first (reading a file
    touches it)."""

    def __init__(self, folder: Path, max_bytes: int = 200 * 2**20) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes

    def _path(self, key: str) -> Path:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError("A chart key is a SHA-256 in hex.")  # never a path from elsewhere
        return self.folder / f"{key}.png"

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            png = path.read_bytes()
            os.utime(path)
        except FileNotFoundError:
            return None
        return png

    def set(self, key: str, png: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(png)
            os.replace(temporary, self._path(key))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def trim(self) -> None:
        """Drop the least recently used pictures until the folder is under three quarters
        of `max_bytes` (called once a pack, not once a picture: it lists the folder)."""
        trim_oldest(self.folder.glob("*.png"), self.max_bytes)


class RedisStore:
    """Pictures in Redis (any client with Redis's get and set), shared by every instance;
    each kept `ttl_s` after it was last drawn."""

    def __init__(self, client: Any, prefix: str = "cwp:chart:", ttl_s: int = 7 * 24 * 3600) -> None:
        self.client, self.prefix, self.ttl_s = client, prefix, ttl_s

    def get(self, key: str) -> bytes | None:
        return self.client.get(self.prefix + key)

    def set(self, key: str, png: bytes) -> None:
        self.client.set(self.prefix + key, png, ex=self.ttl_s)
