"""The one rule for tests that need Redis (tests.helpers.servers.require_redis_or_skip):
without redis-server they are skipped saying why, and REQUIRE_REDIS=1 (CI) fails them."""

from __future__ import annotations

import pytest

from tests.helpers import servers


def test_without_redis_a_test_is_skipped_saying_why(monkeypatch):
    monkeypatch.setattr(servers.shutil, "which", lambda _name: None)
    monkeypatch.delenv("REQUIRE_REDIS", raising=False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"redis-server is not installed .* REQUIRE_REDIS=1"):
        servers.require_redis_or_skip()


@pytest.mark.parametrize("name", ["REQUIRE_REDIS", "CI"])
def test_required_redis_that_is_missing_fails(monkeypatch, name):
    monkeypatch.setattr(servers.shutil, "which", lambda _name: None)
    monkeypatch.delenv("REQUIRE_REDIS", raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv(name, "1")
    with pytest.raises(AssertionError, match="makes that a failure"):
        servers.require_redis_or_skip()


def test_with_redis_installed_its_server_starts_and_stops(tmp_path):
    with servers.redis_server(tmp_path / "redis.log") as url:
        import redis

        assert url.startswith("redis://127.0.0.1:") and redis.Redis.from_url(url).ping()
