"""Sign-in with Flask-Login: a Flask form (CSRF-protected), and a guard on every request.

A session is valid while its user is active, its generation matches the user's (sign-out,
a password change or reset, a role or provider change and deactivation move it on, ending
every session of that user), it has been used within 30 minutes and it began less than
SESSION_LIFETIME_HOURS (12) ago."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from dash_app import mail_sender
from dash_app.database import sessions, transaction
from dash_app.extensions import login_manager
from dash_app.security import LAST_SEEN, STATUS_PATH, touch_session
from models.access import MAX_ID, AccessRefused, landing_page, may_act
from models.store import links
from models.store.db import is_unreachable
from models.store.entities import User
from models.store.users import (
    MIN_PASSWORD_LENGTH,
    authenticate,
    end_sessions,
    is_email,
    new_password_errors,
    normalise_email,
    sign_in_succeeded,
    take_password_attempt,
)
from notifications.accounts import lifetime_words, link_url, password_reset
from notifications.mail import queue_all

if TYPE_CHECKING:
    from dash_app.settings import Settings

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)

# Reachable without signing in: the sign-in page, the health check, the session status
# (which says "signed out" to a signed-out page), and static files (Dash's own JavaScript
# bundles and our assets hold no data). Pages match exactly.
PUBLIC_PATHS = frozenset({"/login", "/forgot-password", "/reset-password", "/healthz",
                          "/favicon.ico", STATUS_PATH})
# The API (dash_app/api.py) checks its own bearer tokens and never a session.
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/api/v1/")
SIGNED_IN_AT = "signed_in_at"
TOO_MANY = ("There have been too many failed sign-ins for this email address. Wait 15 minutes "
            "and try again, or ask the lead officer to reset your password.")


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


@dataclass
class SignedInUser(UserMixin):
    """What a request knows about its user: a detached, read-only snapshot. It is the
    models.access.Actor every callback and route acts as."""

    id: int
    email: str
    role: str
    provider_id: int | None
    provider_name: str | None
    must_change_password: bool = False
    generation: int = 0

    def get_id(self) -> str:
        # Stored in the signed session cookie: the session names its generation.
        return f"{self.id}:{self.generation}"


def snapshot(user: User) -> SignedInUser:
    return SignedInUser(user.id, user.email, user.role, user.provider_id,
                        user.provider.name if user.provider else None, user.must_change_password,
                        user.session_generation)


@login_manager.user_loader
def load_user(session_id: str) -> SignedInUser | None:
    return session_user(session_id, session)


def session_user(session_id: object, data: Mapping[str, object]) -> SignedInUser | None:
    """The rule for whether a session is still valid, and whose it is: `session_id` is what
    the session names (Flask-Login's "<user id>:<generation>") and `data` the rest of the
    session. Used for every request (load_user) and by a background job, which has only the
    cookies of the request that started it (dash_app.jobs.job_user). Needs an app context."""
    if not isinstance(session_id, str):
        return None
    user_id, _, generation = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and generation.isascii()
            and generation.isdigit()) or int(user_id) > MAX_ID:
        return None  # a cookie from before sessions had generations, or a forged one
    started = data.get(SIGNED_IN_AT)
    settings = current_app.config["MONITOR_SETTINGS"]
    lifetime = settings.session_lifetime.total_seconds()
    if not isinstance(started, int | float) or not 0 <= time.time() - started <= lifetime:
        return None
    # Idle too long. The cookie runs out then too, unless only the session status route (which
    # sends no cookie) was asked since; a session from before LAST_SEEN has the cookie's check.
    last_seen = data.get(LAST_SEEN)
    if isinstance(last_seen, int | float) and time.time() - last_seen > settings.idle_timeout.total_seconds():
        return None
    with sessions()() as db:
        user = db.get(User, int(user_id))
        # A deactivated user's, or an ended session, stops working at once.
        if not may_act(user) or user.session_generation != int(generation):
            return None
        return snapshot(user)


# Where Flask-Login keeps the session's user ("<user id>:<generation>", SignedInUser.get_id).
SESSION_USER_KEY = "_user_id"


def cookie_user(app: Flask, cookies: Mapping[str, str]) -> SignedInUser | None:
    """The user whose session cookie is among `cookies`, by the same rule as every request
    (session_user), or None: no cookie, one not signed with this app's key, or one that
    Flask itself would no longer accept (older than the idle timeout)."""
    cookie = cookies.get(app.config.get("SESSION_COOKIE_NAME") or "session")
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    if not cookie or serializer is None:
        return None
    try:
        data = serializer.loads(cookie, max_age=int(app.permanent_session_lifetime.total_seconds()))
    except BadSignature:  # SignatureExpired too
        return None
    if not isinstance(data, dict):
        return None
    return session_user(data.get(SESSION_USER_KEY), data)


def require_user() -> SignedInUser:
    """The signed-in user, checked on the server: refuses anonymous requests. Flask-Login
    only; what the user may do is models.access's to say."""
    if not current_user.is_authenticated:
        raise AccessRefused("Sign in first.")
    return current_user._get_current_object()  # the SignedInUser, not the proxy


def start_session(user: SignedInUser, started: float | None = None) -> None:
    """Sign the user in on this browser; `started` keeps the absolute lifetime running."""
    session.clear()
    session.permanent = True  # runs out after the idle timeout (dash_app.security)
    login_user(user)
    session[SIGNED_IN_AT] = time.time() if started is None else started
    touch_session()
    # The CSRF secret is in the session from the start: otherwise a page's parallel first
    # requests would each make one, and the cookie that arrives last would win. (Flask-WTF
    # keeps this request's token in g; the session it came from has just been cleared.)
    g.pop("csrf_token", None)
    generate_csrf()


class NewPasswordForm(FlaskForm):
    current = PasswordField("Current password")
    password = PasswordField("New password", validators=[DataRequired("Enter a new password")])
    confirm = PasswordField("New password again", validators=[DataRequired("Enter it again")])


class SignOutForm(FlaskForm):
    """Only the CSRF token: sign-out is a POST from this site."""


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


def _safe_next(target: str | None, home: str = "/") -> str:
    """Only same-site paths, so sign-in cannot be used to redirect elsewhere: a path from
    the root, without a scheme or host, backslashes or control characters. Anything else,
    or no page asked for ("/" is what the guard adds when the bare address was opened),
    leads `home`: the user's landing page (models.access.landing_page)."""
    if (not target or target == "/" or not target.startswith("/") or target.startswith("//")
            or "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target)):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return home
    return target


def ended_notice(reason: str | None) -> str | None:
    """Why a page sent the user here (its `ended` query parameter): the session ran out
    while a page was open (dash_app/session_timeout.py, assets/session_timeout.js)."""
    if reason == "timeout":
        seconds = round(current_app.config["MONITOR_SETTINGS"].idle_timeout.total_seconds())
        idle = (f"{seconds // 60} minute{'s' if seconds >= 120 else ''}" if seconds >= 60
                else f"{seconds} seconds")  # seconds only where the tests shorten it
        why = f"You were signed out because you did nothing for {idle}."
    elif reason == "ended":
        why = "You have been signed out."
    else:
        return None
    return f"{why} Sign in again to carry on: anything you had typed on a return and not saved is offered back."


@bp.route("/login", methods=["GET", "POST"])
def login():  # noqa: ANN201 - a Flask view
    form = LoginForm()
    error = None
    notice = ended_notice(request.args.get("ended"))
    if form.validate_on_submit():
        email = form.email.data or ""
        # Counted, and committed, before the password is checked (see take_password_attempt).
        with transaction() as db:
            allowed = take_password_attempt(db, email)
        if not allowed:
            return render_template("login.html", form=form, error=TOO_MANY, notice=notice), 429
        with transaction() as db:
            user = authenticate(db, email, form.password.data or "")
            signed_in = snapshot(user) if user else None
            if signed_in is not None:
                sign_in_succeeded(db, email)
        if signed_in is not None:
            start_session(signed_in)
            if signed_in.must_change_password:
                return redirect(url_for("auth.set_password"))
            return redirect(_safe_next(request.args.get("next"), landing_page(signed_in)))
        # One message for unknown email and wrong password, so neither is revealed.
        error = "The email address or password is not right. Check them and try again."
    elif request.method == "POST" and form.errors.get("csrf_token"):
        error = "Your sign-in form expired. Please try again."
    status = 401 if request.method == "POST" else 200
    # Back to this page after signing in (or a bookmark of it): say who is signed in and
    # where to carry on, rather than a form that looks as if they were not.
    signed_in_as = current_user if request.method == "GET" and current_user.is_authenticated else None
    return render_template("login.html", form=form, error=error, notice=notice,
                           signed_in_as=signed_in_as.email if signed_in_as else None,
                           onward=landing_page(signed_in_as) if signed_in_as else None), status


@bp.route("/set-password", methods=["GET", "POST"])
def set_password():  # noqa: ANN201
    """Change your password: after a one-time password (invited or reset users) this comes
    before anything else and needs no current password; otherwise the current one is
    needed. Every other session of the user ends; this one carries on."""
    from models.admin.common import AdminError
    from models.admin.users import change_own_password

    form = NewPasswordForm()
    forced = current_user.must_change_password
    error = None
    if form.validate_on_submit():
        if not forced:
            with transaction() as db:
                allowed = take_password_attempt(db, current_user.email)
            if not allowed:
                error = TOO_MANY
        if error is None:
            try:
                with transaction() as db:
                    generation = change_own_password(
                        db, current_user.id, form.password.data or "", form.confirm.data or "",
                        None if forced else form.current.data or "")
                    if not forced:
                        sign_in_succeeded(db, current_user.email)
            except AdminError as exc:
                error = str(exc)
            else:
                user = replace(current_user._get_current_object(), generation=generation,
                               must_change_password=False)
                start_session(user, session.get(SIGNED_IN_AT))
                return redirect(landing_page(user))
    elif request.method == "POST" and form.errors.get("csrf_token"):
        error = "The form expired. Please try again."
    return render_template("set_password.html", form=form, error=error, forced=forced), (
        400 if error else 200)


@bp.route("/logout", methods=["GET", "POST"])
def logout():  # noqa: ANN201
    """POST with the CSRF token ends every session of the user. GET only asks."""
    form = SignOutForm()
    if request.method == "POST" and form.validate_on_submit():
        with transaction() as db:
            end_sessions(db, current_user.id)
        logout_user()
        session.clear()
        return redirect(url_for("auth.login"))
    error = "The sign-out form expired. Please try again." if request.method == "POST" else None
    return render_template("logout.html", form=form, error=error), 400 if error else 200


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address")])


class ChoosePasswordForm(FlaskForm):
    """Checked by models.store.users.new_password_errors, the one rule for new passwords."""

    password = PasswordField("New password")
    confirm = PasswordField("New password again")


# In the session between opening a link and choosing the password: the SHA-256 of the
# link's token (never the token), so the token leaves the address bar at once.
RESET_LINK = "reset_link"
TOO_MANY_RESETS = ("There have been too many requests for this email address. Wait 15 minutes "
                   "and try again, or ask the lead officer to reset your password.")


def _link_pages() -> dict[str, str]:
    return {"reset_lifetime": lifetime_words(links.RESET_LIFETIME),
            "invite_lifetime": lifetime_words(links.INVITE_LIFETIME)}


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():  # noqa: ANN201
    """Ask for a reset link. The answer is the same page, after the same work, whether or not
    the address has an account (or an active one): only the request is counted while the
    asker waits; looking the address up, making the link and sending it happen after the
    response has been sent (models.store.links), so no part of it shows in the answer's time."""
    form = ForgotPasswordForm()
    lifetime = lifetime_words(links.RESET_LIFETIME)
    error = None
    if form.validate_on_submit():
        email = normalise_email(form.email.data or "")
        if not is_email(email):
            form.email.errors = ["Enter an email address in the correct format, like name@example.org"]
        else:
            with transaction() as db:
                allowed = links.count_reset_request(db, email)
            if not allowed:
                return render_template("forgot_password.html", form=form, error=TOO_MANY_RESETS,
                                       lifetime=lifetime), 429
            response = make_response(render_template("reset_link_sent.html", email=email,
                                                     lifetime=lifetime))
            settings, factory = current_app.config["MONITOR_SETTINGS"], sessions()
            response.call_on_close(lambda: _send_reset_link(factory, settings, email))
            return response
    elif request.method == "POST" and form.errors.get("csrf_token"):
        error = "The form expired. Please try again."
    status = 400 if request.method == "POST" else 200
    return render_template("forgot_password.html", form=form, error=error, lifetime=lifetime), status


def _send_reset_link(factory: sessionmaker[Session], settings: Settings, email: str) -> None:
    """After the answer to "Forgot your password?" has gone: the link, if the address is an
    active user's, and its email (never raises: there is no one left to tell)."""
    try:
        with factory() as db, db.begin():
            found = links.reset_link_for(db, email)
            to = (found[0].email, found[0].id, found[1]) if found else None
    except Exception:
        log.exception("A reset link could not be made")
        return
    if to is not None:
        mail = password_reset(to[0], to[1], link_url(settings.public_url, to[2]), links.RESET_LIFETIME)
        mail_sender.dispatch(factory, settings, queue_all(factory, [mail]))


def _link_expired() -> tuple[str, int]:
    session.pop(RESET_LINK, None)
    return render_template("link_expired.html", **_link_pages()), 410


@bp.route("/reset-password", methods=["GET", "POST"])
def reset_password():  # noqa: ANN201
    """Choose a password with an invitation or reset link. Opening the link only checks it
    and moves it out of the address (into the session) — a mail scanner fetching the link
    uses nothing up; saving the password uses the link, ends every session of the user and
    signs them in here."""
    token = request.args.get("token")
    if token is not None:
        hashed = links.token_hash(token)
        with sessions()() as db:
            if links.find(db, hashed) is None:
                return _link_expired()
        session[RESET_LINK] = hashed
        return redirect(url_for("auth.reset_password"), 303)
    hashed = session.get(RESET_LINK)
    if not isinstance(hashed, str):
        return _link_expired()
    with sessions()() as db:
        link = links.find(db, hashed)
        if link is None:
            return _link_expired()
        email = db.get(User, link.user_id).email
        heading = "Choose your password" if link.purpose == links.INVITE else "Choose a new password"
    form = ChoosePasswordForm()
    problems: dict[str, str] = {}
    if form.validate_on_submit():
        problems = new_password_errors(form.password.data or "", form.confirm.data or "")
        if not problems:
            with transaction() as db:
                user = links.redeem(db, hashed, form.password.data or "")
                signed_in = snapshot(user) if user else None
                if user is not None:
                    sign_in_succeeded(db, user.email)
            if signed_in is None:
                return _link_expired()  # used or expired since the page was shown
            start_session(signed_in)
            return redirect(landing_page(signed_in))
    elif request.method == "POST" and form.errors.get("csrf_token"):
        problems = {"password": "The form expired. Please enter your new password again."}
    return render_template("choose_password.html", form=form, problems=problems, email=email,
                           heading=heading, min_length=MIN_PASSWORD_LENGTH), 400 if problems else 200


def _no_referrer(response: Response) -> Response:
    """Pages that hold or held a link's token send no Referer anywhere (Flask-Talisman's
    same-origin policy is replaced: this hook runs after it)."""
    if request.endpoint in ("auth.reset_password", "auth.forgot_password"):
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


_ANSWERS_SIGNED_OUT = "monitor.answers_signed_out"
UNREACHABLE_PAGE = ("The app cannot reach its database just now, so this page cannot be shown. "
                    "Try again in a minute.")


def answers_signed_out(server: Flask, first_output: str) -> None:
    """Let a signed-out request for the callback whose first output is `first_output` (like
    "rv-summary.children") past the guard, to be answered by the callback itself. Only for a
    callback that checks the user before anything else and tells a signed-out one so in
    words (and how to sign in again): the guard's refusal, a 401, reaches the Dash renderer
    as a script error with nothing on the page. Every other callback is still refused here."""
    server.config.setdefault(_ANSWERS_SIGNED_OUT, set()).add(first_output)


def _callback_answers_signed_out() -> bool:
    """True for a Dash callback request naming one of those callbacks. Dash runs the callback
    its body's "output" names, so that is what is checked (not "outputs", which it ignores)."""
    if request.method != "POST" or request.path != "/_dash-update-component":
        return False
    body = request.get_json(silent=True)
    output = body.get("output") if isinstance(body, dict) else None
    if not isinstance(output, str):
        return False
    # "a.children" for one output; "..a.children...b.value.." for several.
    first = output[2:].split("...", 1)[0] if output.startswith("..") else output
    return first.split("@", 1)[0] in current_app.config.get(_ANSWERS_SIGNED_OUT, ())


def _guard():  # noqa: ANN202
    if is_public(request.path):
        return None
    try:
        signed_in = current_user.is_authenticated  # loads the user from the database
    except SQLAlchemyError as exc:
        if not is_unreachable(exc):
            raise
        if _callback_answers_signed_out():
            return None  # it loads the user again, and says the database cannot be reached
        if request.path.startswith("/_dash-") or request.method != "GET":
            return jsonify(error=UNREACHABLE_PAGE), 503
        return Response(UNREACHABLE_PAGE, status=503, mimetype="text/plain")
    if signed_in:
        if current_user.must_change_password and request.path not in ("/set-password", "/logout"):
            if request.path.startswith(("/_dash-", "/export")) or request.method != "GET":
                return jsonify(error="Set a new password first."), 403
            return redirect(url_for("auth.set_password"))
        return None
    if _callback_answers_signed_out():
        return None
    if request.path.startswith(("/_dash-", "/_reload-hash", "/export")) or request.method != "GET":
        return jsonify(error="Sign in first."), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _too_many_requests(_error: Exception) -> tuple[Response | str, int]:
    """Flask-Limiter's refusal, in words."""
    if request.path.startswith("/api/"):
        return jsonify(code=429, status="Too Many Requests",
                       message="Too many requests with this token: wait a minute and try again."), 429
    message = "There have been too many sign-in attempts from your network. Wait a minute and try again."
    if request.path == "/login":
        return render_template("login.html", form=LoginForm(), error=message), 429
    if request.path == "/forgot-password":
        return render_template("forgot_password.html", form=ForgotPasswordForm(), error=message,
                               lifetime=lifetime_words(links.RESET_LIFETIME)), 429
    return Response(message, mimetype="text/plain"), 429


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    app.register_blueprint(bp)
    app.before_request(_guard)
    # Registered before Flask-Talisman's (dash_app.security), so it runs after it.
    app.after_request(_no_referrer)
    app.register_error_handler(429, _too_many_requests)
