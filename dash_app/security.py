"""Response headers and session rules that every page and route gets.

Flask-Talisman sets the Content-Security-Policy (with Dash's inline scripts by hash),
X-Frame-Options, X-Content-Type-Options, Referrer-Policy, Permissions-Policy and, in
production, Strict-Transport-Security. This module adds what Talisman does not:
`Cache-Control: no-store` on everything but static files, and the sliding idle timeout."""

from __future__ import annotations

import datetime as dt

from dash import Dash
from flask import Flask, Response, request, session
from flask_talisman import Talisman

from dash_app.settings import Settings

IDLE_TIMEOUT = dt.timedelta(minutes=30)
# Static files hold no data and may be cached; everything else may carry data.
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/favicon.ico")


def content_security_policy(app: Dash) -> dict[str, str | list[str]]:
    """Scripts only from this server and Dash's own inline scripts (by hash); nothing from
    elsewhere, no eval. Styles allow inline because React and the grid set style attributes."""
    return {
        "default-src": "'self'",
        "script-src": ["'self'", *app.csp_hashes()],  # already quoted: 'sha256-…'
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def init_app(server: Flask, app: Dash, settings: Settings) -> None:
    """Call after every callback is registered: the policy hashes Dash's inline scripts."""
    server.permanent_session_lifetime = IDLE_TIMEOUT
    Talisman(
        server,
        content_security_policy=content_security_policy(app),
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()"},
        # TLS ends at the reverse proxy, which redirects http to https itself; a redirect
        # here would also turn away a load balancer's plain-http /healthz.
        force_https=False,
        # Sent on requests that arrived over https (X-Forwarded-Proto from the proxy).
        strict_transport_security=settings.production,
        session_cookie_secure=settings.production,
    )

    @server.before_request
    def _refresh_session() -> None:
        # A permanent session whose expiry moves on with each request: idle for 30 minutes
        # and the signed cookie is no longer accepted. (The absolute lifetime is checked
        # when the user is loaded: dash_app.auth.load_user.)
        session.permanent = True
        if "_user_id" in session:  # only a signed-in session needs its expiry moved on
            session.modified = True

    @server.after_request
    def _no_store(response: Response) -> Response:
        if not request.path.startswith(STATIC_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
        return response
