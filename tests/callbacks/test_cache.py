"""The one cache through the app: the pages' figures are reused until the data changes, never
across scopes, never for anonymous requests; with Redis (CACHE_URL) two instances share it and
see a change at once, and a Redis that is down costs speed, never an answer."""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from dataclasses import replace
from functools import wraps

import pytest
from flask_login import login_user
from sqlalchemy import select

import callbacks.performance
from callbacks.overview import update_overview
from callbacks.performance import shown_view
from dash_app.auth import require_user, snapshot
from dash_app.cache import cache_state
from dash_app.database import transaction
from dash_app.factory import create_app
from models.returns.saving import review_return
from models.rules.table_view import ColumnSort
from models.store.db import unit_of_work
from models.store.entities import Metric, Return, Target, User
from tests.helpers.config import settings_for
from tests.helpers.servers import free_port, redis_for_tests, start_redis, stop
from tests.helpers.web import sign_in

ADMIN = "admin@demo.local"
PROVIDER = "safer-futures-support@demo.local"
OTHER_PROVIDER = "riverside-boxing-academy@demo.local"
OTHERS_SERVICE = "Healthy relationships workshops"  # not Safer Futures Support's


@contextmanager
def as_user(app, factory, email: str | None, path: str = "/_dash-update-component"):
    """Run code in one of `app`'s requests, signed in as `email` (None: anonymous)."""
    with app.server.test_request_context(path):
        if email is not None:
            with unit_of_work(factory) as s:
                login_user(snapshot(s.scalars(select(User).where(User.email == email)).one()))
        yield


def _overview(app, factory, email, year="2021/22", quarter="Q2") -> str:
    with as_user(app, factory, email):
        return str(update_overview(year, quarter))


def _change_target(factory, value: float = 4000) -> None:
    with unit_of_work(factory) as s:
        metric = s.scalars(select(Metric).where(Metric.name == "Pupils reached")).one()
        s.scalars(select(Target).where(Target.metric_id == metric.id, Target.year == 2021,
                                       Target.quarter.is_(None))).one().value = value


def _submitted(factory) -> tuple[int, int]:
    """The demo's submitted return for Q2 2026/27: (id, version)."""
    with unit_of_work(factory) as s:
        ret = s.scalars(select(Return).where(Return.status == "submitted").order_by(Return.id)).first()
        return ret.id, ret.version


def _approve(app, factory, return_id: int, version: int) -> None:
    """Approve a return through `app`'s own unit of work, as the lead officer."""
    with as_user(app, factory, ADMIN), transaction() as session:
        review_return(session, require_user(), return_id, "approve", "", version)


def _actuals(app, factory, email=ADMIN, year="2026/27", quarter="Q2") -> dict[str, object]:
    with as_user(app, factory, email):
        rows = shown_view(year, quarter, False, False, None, None, None, ColumnSort(), 1, 100).page.rows
    return {f"{r['Service']} / {r['Metric']}": r["Quarter actual"] for r in rows}


def test_same_view_is_reused_until_the_data_changes(demo_app, demo_factory):
    state = demo_app.server.extensions["monitor.cache"]
    first = _overview(demo_app, demo_factory, ADMIN)
    hits = state.hits
    assert _overview(demo_app, demo_factory, ADMIN) == first
    assert state.hits > hits  # the figures came from the cache, the page was drawn again

    _change_target(demo_factory)
    changed = _overview(demo_app, demo_factory, ADMIN)
    assert changed != first and "against a target of 1,000" in changed


def test_an_approval_is_seen_at_once(demo_app, demo_factory):
    before = _actuals(demo_app, demo_factory)
    assert _actuals(demo_app, demo_factory) == before  # now cached
    _approve(demo_app, demo_factory, *_submitted(demo_factory))
    after = _actuals(demo_app, demo_factory)
    assert after != before
    assert any(before[k] in ("", None) and after[k] not in ("", None) for k in after)


