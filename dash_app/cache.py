"""The one cache: what the read-models computed (tables, rows, counts: data, never Dash
component objects or whole HTTP responses), kept until the data changes. One exception,
measured: the Overview keeps its drawn view as JSON text (callbacks/overview.py), because
drawing 300 services cost 160 ms a request and halved throughput under load.

Flask-Caching, bound per app: in-process and bounded (SimpleCache) by default; Redis when
CACHE_URL is set, so every worker and instance shares one copy. Each key holds the database's
data version (models/store/data_version.py), so a saved return, an approval or a new target
is seen by the next request everywhere, with nothing to invalidate; entries for old versions
are pushed out by newer ones (in-process) or expire (Redis).

A callback asks for a view by passing the read-model function and its arguments:

    rows = cached(session, grid_rows, audience, year, quarter, today, provisional, publish)

The key is the function's name and every argument after the session (defaults filled in), so
a view computed for one audience (models.access.Audience) is never served to another: the
audience is an argument.
Arguments must be plain values (numbers, text, dates, tuples, dicts, dataclasses of those);
anything else, such as an ORM object, raises TypeError rather than keying by its address.

The wrapper lives here, not in models/: models/ never imports Flask, and its read-models stay
plain functions of a session that tests, the CLI and the benchmarks call directly.

Values are pickled (in-process too), so a hit is a private copy: callers may change it.

A view too big to work out inside a request (What needs attention or the Performance table
for a national body: 132,666 charts, minutes of work) is asked for with `prepared`: from the
cache when this data version has it; otherwise it is worked out once, in the background
(`Preparing`), and the page says so and asks again until it is there. One marker per view
in the cache (added only if absent, so with Redis one instance works it out for all), one
view at a time per process; a failure is logged and reported (`Failed`), never swallowed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import inspect
import json
import logging
import threading
import time
from collections.abc import Callable
from functools import cache as memoise
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from flask import Flask, current_app
from redis.exceptions import RedisError
from sqlalchemy.orm import Session

import models
from dash_app.extensions import cache
from exports.stored import source_fingerprint
from models.store.data_version import current_version, has_pending_change

P = ParamSpec("P")
T = TypeVar("T")

# Above this many metrics a performance table is worked out in the background, once per data
# version (`prepared`), for the page and the API alike: a county's 4,342 take under a second
# in a request, a national body's 132,666 11-21 s (benchmarks/README.md).
BACKGROUND_METRICS = 20_000
MAX_VIEWS = 256  # in-process entries per worker; the oldest go first
TIMEOUT_S = 3600  # an entry outlives its data version by at most this (Redis keeps no others)
RETRY_AFTER_S = 5.0  # after a Redis error, compute without it for this long, then try again
_STATE = "monitor.cache"
log = logging.getLogger(__name__)


@dataclasses.dataclass
class CacheState:
    """Per app: counts for tests and the benchmark, and when to try Redis again after an error."""

    hits: int = 0
    misses: int = 0
    retry_at: float = 0.0


def init_app(server: Flask, cache_url: str | None, *, max_views: int = MAX_VIEWS) -> None:
    if cache_url:
        config = {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": cache_url,
            # The code's fingerprint: a rolling deploy's old and new workers share Redis but
            # never each other's pickles (a changed dataclass or a fixed figure).
            "CACHE_KEY_PREFIX": f"cwp:view:{code_fingerprint()[:12]}:",
            # A Redis that stops answering costs a request half a second, not a hang.
            "CACHE_OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    else:
        config = {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": max_views}
    cache.init_app(server, {**config, "CACHE_DEFAULT_TIMEOUT": TIMEOUT_S})
    server.extensions[_STATE] = CacheState()


def cached(session: Session, view: Callable[Concatenate[Session, P], T], /,
           *args: P.args, **kwargs: P.kwargs) -> T:
    """`view(session, *args, **kwargs)`, from the cache when this data version has it.

    Computed afresh, and not kept, inside a transaction that has changed data it may yet
    roll back, or when the database has no version row."""
    version = current_version(session)
    if version is None or has_pending_change(session):
        return view(session, *args, **kwargs)
    state: CacheState = current_app.extensions[_STATE]
    if time.monotonic() < state.retry_at:
        return view(session, *args, **kwargs)
    key = view_key(view, version, args, kwargs)
    try:
        found = cache.get(key)
    except (RedisError, OSError) as exc:
        _unreachable(state, exc)
        return view(session, *args, **kwargs)
    if found is not None:
        state.hits += 1
        return found[0]
    state.misses += 1
    value = view(session, *args, **kwargs)
    try:
        cache.set(key, (value,))  # in a tuple, so a view's None is kept too
    except (RedisError, OSError) as exc:
        _unreachable(state, exc)
    return value


def cache_state() -> CacheState:
    return current_app.extensions[_STATE]


def view_key(view: Callable[..., Any], version: tuple[str, int], args: tuple, kwargs: dict) -> str:
    """'<view>:<database token>:<version>:<hash of the arguments>'."""
    signature = _signature(view)
    bound = signature.bind(None, *args, **kwargs)
    bound.apply_defaults()
    named = list(bound.arguments.items())
    # The session is not part of the key. A view taking *args holds it inside that tuple:
    # dropping the tuple would drop every argument, and different views would share a key.
    if next(iter(signature.parameters.values())).kind is inspect.Parameter.VAR_POSITIONAL:
        named[0] = (named[0][0], named[0][1][1:])
    else:
        named = named[1:]
    text = json.dumps([[name, _plain(value)] for name, value in named], sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()
    token, number = version
    return f"{view.__module__}.{view.__qualname__}:{token}:{number}:{digest}"


@memoise
def _signature(view: Callable[..., Any]) -> inspect.Signature:
    return inspect.signature(view)


def _plain(value: object) -> object:
    """A JSON-able form of a key argument that tells apart what the view would."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dt.date):  # a datetime too
        return {type(value).__name__: value.isoformat()}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(name): _plain(item) for name, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {type(value).__qualname__: {f.name: _plain(getattr(value, f.name))
                                           for f in dataclasses.fields(value)}}
    raise TypeError(f"{type(value).__name__} cannot be part of a cache key; pass plain values")


