"""What a Celery worker starts from: `celery -A dash_app.worker worker --loglevel=INFO`.

It builds the whole app, as the web server does, because Dash registers each background
callback as a Celery task when the callback is defined: the worker knows the jobs only once
the app's callbacks are (Dash's own CeleryManager example does the same). It needs the web
server's settings (DATABASE_URL, SECRET_KEY, MONITOR_TODAY if set, CELERY_BROKER_URL...) and,
for the PDF pack's charts, Chromium (BROWSER_PATH)."""

from __future__ import annotations

import sys

from dash_app.factory import create_app
from dash_app.jobs import celery_of
from dash_app.settings import ConfigError

NO_BROKER = ("the Celery worker needs CELERY_BROKER_URL (redis://…); without it, background "
             "jobs run beside the web server and need no worker.")

try:
    web = create_app()
    app = celery_of(web.server)  # Celery looks for `app` in this module
    if app is None:
        raise ConfigError(NO_BROKER)
except ConfigError as exc:  # one sentence, as the web server's entry point (wsgi.py) says it
    print(f"CWP Outcomes Monitor's worker cannot start: {exc}", file=sys.stderr)
    raise SystemExit(1) from None
