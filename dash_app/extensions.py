"""Unbound extension objects; create_app binds them (no import circles)."""

from __future__ import annotations

from flask_caching import Cache
from flask_login import LoginManager

login_manager = LoginManager()
# The one cache of computed views (dash_app/cache.py binds it per app and says what it holds).
cache = Cache(with_jinja2_ext=False)