def _unreachable(state: CacheState, exc: Exception) -> None:
    state.retry_at = time.monotonic() + RETRY_AFTER_S
    log.warning("The view cache (Redis) is unreachable, so views are computed without it "
                "for %.0f s: %s", RETRY_AFTER_S, exc)


@memoise
def code_fingerprint() -> str:
    """A hash of models/'s source: the code that computes and defines every cached value."""
    return source_fingerprint(models)


CHART_CACHE_BYTES = 200 * 2**20


@memoise
def chart_store(folder: Path | None = None) -> Any:
    """Where the PDF pack keeps the pictures of its charts (exports/chart_cache.py): a folder
    in the instance folder, bounded to 200 MB, shared by every process on this machine —
    gunicorn's workers, background jobs and the CLI. Not Redis: a whole county's pack is
    thousands of pictures, and a picture is found by the hash of its figure, so each machine
    keeping its own can never serve a stale one, only draw it once more. `folder`: the
    settings' CHART_CACHE_DIR, when the caller has them."""
    from dash_app.settings import INSTANCE
    from exports.chart_cache import DirectoryStore

    return DirectoryStore(folder or INSTANCE / "chart-cache", CHART_CACHE_BYTES)


# Views worked out in the background ---------------------------------------------------------

WORKING_TIMEOUT_S = 600  # a marker outlives a process that died mid-way by at most this
# (a national report took 3 minutes on a loaded machine; one that takes longer is started again)
FAILED_TIMEOUT_S = 60  # a failure is reported for this long; then the view is tried again
# One view worked out at a time per process (each is CPU-bound: two at once would only take
# twice as long each, and slow the requests more). A daemon thread per view, not a pool, so a
# worker process stopping is never held up by one, and nothing outlives a dead thread.
_ONE_AT_A_TIME = threading.Lock()
# At most this many views started and not finished per process (one working, the rest
# waiting their turn): a user asking for one quarter after another, or for years with no
# figures, queues no more than this. Beyond it a view is not started: the page is told it
# is being worked out and, asking again every two seconds, starts it once there is room.
MAX_QUEUED = 4
_ROOM = threading.BoundedSemaphore(MAX_QUEUED)
_STARTED: dict[str, threading.Event] = {}  # this process's jobs, by key (tests wait on them)


@dataclasses.dataclass(frozen=True)
class Preparing:
    """The view is being worked out (since `since`, seconds since the epoch). `earlier`: from
    `prepared_or_earlier`, the same view (same arguments, so the same audience) as
    the previous data version had it, while the cache still holds it, and when it was
    worked out (`earlier_at`): to show, marked as such, until the new one is there."""

    since: float
    earlier: Any = None
    earlier_at: float | None = None

    def waited(self, now: float | None = None) -> int:
        return max(0, round((now or time.time()) - self.since))


@dataclasses.dataclass(frozen=True)
class Failed:
    """Working the view out failed (the log has why); it is tried again after a minute."""

    since: float


def prepared(session: Session, view: Callable[Concatenate[Session, P], T], /,
             *args: P.args, **kwargs: P.kwargs) -> T | Preparing | Failed:
    """`view(session, *args, **kwargs)` from the cache when this data version has it;
    otherwise `Preparing` while it is worked out in the background (started here unless it
    already is), or `Failed` for a minute after that went wrong. Where the cache cannot
    keep it (no version row, a pending change, Redis unreachable) the view is worked out
    here, as `cached` would."""
    return _prepared(session, view, args, kwargs)


