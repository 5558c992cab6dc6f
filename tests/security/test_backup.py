"""Backup and restore round trip: every table compared row by row."""

import pytest
from sqlalchemy import inspect, text

from dash_app import cli
from models.store.base import Base
from models.store.db import make_engine
from tests.helpers.config import TODAY


def _dump(url: str) -> dict[str, list]:
    engine = make_engine(url)
    with engine.connect() as c:
        out = {t: c.execute(text(f'SELECT * FROM "{t}" ORDER BY 1')).all()
               for t in inspect(c).get_table_names()}
    engine.dispose()
    return out


def test_round_trip(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MONITOR_TODAY", TODAY.isoformat())
    assert cli.main(["init-db"]) == 0
    assert cli.main(["seed-demo", "--demo-password", "backup-test-password"]) == 0
    before = _dump(url)
    assert set(Base.metadata.tables) <= set(before) and len(before["return_value"]) > 500
    backup_file = tmp_path / "monitor-backup.db"
    assert cli.main(["backup", "--out", str(backup_file)]) == 0
    # Change the live database, then restore.
    engine = make_engine(url)
    with engine.begin() as c:
        c.execute(text("DELETE FROM return_breakdown_value"))
        c.execute(text("DELETE FROM return_value"))
    engine.dispose()
    assert _dump(url) != before
    assert cli.main(["restore", str(backup_file)]) == 0
    after = _dump(url)
    # Every row comes back; only the cache token is new, so no worker serves a stale view.
    (token_before, version_before), = [(r.token, r.version) for r in before.pop("data_version")]
    (token_after, version_after), = [(r.token, r.version) for r in after.pop("data_version")]
    assert after == before
    assert version_after == version_before and token_after != token_before
    out = capsys.readouterr().out
    assert "Backed up the database" in out and "Restored the database" in out


@pytest.mark.parametrize(("content", "message"), [
    (b"not a database at all, just text" * 10, "not a SQLite database"),
    (None, "There is no file"),
])
def test_restore_refuses_bad_files(tmp_path, monkeypatch, capsys, content, message):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert cli.main(["init-db"]) == 0
    bad = tmp_path / "bad.db"
    if content is not None:
        bad.write_bytes(content)
    assert cli.main(["restore", str(bad)]) == 2
    assert message in capsys.readouterr().err


def test_postgres_points_to_pg_dump(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@127.0.0.1:1/x")
    assert cli.main(["backup", "--out", str(tmp_path / "x")]) == 2
    assert "pg_dump" in capsys.readouterr().err
