"""Background jobs' settings (dash_app/settings.py, dash_app/jobs.py): diskcache by default,
Celery on Redis when CELERY_BROKER_URL is set; a bad value is one sentence."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dash_app.settings import INSTANCE, ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_diskcache_in_the_instance_folder_by_default():
    settings = load_settings({})
    assert settings.jobs_dir == INSTANCE / "jobs"
    assert settings.celery_broker_url is None and settings.celery_result_backend is None
    assert load_settings({"JOBS_DIR": "/var/lib/cwp/jobs"}).jobs_dir == Path("/var/lib/cwp/jobs")


def test_celery_results_go_to_the_broker_unless_told_otherwise():
    one = load_settings({"CELERY_BROKER_URL": "redis://cache.internal:6379/1"})
    assert one.celery_result_backend == "redis://cache.internal:6379/1"
    two = load_settings({"CELERY_BROKER_URL": "rediss://a:6380/1",
                         "CELERY_RESULT_BACKEND": "redis://b:6379/2"})
    assert (two.celery_broker_url, two.celery_result_backend) == ("rediss://a:6380/1", "redis://b:6379/2")


@pytest.mark.parametrize("name", ["CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"])
def test_anything_but_redis_is_one_sentence_without_the_password(name):
    with pytest.raises(ConfigError) as refused:
        load_settings({"CELERY_BROKER_URL": "redis://h:6379/0",
                       name: "amqp://guest:s3cret@rabbit.internal//"})
    assert str(refused.value) == (f"{name} must be a Redis address like redis://127.0.0.1:6379/0, "
                                  "not 'rabbit.internal//'.")


def test_the_worker_without_a_broker_says_so_in_one_sentence(tmp_path):
    from models.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'w.db'}"
    upgrade(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
    result = subprocess.run([sys.executable, "-c", "import dash_app.worker"], cwd=ROOT,
                            env={**env, "DATABASE_URL": url}, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "CWP Outcomes Monitor's worker cannot start: the Celery worker needs CELERY_BROKER_URL "
        "(redis://…); without it, background jobs run beside the web server and need no worker.")


# Dash registers every background callback defined so far with every manager made so far:
# the second app built in this process registers the first's download job again. A worker
# builds one app, and registers each job once (the last assertion).
@pytest.mark.filterwarnings("ignore::celery.exceptions.DuplicateTaskNameWarning")
def test_the_app_chooses_its_manager(tmp_path):
    from dash_app.factory import create_app
    from dash_app.jobs import Celery, Diskcache, celery_of
    from models.store.migrate import upgrade
    from tests.helpers.config import settings_for

    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    plain = create_app(settings_for(url, jobs_dir=tmp_path / "jobs"))
    assert isinstance(plain._background_manager, Diskcache)
    assert (tmp_path / "jobs").is_dir() and celery_of(plain.server) is None
    # Celery connects lazily: no Redis is needed to build the app.
    broker = "redis://127.0.0.1:1/0"
    queued = create_app(settings_for(url, celery_broker_url=broker, celery_result_backend=broker))
    assert isinstance(queued._background_manager, Celery)
    celery = celery_of(queued.server)
    assert celery.conf.broker_url == broker and celery.conf.task_serializer == "json"
    assert any(name.startswith("background_callback_") for name in celery.tasks)