def prepared_or_earlier(session: Session, view: Callable[Concatenate[Session, P], T], /,
                        *args: P.args, **kwargs: P.kwargs) -> T | Preparing | Failed:
    """`prepared`, whose `Preparing` holds the view as the previous data version had it
    (`earlier`, worked out at `earlier_at`) while the cache still holds that: a page can
    show it, marked as such, until the new one is there."""
    found = _prepared(session, view, args, kwargs)
    if isinstance(found, Preparing):
        return _with_earlier(found, view, args, kwargs, current_version(session))
    return found


def _latest_key(view: Callable[..., Any], version: tuple[str, int], args: tuple, kwargs: dict) -> str:
    """Where the number of the latest data version this view was worked out for is kept
    (the view's key with 'latest' for the version number)."""
    name, token, _, digest = view_key(view, version, args, kwargs).rsplit(":", 3)
    return f"{name}:{token}:latest:{digest}"


def _with_earlier(marker: Preparing, view: Callable[..., Any], args: tuple, kwargs: dict,
                  version: tuple[str, int] | None) -> Preparing:
    """The marker with the view as an older data version of the same database had it, if
    the cache still holds that (never a newer one, never another view's or audience's:
    the key is the same but for the version)."""
    if version is None:
        return marker
    try:
        latest = cache.get(_latest_key(view, version, args, kwargs))
        if not (isinstance(latest, tuple) and len(latest) == 2 and latest[0] < version[1]):
            return marker
        number, worked_out_at = latest
        found = cache.get(view_key(view, (version[0], number), args, kwargs))
    except (RedisError, OSError) as exc:
        _unreachable(cache_state(), exc)
        return marker
    if found is None:
        return marker
    return dataclasses.replace(marker, earlier=found[0], earlier_at=worked_out_at)


def _prepared(session: Session, view: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    version = current_version(session)
    state: CacheState = current_app.extensions[_STATE]
    if version is None or has_pending_change(session) or time.monotonic() < state.retry_at:
        return view(session, *args, **kwargs)
    key = view_key(view, version, args, kwargs)
    marker_key = f"{key}:working"
    try:
        found = cache.get(key)
        if found is not None:
            state.hits += 1
            return found[0]
        marker = cache.get(marker_key)
        if isinstance(marker, (Preparing, Failed)):
            return marker
        marker = Preparing(time.time())
        if not _ROOM.acquire(blocking=False):
            return marker  # no room to start it now: asked again, it starts when there is
        try:
            added = cache.add(marker_key, marker, timeout=WORKING_TIMEOUT_S)
        except BaseException:
            _ROOM.release()
            raise
        if not added:
            _ROOM.release()
            again = cache.get(marker_key)  # another request or instance started it just now
            return again if isinstance(again, (Preparing, Failed)) else marker
    except (RedisError, OSError) as exc:
        _unreachable(state, exc)
        return view(session, *args, **kwargs)
    state.misses += 1
    done = _STARTED[marker_key] = threading.Event()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        threading.Thread(target=_prepare, args=(app, marker_key, done, view, args, kwargs),
                         name="prepare-view", daemon=True).start()
    except RuntimeError:  # no thread to be had: work it out here, as before
        _ROOM.release()
        _STARTED.pop(marker_key, None)
        cache.delete(marker_key)
        return cached(session, view, *args, **kwargs)
    return marker


def _prepare(app: Flask, marker_key: str, done: threading.Event, view: Callable[..., Any],
             args: tuple, kwargs: dict) -> None:
    """In the background: the view worked out and kept (`cached`, under the data version it
    reads), then the marker removed; a failure logged and marked."""
    from dash_app.database import transaction

    try:
        with _ONE_AT_A_TIME, app.app_context():
            try:
                with transaction() as session:
                    cached(session, view, *args, **kwargs)
                    version = current_version(session)
                if version is not None:  # what an `earlier` view is found by, next version
                    cache.set(_latest_key(view, version, args, kwargs), (version[1], time.time()))
                cache.delete(marker_key)
            except Exception:
                log.exception("Working out %s in the background failed", view.__qualname__)
                cache.set(marker_key, Failed(time.time()), timeout=FAILED_TIMEOUT_S)
    except Exception:  # the cache itself failed: nothing more to tell anyone but the log
        log.exception("Could not record the background work on %s", view.__qualname__)
    finally:
        _ROOM.release()
        done.set()
        _STARTED.pop(marker_key, None)


def wait_for_prepared(timeout: float = 120.0) -> int:
    """Wait until this process's background views are done (tests, the benchmark); how many
    there were."""
    deadline = time.monotonic() + timeout
    started = list(_STARTED.values())
    for done in started:
        done.wait(max(0.0, deadline - time.monotonic()))
    return len(started)
