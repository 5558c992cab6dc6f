"""Cookies, idle timeout, sign-in throttling and security headers."""

import datetime as dt

import pytest

from tests.helpers.config import DEMO_PASSWORD
from tests.helpers.web import sign_in, sign_out


@pytest.fixture
def client(demo_app):
    return demo_app.server.test_client()


def test_security_headers_on_pages_routes_and_callbacks(client):
    for path in ("/login", "/healthz"):
        headers = client.get(path).headers
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        script_src = next(p for p in csp.split("; ") if p.startswith("script-src"))
        # Inline scripts only by hash (Dash's own); no eval, no inline, nothing remote.
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert "http" not in script_src
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags_and_idle_timeout(demo_app, client):
    response = sign_in(client, "viewer@demo.local")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert demo_app.server.permanent_session_lifetime == dt.timedelta(minutes=30)
    assert "Expires=" in cookie  # a permanent session that runs out when idle


def test_production_cookies_are_secure(tmp_path, db_url, demo_factory):
    from dash_app.factory import create_app
    from dash_app.settings import Settings

    app = create_app(Settings(database_url=db_url, secret_key="p" * 40, env="production"))
    assert app.server.config["SESSION_COOKIE_SECURE"] is True
    assert app.server.config["REMEMBER_COOKIE_SECURE"] is True


def test_repeated_failures_are_throttled_with_one_message(client):
    for _ in range(5):
        assert sign_in(client, "viewer@demo.local", "wrong-password").status_code == 401
    blocked = sign_in(client, "viewer@demo.local", DEMO_PASSWORD)
    assert blocked.status_code == 429
    assert "too many failed sign-ins" in blocked.get_data(as_text=True)
    # Another account is not affected, and an unknown email is throttled the same way.
    assert sign_in(client, "admin@demo.local").status_code == 302
    for _ in range(5):
        sign_in(client, "nobody@demo.local", "guess")
    assert sign_in(client, "nobody@demo.local", "guess").status_code == 429


def test_a_successful_sign_in_clears_the_count(client):
    for _ in range(4):
        sign_in(client, "viewer@demo.local", "wrong-password")
    assert sign_in(client, "viewer@demo.local").status_code == 302
    sign_out(client)
    for _ in range(4):
        sign_in(client, "viewer@demo.local", "wrong-password")
    assert sign_in(client, "viewer@demo.local").status_code == 302



def test_the_sign_in_page_says_who_is_signed_in_and_where_to_carry_on(client):
    """Back to /login after signing in: the page says the person is signed in, links to
    their own pages (a provider's returns), and still lets someone else sign in."""
    assert "signed-in-notice" not in client.get("/login").get_data(as_text=True)
    sign_in(client, "safer-futures-support@demo.local")
    page = " ".join(client.get("/login").get_data(as_text=True).split())
    assert "You are signed in as safer-futures-support@demo.local." in page
    assert '<a href="/returns">Carry on to your pages</a>' in page
    assert sign_in(client, "admin@demo.local").status_code == 302
    assert "signed in as admin@demo.local." in " ".join(client.get("/login").get_data(as_text=True).split())
    sign_out(client)
    assert "signed-in-notice" not in client.get("/login").get_data(as_text=True)
