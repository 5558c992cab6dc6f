"""The one cache (dash_app/cache.py), in-process: keyed by the data version and every argument,
bypassed inside a changing transaction, bounded, and holding copies of data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from dash_app import cache as view_cache
from dash_app.cache import cache_state, cached, view_key
from models.reporting.performance import build_performance_table
from models.store.db import unit_of_work
from models.store.entities import Metric, Target
from tests.helpers import factories as f


@pytest.fixture
def app():
    server = Flask(__name__)
    view_cache.init_app(server, None)
    with server.app_context():
        yield server


def _target_value(session, target_id):
    return session.scalar(select(Target.value).where(Target.id == target_id))


def test_recomputes_only_after_a_change(app, factory):
    target_id = f.annual_target_of_40(factory)
    calls = []

    def view(session, target):
        calls.append(target)
        return _target_value(session, target)

    for _ in range(3):
        with unit_of_work(factory) as s:
            assert cached(s, view, target_id) == 40
    assert len(calls) == 1 and cache_state().hits == 2
    with unit_of_work(factory) as s:
        s.get(Target, target_id).value = 52
    with unit_of_work(factory) as s:
        assert cached(s, view, target_id) == 52
    assert len(calls) == 2


def test_bypassed_inside_a_changing_transaction(app, factory):
    target_id = f.annual_target_of_40(factory)
    with factory() as s:
        s.get(Target, target_id).value = 60
        s.flush()
        assert cached(s, _target_value, target_id) == 60
        s.rollback()
    with unit_of_work(factory) as s:
        assert cached(s, _target_value, target_id) == 40  # the rolled-back value was not kept
    assert cache_state().misses == 1  # the changing transaction neither read nor wrote


def test_keeps_a_bounded_number_of_views(factory):
    server = Flask(__name__)
    view_cache.init_app(server, None, max_views=3)
    seen = []

    def view(_session, n):
        seen.append(n)
        return n

    with server.app_context(), unit_of_work(factory) as s:
        for n in range(6):
            cached(s, view, n)
        assert len(view_cache.cache.cache._cache) <= 4  # the threshold, and the one being added
        cached(s, view, 0)
        cached(s, view, 5)
    assert seen == [0, 1, 2, 3, 4, 5, 0]  # the oldest was pushed out, the newest kept


def test_a_hit_is_a_copy_of_the_data(app, factory):
    def view(_session):
        return {"rows": [1, 2]}

    with unit_of_work(factory) as s:
        cached(s, view)["rows"].append(3)
        assert cached(s, view) == {"rows": [1, 2]} and cache_state().hits == 1


@dataclass(frozen=True)
class Filters:
    year: int
    provider_id: int | None = None


def _scoped_view(session, filters: Filters, scope: int | None, *, provisional: bool = False):
    return None


def _another_view(session, filters: Filters, scope: int | None, *, provisional: bool = False):
    return None


VERSION = ("token", 7)


def _key(*args, **kwargs) -> str:
    return view_key(_scoped_view, VERSION, args, kwargs)


def test_every_argument_is_part_of_the_key():
    base = _key(Filters(2025), None)
    assert _key(Filters(2025), 3) != base  # a provider's scope never shares an admin's view
    assert _key(Filters(2025), 3) != _key(Filters(2025), 4)  # nor another provider's
    assert _key(Filters(2025, provider_id=3), None) != base
    assert _key(Filters(2025), None, provisional=True) != base
    assert _key(Filters(2024), None) != base
    assert view_key(_scoped_view, ("token", 8), (Filters(2025), None), {}) != base
    assert view_key(_scoped_view, ("other database", 7), (Filters(2025), None), {}) != base
    assert view_key(_another_view, VERSION, (Filters(2025), None), {}) != base
    # The same call written differently is the same key.
    assert _key(Filters(2025), scope=None, provisional=False) == base
    assert _key(filters=Filters(2025), scope=None) == base


def _wrapped_view(*args, **kwargs):
    """A view wrapped as a decorator or a test's stand-in wraps it: the session in *args."""
    return None


def test_a_view_taking_star_args_keys_by_every_argument_but_the_session():
    def key(*args):
        return view_key(_wrapped_view, VERSION, args, {})

    assert key(Filters(2025), 3) != key(Filters(2025), None)  # a provider's scope is its own
    assert key(Filters(2025), 3) != key(Filters(2025), 4)
    assert key(Filters(2025), 3) == key(Filters(2025), 3)


def test_values_that_would_key_by_address_are_refused(session):
    with pytest.raises(TypeError, match="cannot be part of a cache key"):
        _key(Filters(2025), object())
    with pytest.raises(TypeError):
        _key(Filters(2025), session)


def test_dates_are_not_mistaken_for_text():
    assert _key(Filters(2025), None, provisional=dt.date(2026, 1, 1)) != \
        _key(Filters(2025), None, provisional="2026-01-01")


def test_views_are_fresh_after_a_target_changes(app, demo_factory):
    """End to end through the cached performance table: no stale figures after a change."""
    today = dt.date(2026, 11, 25)
    with unit_of_work(demo_factory) as s:
        table = cached(s, build_performance_table, 2021, 2, today)
        assert cached(s, build_performance_table, 2021, 2, today) == table
        assert cache_state().hits == 1
        row = next(r for r in table.rows if r.metric == "Pupils reached")
        metric = s.scalars(select(Metric).where(Metric.id == row.metric_id)).one()
        target = s.scalars(select(Target).where(Target.metric_id == metric.id, Target.year == 2021,
                                                Target.quarter.is_(None))).one()
        target.value = 4000
    with unit_of_work(demo_factory) as s:
        fresh = cached(s, build_performance_table, 2021, 2, today)
    assert next(r for r in fresh.rows if r.metric == "Pupils reached").quarter_target == 1000
