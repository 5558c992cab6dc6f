"""Bad configuration stops with one clear sentence, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dash_app.settings import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_production_refuses_a_missing_or_weak_secret_key():
    for key in ("", "change-me", "short"):
        with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
            load_settings({"MONITOR_ENV": "production", "SECRET_KEY": key})
    ok = load_settings({"MONITOR_ENV": "production", "SECRET_KEY": "k" * 40})
    assert ok.production and ok.secret_key == "k" * 40


def test_defaults_and_url_normalising():
    settings = load_settings({})
    assert settings.env == "development"
    assert settings.database_url.endswith("instance/monitor.db")
    pg = load_settings({"DATABASE_URL": "postgresql://u@h/db"})
    assert pg.database_url == "postgresql+psycopg://u@h/db"
    with pytest.raises(ConfigError, match="MONITOR_ENV"):
        load_settings({"MONITOR_ENV": "staging"})


def _run(args, **env):
    full_env = {**os.environ, **env}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=60)


def test_unreachable_database_is_one_sentence():
    result = _run(["-m", "dash_app", "seed-catalogue"],
                  DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: Cannot reach the database at 127.0.0.1:1/none")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_gunicorn_entry_point_refuses_production_without_key(tmp_path):
    result = _run(["-c", "import wsgi"], MONITOR_ENV="production", SECRET_KEY="",
                  DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 1
    assert "cannot start: SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr


def test_unmigrated_database_says_what_to_run(tmp_path):
    result = _run(["-c", "import wsgi"], DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 1
    assert "run: python -m dash_app init-db" in result.stderr


def test_cli_help_lists_the_commands():
    result = _run(["-m", "dash_app", "--help"])
    for command in ("init-db", "seed-catalogue", "seed-demo", "create-user", "export"):
        assert command in result.stdout


def test_an_old_schema_says_to_migrate(tmp_path):
    from models.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0003")
    result = _run(["-c", "import wsgi"], DATABASE_URL=url)
    assert result.returncode == 1
    assert "needs migrating to this version; run: python -m dash_app init-db" in result.stderr
