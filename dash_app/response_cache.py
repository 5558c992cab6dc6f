"""Whole responses of the read-only dashboard callbacks, cached until the data changes.

In a meeting everyone opens the same Overview; after the first request the JSON is sent
from memory. A response is reused only for the same callback, the same inputs, the same
role and provider scope, the same date and the same data version (any saved return,
approval or change to the catalogue bumps it). The callback still runs, with its own
access checks, for every request that misses. Runs after the sign-in guard."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

from flask import Flask, Response, current_app, g, request
from flask_login import current_user

from dash_app.database import sessions
from models.store.data_version import current_version

# Callbacks whose output depends only on their inputs, the user's scope, the date and the data.
CACHEABLE_OUTPUTS = ("..overview-heading.children", "..priority-body.children",
                     "..perf-heading.children")
MAX_BYTES = 64 * 1024 * 1024  # per worker
_KEY = "cached_response_key"


class ResponseCache:
    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return body

    def put(self, key: str, body: bytes) -> None:
        if len(body) > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = body
            self._size += len(body)
            while self._size > self.max_bytes:
                _, old = self._items.popitem(last=False)
                self._size -= len(old)


def _key() -> str | None:
    if request.method != "POST" or request.path != "/_dash-update-component":
        return None
    if not current_user.is_authenticated or current_user.must_change_password:
        return None
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not str(body.get("output", "")).startswith(CACHEABLE_OUTPUTS):
        return None
    with sessions()() as session:
        version = current_version(session)
    if version is None:
        return None
    today = current_app.config["MONITOR_SETTINGS"].current_date()
    what = json.dumps([body["output"], body.get("inputs"), body.get("state"), current_user.role,
                       current_user.provider_id, today.isoformat(), *version], sort_keys=True)
    return hashlib.sha256(what.encode()).hexdigest()


def init_app(server: Flask) -> ResponseCache:
    cache = ResponseCache()
    server.extensions["response_cache"] = cache

    @server.before_request
    def _serve_cached() -> Response | None:
        key = _key()
        if key is None:
            return None
        body = cache.get(key)
        if body is None:
            g.setdefault(_KEY, key)
            return None
        return Response(body, mimetype="application/json")

    @server.after_request
    def _keep(response: Response) -> Response:
        key = g.get(_KEY)
        if key is not None and response.status_code == 200 and response.mimetype == "application/json":
            cache.put(key, response.get_data())
        return response

    return cache
