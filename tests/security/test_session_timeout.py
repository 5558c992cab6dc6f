"""The session's time left and "Stay signed in" (dash_app/session_timeout.py): asking does
not extend the session, extending needs the CSRF token, and nothing extends a session past
its absolute lifetime. The idle timeout counts from the last request that was activity."""

from __future__ import annotations

import time

import pytest
from sqlalchemy.exc import OperationalError

from dash_app.auth import SIGNED_IN_AT
from dash_app.security import LAST_SEEN
from dash_app.settings import load_settings
from tests.helpers.web import csrf_token, sign_in

IDLE = 30 * 60
VIEWER = "viewer@demo.local"


@pytest.fixture
def client(demo_app):
    return demo_app.server.test_client()


def set_session(client, **values) -> None:
    with client.session_transaction() as s:
        s.update(values)


def last_seen(client) -> float:
    with client.session_transaction() as s:
        return s[LAST_SEEN]


def status(client):
    response = client.get("/session/status")
    return response, response.get_json()


def test_signed_out_the_status_says_so_and_sets_no_cookie(client):
    response, body = status(client)
    assert response.status_code == 200 and body == {"signedIn": False}
    assert "Set-Cookie" not in response.headers
    # Extending needs a session; the sign-in guard refuses it in words.
    refused = client.post("/session/extend")
    assert refused.status_code == 401 and "Sign in first" in refused.get_data(as_text=True)


def test_the_status_reports_the_time_left_without_extending(client):
    sign_in(client, VIEWER)
    ten_minutes_ago = time.time() - 600
    set_session(client, **{LAST_SEEN: ten_minutes_ago})
    for _ in range(2):  # asking twice changes nothing
        response, body = status(client)
        assert response.status_code == 200
        assert body["signedIn"] is True and body["extendable"] is True
        assert IDLE - 600 - 5 <= body["secondsLeft"] <= IDLE - 600
        assert body["warnSeconds"] == 120 and body["csrfToken"]
        assert "Set-Cookie" not in response.headers  # the cookie's own expiry is not moved on
        assert last_seen(client) == ten_minutes_ago


def test_other_signed_in_requests_are_activity(client):
    sign_in(client, VIEWER)
    set_session(client, **{LAST_SEEN: time.time() - 600})
    assert client.get("/returns").status_code == 200
    assert time.time() - last_seen(client) < 5
    _, body = status(client)
    assert body["secondsLeft"] >= IDLE - 5


def test_idle_too_long_is_signed_out_whatever_only_asked_meanwhile(client):
    """The cookie is still fresh (asking kept no cookie, but the test's own write renewed it):
    the session's last activity is what counts."""
    sign_in(client, VIEWER)
    set_session(client, **{LAST_SEEN: time.time() - IDLE - 1})
    _, body = status(client)
    assert body == {"signedIn": False}
    page = client.get("/returns")
    assert page.status_code == 302 and "/login" in page.headers["Location"]


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_stay_signed_in_without_the_csrf_token_is_refused(client, token):
    sign_in(client, VIEWER)
    before = time.time() - 600
    set_session(client, **{LAST_SEEN: before})
    headers = {} if token is None else {"X-CSRFToken": token}
    response = client.post("/session/extend", headers=headers)
    assert response.status_code == 400
    assert "Reload it to stay signed in" in response.get_json()["error"]
    assert "Set-Cookie" not in response.headers
    assert last_seen(client) == before


def test_stay_signed_in_starts_the_idle_timeout_again(client):
    sign_in(client, VIEWER)
    set_session(client, **{LAST_SEEN: time.time() - IDLE + 60})
    _, body = status(client)
    assert body["secondsLeft"] <= 60
    response = client.post("/session/extend", headers={"X-CSRFToken": body["csrfToken"]})
    assert response.status_code == 200
    assert response.get_json()["secondsLeft"] >= IDLE - 5
    assert time.time() - last_seen(client) < 5
    # A page's own token (its sign-out form's) works too.
    page_token = csrf_token(client, "/logout")
    assert client.post("/session/extend", headers={"X-CSRFToken": page_token}).status_code == 200


def test_nothing_extends_a_session_past_its_absolute_lifetime(client):
    sign_in(client, VIEWER)
    twelve_hours = 12 * 3600
    set_session(client, **{SIGNED_IN_AT: time.time() - twelve_hours + 90})
    _, body = status(client)
    assert body["secondsLeft"] <= 90 and body["extendable"] is False
    extended = client.post("/session/extend", headers={"X-CSRFToken": body["csrfToken"]})
    assert extended.status_code == 200 and extended.get_json()["secondsLeft"] <= 90
    set_session(client, **{SIGNED_IN_AT: time.time() - twelve_hours - 1})
    assert status(client)[1] == {"signedIn": False}


def test_the_status_when_the_database_is_away_signs_no_one_out(client, monkeypatch):
    import dash_app.auth

    sign_in(client, VIEWER)

    def refused(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(dash_app.auth, "sessions", refused)
    response, body = status(client)
    assert response.status_code == 503 and body == {"reachable": False}


@pytest.mark.parametrize(("reason", "words"), [
    ("timeout", "You were signed out because you did nothing for 30 minutes."),
    ("ended", "You have been signed out."),
])
def test_the_sign_in_page_says_why_the_session_ended(client, reason, words):
    page = client.get(f"/login?next=/returns&ended={reason}").get_data(as_text=True)
    assert words in page and "anything you had typed on a return and not saved is offered back" in page
    assert "signed-out-notice" not in client.get("/login?ended=<script>").get_data(as_text=True)


def test_the_idle_timeout_is_a_setting():
    settings = load_settings({"IDLE_TIMEOUT_MINUTES": "20", "SECRET_KEY": "k" * 40})
    assert settings.idle_timeout.total_seconds() == 1200
    assert load_settings({"SECRET_KEY": "k" * 40}).idle_timeout.total_seconds() == IDLE
