"""Unbound extension objects; create_app binds them (no import circles)."""

from __future__ import annotations

from flask_login import LoginManager

login_manager = LoginManager()
