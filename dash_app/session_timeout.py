"""The session's time left, for the GOV.UK timeout warning (assets/session_timeout.js).

GET /session/status says whether this browser is signed in and how many seconds the session
has left, from what the server knows: so a tab that has been idle sees the activity of the
user's other tabs (they share the cookie). It is not activity itself: it neither moves the
idle timeout on nor sends the cookie back (dash_app.security). It also hands the page a
fresh CSRF token, for the extend request below, as a page's own token may be older than the
token's time limit.

POST /session/extend ("Stay signed in") is activity: with a valid CSRF token it starts the
idle timeout again. Nothing extends a session past its absolute lifetime
(settings.session_lifetime, dash_app.auth.load_user)."""

from __future__ import annotations

import time

from flask import Blueprint, Flask, current_app, jsonify, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from sqlalchemy.exc import SQLAlchemyError
from wtforms.validators import ValidationError

from dash_app.auth import SIGNED_IN_AT
from dash_app.security import EXTEND_PATH, LAST_SEEN, STATUS_PATH, leave_session_alone, touch_session
from models.store.db import is_unreachable

bp = Blueprint("session_timeout", __name__)
CSRF_HEADER = "X-CSRFToken"


def time_left() -> dict[str, object]:
    """The signed-in session's seconds left (the sooner of the idle timeout and the absolute
    lifetime), when to warn, and whether staying signed in would win any time."""
    settings = current_app.config["MONITOR_SETTINGS"]
    now = time.time()
    idle = settings.idle_timeout.total_seconds()
    last_seen = session.get(LAST_SEEN, now)
    idle_end = (last_seen if isinstance(last_seen, int | float) else now) + idle
    absolute_end = float(session.get(SIGNED_IN_AT, now)) + settings.session_lifetime.total_seconds()
    return {
        "signedIn": True,
        "secondsLeft": max(0, round(min(idle_end, absolute_end) - now)),
        "warnSeconds": round(min(settings.timeout_warning.total_seconds(), idle)),
        "extendable": absolute_end > idle_end,  # else the end is the absolute lifetime's
    }


def _signed_in() -> bool | None:
    """Whether someone is signed in (loads the user); None when the database is unreachable."""
    try:
        return bool(current_user.is_authenticated)
    except SQLAlchemyError as exc:
        if not is_unreachable(exc):
            raise
        return None


@bp.route(STATUS_PATH)
def status():  # noqa: ANN201 - a Flask view
    leave_session_alone()
    signed_in = _signed_in()
    if signed_in is None:  # the page tries again later; it does not sign anyone out
        return jsonify(reachable=False), 503
    if not signed_in:
        return jsonify(signedIn=False)
    return jsonify(**time_left(), csrfToken=generate_csrf())


@bp.route(EXTEND_PATH, methods=["POST"])
def extend():  # noqa: ANN201
    """Signed in (the sign-in guard refuses anyone else with a 401), and the CSRF token from
    the page: the idle timeout starts again."""
    try:
        validate_csrf(request.headers.get(CSRF_HEADER) or request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        leave_session_alone()
        return jsonify(error="The page is out of date. Reload it to stay signed in."), 400
    touch_session()
    return jsonify(**time_left())


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


