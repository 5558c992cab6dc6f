"""Response headers and session rules that every page and route gets.

Flask-Talisman sets the Content-Security-Policy (with Dash's inline scripts by hash),
X-Frame-Options, X-Content-Type-Options, Referrer-Policy, Permissions-Policy and, in
production, Strict-Transport-Security. This module adds what Talisman does not:
`Cache-Control: no-store` on everything but static files, and the sliding idle timeout.

The idle timeout is kept twice, and both agree: Flask's signed cookie runs out
`idle_timeout` after it was last sent (permanent_session_lifetime), and the session holds
when it was last used (LAST_SEEN), which dash_app.auth.load_user checks. The second is what
lets the session status route (dash_app/session_timeout.py) report the time left without
moving it on: that route sends no cookie back at all."""

from __future__ import annotations

import datetime as dt
import time

from dash import Dash
from flask import Flask, Response, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_talisman import Talisman

from dash_app.settings import Settings

IDLE_TIMEOUT = dt.timedelta(minutes=30)  # the default of settings.idle_timeout
LAST_SEEN = "last_seen"  # in the session: when a signed-in request last used it (epoch seconds)
# The session timeout's own routes: they say themselves whether the session moves on.
STATUS_PATH = "/session/status"
EXTEND_PATH = "/session/extend"
_UNTOUCHED = "monitor_session_untouched"
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


def touch_session() -> None:
    """This signed-in request is activity: the idle timeout starts again from now."""
    session[LAST_SEEN] = time.time()


def leave_session_alone() -> None:
    """Send no session cookie with this response: the session is only read (see the
    module's note), so nothing about it moves on."""
    g.setdefault(_UNTOUCHED, True)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a response may leave the cookie alone.
    Re-sending it, even unchanged, restarts its expiry; and a cookie re-sent from a read
    could overwrite a newer one that another tab's request set meanwhile."""

    def should_set_cookie(self, app: Flask, session: object) -> bool:
        if g.get(_UNTOUCHED):
            return False
        return super().should_set_cookie(app, session)  # type: ignore[arg-type]


def init_app(server: Flask, app: Dash, settings: Settings) -> None:
    """Call after every callback is registered: the policy hashes Dash's inline scripts."""
    server.permanent_session_lifetime = settings.idle_timeout
    server.session_interface = SessionInterface()
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
        if request.path.startswith("/api/"):
            return  # the API has no session: it neither reads nor sets one (dash_app/api.py)
        session.permanent = True
        if request.path in (STATUS_PATH, EXTEND_PATH):
            return  # asking for the time left is not activity; extending is, once checked
        if "_user_id" in session:  # only a signed-in session needs its expiry moved on
            touch_session()

    @server.after_request
    def _no_store(response: Response) -> Response:
        if not request.path.startswith(STATIC_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
        return response
