"""The data version that keys the view cache: what bumps it and what does not (the cache
itself: tests/unit/test_cache.py)."""

from __future__ import annotations

from sqlalchemy import update

from models.store import throttle
from models.store.data_version import current_version
from models.store.db import make_engine, make_sessionmaker, unit_of_work
from models.store.entities import AuditEvent, Target
from tests.helpers import factories as f


def _version(factory) -> tuple[str, int]:
    with unit_of_work(factory) as s:
        return current_version(s)


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
    target_id = f.annual_target_of_40(factory)  # several flushes in one transaction
    after = _version(factory)
    assert after == (before[0], before[1] + 1)
    with unit_of_work(factory) as s:
        s.get(Target, target_id).value = 44
    assert _version(factory)[1] == after[1] + 1


def test_bulk_statements_bump_too(factory):
    f.annual_target_of_40(factory)
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


def test_api_tokens_and_their_use_do_not_bump(factory):
    """Every API call moves its token's last-used time on: that must not throw the caches away."""
    from models.store.api_tokens import create_token, token_user

    with unit_of_work(factory) as s:
        admin = f.user(s, "tokens@example.org", "admin")
    before = _version(factory)
    with unit_of_work(factory) as s:
        token = create_token(s, s.merge(admin), "Power BI", 30)
    with unit_of_work(factory) as s:
        assert token_user(s, token) is not None  # its use recorded
    assert _version(factory) == before


def test_a_rolled_back_change_leaves_the_version(factory):
    target_id = f.annual_target_of_40(factory)
    before = _version(factory)
    with factory() as s:
        s.get(Target, target_id).value = 99
        s.flush()
        assert current_version(s)[1] == before[1] + 1  # seen inside the transaction
        s.rollback()
    assert _version(factory) == before
