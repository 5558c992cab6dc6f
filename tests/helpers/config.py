"""The suite's fixed date, demo password and secret, and the app's settings for a test database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tempfile
from pathlib import Path

from dash_app.settings import Settings

TODAY = dt.date(2026, 11, 25)
DEMO_PASSWORD = "demo-password-for-tests"
SECRET = "t" * 40


# Tests never write into the project's instance/outbox.
TEST_OUTBOX = Path(tempfile.gettempdir()) / f"cwp-test-outbox-{os.getpid()}"
# Nor into instance/jobs (background jobs' progress and results, dash_app/jobs.py).
TEST_JOBS = Path(tempfile.gettempdir()) / f"cwp-test-jobs-{os.getpid()}"


def settings_for(url: str, **changes: object) -> Settings:
    # Each app its own chart pictures: a pack drawn from another test's pictures would finish
    # before its progress could be seen.
    settings = Settings(database_url=url, secret_key=SECRET, env="development", today=TODAY,
                        outbox_dir=TEST_OUTBOX, jobs_dir=TEST_JOBS,
                        chart_cache_dir=Path(tempfile.mkdtemp(prefix="cwp-test-charts-")),
                        # and its own kept exports: one test's file is never another's; no
                        # process watching for files to prepare (a test asks for it itself)
                        export_cache_dir=Path(tempfile.mkdtemp(prefix="cwp-test-exports-")),
                        export_prepare_metrics=0)
    return dataclasses.replace(settings, **changes) if changes else settings
