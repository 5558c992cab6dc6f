"""Response compression (brotli, else gzip) with the compressed bundles kept in memory.

Callback responses and pages are compressed per request (brotli at a low quality is
quick). Dash's JavaScript bundles and our assets have versioned URLs, so each is
compressed once per worker and served from memory afterwards.

That store is not the view cache (dash_app/cache.py): it holds bytes of static files, the
same for every user and every data version, so it can never be stale or leak; in Redis it
would only add a round trip per bundle. It is bounded, because anyone may ask for a bundle
under any number of made-up query strings or fingerprints."""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Flask, Request
from flask_compress import Compress

STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
MAX_STATIC_BYTES = 32 * 1024 * 1024  # per worker; the app's own bundles take about 2 MB
_NOT_CACHED = ";"


class StaticOnlyCache:
    """Flask-Compress cache backend that keeps only the static bundles' compressed bytes,
    at most MAX_STATIC_BYTES of them (the least recently used go first)."""

    def __init__(self, max_bytes: int = MAX_STATIC_BYTES) -> None:
        self.max_bytes = max_bytes
        self._data: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        if key.endswith(_NOT_CACHED):
            return None
        with self._lock:
            body = self._data.get(key)
            if body is not None:
                self._data.move_to_end(key)
            return body

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(_NOT_CACHED) or len(value) > self.max_bytes:
            return
        with self._lock:
            old = self._data.pop(key, None)
            self._size += len(value) - (len(old) if old is not None else 0)
            self._data[key] = value
            while self._size > self.max_bytes:
                _, dropped = self._data.popitem(last=False)
                self._size -= len(dropped)


def cache_key(request: Request) -> str:
    if request.method == "GET" and request.path.startswith(STATIC_PREFIXES):
        return request.full_path
    return _NOT_CACHED[:-1] + _NOT_CACHED  # never cached: ends with the marker


def init_app(server: Flask) -> None:
    server.config.update(
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_BR_LEVEL=4,
        COMPRESS_LEVEL=6,
        COMPRESS_CACHE_BACKEND=StaticOnlyCache,
        COMPRESS_CACHE_KEY=cache_key,
        # Our pages, Dash's JSON and bundles, CSV; XLSX and PDF are compressed already.
        COMPRESS_MIMETYPES=["text/html", "text/css", "text/csv", "text/plain", "text/javascript",
                            "application/javascript", "application/json", "image/svg+xml"],
    )
    Compress(server)
