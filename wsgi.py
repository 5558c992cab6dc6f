"""Entry point for gunicorn: `gunicorn wsgi:server`."""

import sys

from dash_app.factory import create_app
from dash_app.runtime import tune_gc
from dash_app.settings import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    print(f"CWP Outcomes Monitor cannot start: {exc}", file=sys.stderr)
    raise SystemExit(1) from None

server = app.server
tune_gc()
