"""The data version that keys the view cache: what bumps it, what does not, and the cache."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from models.store import throttle
from models.store.data_version import current_version
from models.store.db import make_engine, make_sessionmaker, unit_of_work
from models.store.entities import AuditEvent, Target
from models.store.view_cache import ViewCache
from tests.helpers import factories as f

VIEWER = f.Actor(1, "viewer")


def _version(factory) -> tuple[str, int]:
    with unit_of_work(factory) as s:
        return current_version(s)


def _target(factory) -> int:
    with unit_of_work(factory) as s:
        owner = f.service(s, "Counted", f.provider(s))
        m = f.metric(s, owner, "People", headline=True)
        target = Target(metric_id=m.id, year=2025, quarter=None, value=40)
        s.add(target)
        s.flush()
        return target.id


def test_a_fresh_database_has_a_version_and_its_own_token(factory, tmp_path):
    token, version = _version(factory)
    assert version == 1 and len(token) == 32
    other = f"sqlite:///{tmp_path / 'other.db'}"
    from models.store.migrate import upgrade

    upgrade(other)
    engine = make_engine(other)
    assert _version(make_sessionmaker(engine))[0] != token
    engine.dispose()


def test_any_change_to_figures_bumps_once_per_transaction(factory):
    before = _version(factory)
    target_id = _target(factory)  # several flushes in one transaction
    after = _version(factory)
    assert after == (before[0], before[1] + 1)
    with unit_of_work(factory) as s:
        s.get(Target, target_id).value = 44
    assert _version(factory)[1] == after[1] + 1


def test_bulk_statements_bump_too(factory):
    _target(factory)
    before = _version(factory)[1]
    with unit_of_work(factory) as s:
        s.execute(update(Target).values(value=48))
    assert _version(factory)[1] == before + 1


def test_audit_and_sign_in_records_do_not_bump(factory):
    before = _version(factory)
    with unit_of_work(factory) as s:
        s.add(AuditEvent(action="viewed", entity="report"))
        throttle.hit(s, "sign-in:someone@example.org", 900)
    assert _version(factory) == before


def test_a_rolled_back_change_leaves_the_version(factory):
    target_id = _target(factory)
    before = _version(factory)
    with factory() as s:
        s.get(Target, target_id).value = 99
        s.flush()
        assert current_version(s)[1] == before[1] + 1  # seen inside the transaction
        s.rollback()
    assert _version(factory) == before


def test_cache_recomputes_only_after_a_change(factory):
    cache = ViewCache()
    target_id = _target(factory)
    calls = []

    def compute(s):
        calls.append(1)
        return s.scalar(select(Target.value).where(Target.id == target_id))

    for _ in range(3):
        with unit_of_work(factory) as s:
            assert cache.get(s, ("target",), lambda s=s: compute(s)) == 40
    assert len(calls) == 1 and cache.hits == 2
    with unit_of_work(factory) as s:
        s.get(Target, target_id).value = 52
    with unit_of_work(factory) as s:
        assert cache.get(s, ("target",), lambda: compute(s)) == 52
    assert len(calls) == 2


def test_cache_is_bypassed_inside_a_changing_transaction(factory):
    cache = ViewCache()
    target_id = _target(factory)
    with factory() as s:
        s.get(Target, target_id).value = 60
        s.flush()
        assert cache.get(s, ("target",), lambda: 60) == 60
        s.rollback()
    with unit_of_work(factory) as s:
        assert cache.get(s, ("target",), lambda: 40) == 40  # the rolled-back value was not kept


def test_cache_keeps_a_bounded_number_of_views(factory):
    cache = ViewCache(size=3)
    with unit_of_work(factory) as s:
        for n in range(5):
            cache.get(s, ("view", n), lambda n=n: n)
        assert cache.get(s, ("view", 0), lambda: "recomputed") == "recomputed"
        assert cache.get(s, ("view", 4), lambda: "recomputed") == 4


def test_views_are_fresh_after_a_target_changes(demo_factory):
    """End to end through the cached performance table: no stale figures after a change."""
    from models.reporting.performance import performance_table
    from models.store.entities import Metric

    today = dt.date(2026, 11, 25)
    with unit_of_work(demo_factory) as s:
        table = performance_table(s, VIEWER, 2021, 2, today)
        assert performance_table(s, VIEWER, 2021, 2, today) is table  # cached
        row = next(r for r in table.rows if r.metric == "Pupils reached")
        metric = s.scalars(select(Metric).where(Metric.id == row.metric_id)).one()
        target = s.scalars(select(Target).where(Target.metric_id == metric.id, Target.year == 2021,
                                                Target.quarter.is_(None))).one()
        target.value = 4000
    with unit_of_work(demo_factory) as s:
        fresh = performance_table(s, VIEWER, 2021, 2, today)
    assert fresh is not table
    assert next(r for r in fresh.rows if r.metric == "Pupils reached").quarter_target == 1000
