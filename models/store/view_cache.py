"""A small in-process cache of computed views, keyed by the database's data version.

Each gunicorn worker has its own; every lookup first reads the version (one indexed
single-row query), so a change saved through any worker is seen by all of them at once.
Cached values are shared between requests: callers must treat them as read-only."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy.orm import Session

from models.store.data_version import current_version, has_pending_change

T = TypeVar("T")


class ViewCache:
    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, session: Session, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
        version = current_version(session)
        # No version row, or this transaction changed data it may yet roll back: don't cache.
        if version is None or has_pending_change(session):
            return compute()
        full = (*version, *key)
        with self._lock:
            if full in self._items:
                self._items.move_to_end(full)
                self.hits += 1
                return self._items[full]  # type: ignore[return-value]
            self.misses += 1
        value = compute()
        with self._lock:
            self._items[full] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


VIEWS = ViewCache()


def cached(session: Session, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """`compute()`, or its value from the last call with this key and data version."""
    return VIEWS.get(session, key, compute)
