"""Response compression (brotli, else gzip) with the compressed bundles kept in memory.

Callback responses and pages are compressed per request (brotli at a low quality is
quick). Dash's JavaScript bundles and our assets have versioned URLs, so each is
compressed once per worker and served from memory afterwards."""

from __future__ import annotations

import threading

from flask import Flask, Request
from flask_compress import Compress

STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
_NOT_CACHED = ";"


class StaticOnlyCache:
    """Flask-Compress cache backend that keeps only the static bundles' compressed bytes."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        return None if key.endswith(_NOT_CACHED) else self._data.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(_NOT_CACHED):
            with self._lock:
                self._data[key] = value


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