def test_scope_is_part_of_the_key(demo_app, demo_factory):
    everything = _overview(demo_app, demo_factory, ADMIN)
    state = demo_app.server.extensions["monitor.cache"]
    misses = state.misses
    own = _overview(demo_app, demo_factory, PROVIDER)
    assert state.misses > misses  # computed for this provider, not taken from the admin's
    assert OTHERS_SERVICE in everything and OTHERS_SERVICE not in own
    assert own != everything
    other = _overview(demo_app, demo_factory, OTHER_PROVIDER)
    assert other not in (own, everything)  # nor another provider's
    # The same holds for the Performance page's grid.
    providers = {key.split(" / ")[0] for key in _actuals(demo_app, demo_factory, PROVIDER)}
    admin_services = {key.split(" / ")[0] for key in _actuals(demo_app, demo_factory, ADMIN)}
    assert providers < admin_services
    assert {key.split(" / ")[0] for key in _actuals(demo_app, demo_factory, PROVIDER)} == providers


def test_anonymous_requests_never_reach_the_cache(demo_app, demo_factory):
    state = demo_app.server.extensions["monitor.cache"]
    _overview(demo_app, demo_factory, ADMIN)
    before = (state.hits, state.misses)
    assert "Sign in first." in _overview(demo_app, demo_factory, None)
    assert (state.hits, state.misses) == before


# With Redis (CACHE_URL) --------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    yield from redis_for_tests(tmp_path_factory.mktemp("redis") / "redis.log")


def _counting(monkeypatch) -> Counter:
    """Count the performance table's builds behind the Performance page."""
    calls: Counter = Counter()
    build = callbacks.performance.performance_table

    @wraps(build)  # the same name and signature, so the same cache key
    def counted(*args, **kwargs):
        calls["built"] += 1
        return build(*args, **kwargs)

    monkeypatch.setattr(callbacks.performance, "performance_table", counted)
    return calls


def test_two_instances_share_the_cache_and_see_a_change_at_once(db_url, demo_factory, redis_url,
                                                                 monkeypatch):
    first = create_app(replace(settings_for(db_url), cache_url=redis_url))
    second = create_app(replace(settings_for(db_url), cache_url=redis_url))
    calls = _counting(monkeypatch)

    shown = _actuals(first, demo_factory)
    assert _actuals(second, demo_factory) == shown
    assert calls["built"] == 1  # the second instance used what the first computed
    with as_user(second, demo_factory, ADMIN):
        assert cache_state().hits == 1

    _approve(second, demo_factory, *_submitted(demo_factory))
    after = _actuals(first, demo_factory)
    assert after != shown and calls["built"] == 2
    assert _actuals(second, demo_factory) == after and calls["built"] == 2

    # A provider is never given the admin's cached table, on either instance.
    own = _actuals(second, demo_factory, PROVIDER)
    assert calls["built"] == 3 and len(own) < len(after)


def _answers(app, factory) -> None:
    """The pages that use the cache answer (an exception here is a 500 through Dash), and so
    do sign-in (its limits are in the same Redis) and a download."""
    assert len(_actuals(app, factory)) > 10
    assert "Q2 2021/22" in _overview(app, factory, ADMIN)
    client = app.server.test_client()
    assert sign_in(client, ADMIN).status_code == 302
    response = client.get("/export/performance.csv?year=2021/22&quarter=Q2")
    assert response.status_code == 200 and b"Pupils reached" in response.data


def test_the_app_answers_when_redis_is_not_there(db_url, demo_factory, caplog):
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app = create_app(replace(settings_for(db_url), cache_url=closed))
    _answers(app, demo_factory)
    assert "unreachable" in caplog.text


def test_the_app_answers_when_redis_stops(db_url, demo_factory, redis_url, tmp_path, caplog):
    started = start_redis(tmp_path / "redis.log")
    assert started is not None  # the redis_url fixture has skipped otherwise
    url, server = started
    app = create_app(replace(settings_for(db_url), cache_url=url))
    _answers(app, demo_factory)  # cached in this Redis
    assert "unreachable" not in caplog.text
    stop(server)
    _answers(app, demo_factory)  # Redis gone: computed without it
    assert "unreachable" in caplog.text
