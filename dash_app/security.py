"""Response headers and session rules that every page and route gets."""

from __future__ import annotations

import datetime as dt

from dash import Dash
from flask import Flask, Response, session

IDLE_TIMEOUT = dt.timedelta(minutes=30)


def content_security_policy(app: Dash) -> str:
    """Scripts only from this server and Dash's own inline scripts (by hash); nothing from
    elsewhere. Styles allow inline because React and the grid set style attributes.
    'unsafe-eval' stays because AG Grid evaluates its row and cell class rules."""
    hashes = " ".join(app.csp_hashes())  # already quoted: 'sha256-…'
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {hashes}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def init_app(server: Flask, app: Dash) -> None:
    server.permanent_session_lifetime = IDLE_TIMEOUT
    policy: dict[str, str] = {}

    @server.before_request
    def _refresh_session() -> None:
        # A permanent session whose expiry moves on with each request: idle for 30 minutes
        # and the signed cookie is no longer accepted.
        session.permanent = True
        if "_user_id" in session:  # only a signed-in session needs its expiry moved on
            session.modified = True

    @server.after_request
    def _headers(response: Response) -> Response:
        if "csp" not in policy:  # the inline scripts are known once the app is set up
            policy["csp"] = content_security_policy(app)
        response.headers.setdefault("Content-Security-Policy", policy["csp"])
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
