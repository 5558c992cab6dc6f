"""Sign-in with Flask-Login: a Flask form (CSRF-protected), and a guard on every request."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, Flask, jsonify, redirect, render_template, request, url_for
from flask_login import UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from dash_app.database import sessions, transaction
from dash_app.extensions import login_manager
from models.entities import User
from models.users import authenticate, record_sign_in, sign_in_blocked

bp = Blueprint("auth", __name__)

# Reachable without signing in: the sign-in page, the health check, and static files
# (Dash's own JavaScript bundles and our assets hold no data).
PUBLIC_PREFIXES = ("/login", "/healthz", "/assets/", "/_dash-component-suites/", "/favicon.ico")


@dataclass
class SignedInUser(UserMixin):
    """What a request knows about its user: a detached, read-only snapshot."""

    id: int
    email: str
    role: str
    provider_id: int | None
    provider_name: str | None
    must_change_password: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_provider(self) -> bool:
        return self.role == "provider"


def snapshot(user: User) -> SignedInUser:
    return SignedInUser(user.id, user.email, user.role, user.provider_id,
                        user.provider.name if user.provider else None, user.must_change_password)


@login_manager.user_loader
def load_user(user_id: str) -> SignedInUser | None:
    with sessions()() as session:
        user = session.get(User, int(user_id))
        # A deactivated user's existing session stops working at once.
        return snapshot(user) if user is not None and user.active else None


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired("Enter a new password")])
    confirm = PasswordField("New password again", validators=[DataRequired("Enter it again")])


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so sign-in cannot be used to redirect elsewhere."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():  # noqa: ANN201 - a Flask view
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        email = form.email.data or ""
        with transaction() as session:
            blocked = sign_in_blocked(session, email)
            user = None if blocked else authenticate(session, email, form.password.data or "")
            signed_in = snapshot(user) if user else None
            if not blocked:
                record_sign_in(session, email, signed_in is not None)
        if blocked:
            error = ("There have been too many failed sign-ins for this email address. Wait 15 "
                     "minutes and try again, or ask the lead officer to reset your password.")
            return render_template("login.html", form=form, error=error), 429
        if signed_in is not None:
            login_user(signed_in)
            if signed_in.must_change_password:
                return redirect(url_for("auth.set_password"))
            return redirect(_safe_next(request.args.get("next")))
        # One message for unknown email and wrong password, so neither is revealed.
        error = "The email address or password is not right. Check them and try again."
    elif request.method == "POST" and form.errors.get("csrf_token"):
        error = "Your sign-in form expired. Please try again."
    status = 401 if request.method == "POST" else 200
    return render_template("login.html", form=form, error=error), status


@bp.route("/set-password", methods=["GET", "POST"])
def set_password():  # noqa: ANN201
    """Replace a one-time password (invited or reset users) before anything else."""
    from models.admin import AdminError, change_own_password

    form = NewPasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            with transaction() as session:
                change_own_password(session, current_user.id, form.password.data or "",
                                    form.confirm.data or "")
        except AdminError as exc:
            error = str(exc)
        else:
            return redirect("/")
    return render_template("set_password.html", form=form, error=error), 400 if error else 200


@bp.route("/logout", methods=["GET", "POST"])
def logout():  # noqa: ANN201
    logout_user()
    return redirect(url_for("auth.login"))


def _guard():  # noqa: ANN202
    if request.path.startswith(PUBLIC_PREFIXES):
        return None
    if current_user.is_authenticated:
        if current_user.must_change_password and request.path not in ("/set-password", "/logout"):
            if request.path.startswith(("/_dash-", "/export")) or request.method != "GET":
                return jsonify(error="Set a new password first."), 403
            return redirect(url_for("auth.set_password"))
        return None
    if request.path.startswith(("/_dash-", "/_reload-hash", "/export")) or request.method != "GET":
        return jsonify(error="Sign in first."), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    app.register_blueprint(bp)
    app.before_request(_guard)
