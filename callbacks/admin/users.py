"""Users on the admin page: invite, change role, provider or status, reset a password."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update
from flask import current_app
from sqlalchemy.orm import Session

from callbacks.admin.guard import picked_id, run_admin
from callbacks.common import one_time_password_lifetime, sessions
from dash_app import mail_sender
from dash_app.settings import Settings
from layouts import ids
from layouts.admin import NO_PROVIDER, message, user_table
from models.admin import users as commands
from models.admin import views
from models.admin.common import AdminError
from models.admin.views import UserRow
from models.store import links
from models.store.entities import User
from notifications import accounts
from notifications.mail import queue_all


def _user_outputs(done: Any, rows: list[UserRow]) -> tuple:
    return done, user_table(rows), [{"label": u.email, "value": str(u.id)} for u in rows]


def _days(period: dt.timedelta) -> str:
    days = period.total_seconds() / 86400
    return f"{days:g} day" + ("" if days == 1 else "s")


NO_MAIL = ("Mail is not configured (no SMTP_URL), so nothing was emailed. ")


def _settings() -> Settings:
    return current_app.config["MONITOR_SETTINGS"]


# How long the admin's screen waits for its one email before saying it is on its way
# (the request stays well under 5 s; a refusing server takes ~4 s over its retries).
MAIL_WAIT_SECONDS = 2.0
ON_ITS_WAY = "on its way"


def _email_link(email: str, user_id: int, token: str, purpose: str) -> str | None:
    """Send the invitation or reset email (after the command committed) in the background,
    waiting briefly for it: None when it went, ON_ITS_WAY when it has not settled yet, or
    why it did not go, in words."""
    settings = _settings()
    url = accounts.link_url(settings.public_url, token)
    mail = (accounts.invitation(email, user_id, url, links.INVITE_LIFETIME) if purpose == links.INVITE
            else accounts.password_reset(email, user_id, url, links.RESET_LIFETIME, by_admin=True))
    ids = queue_all(sessions(), [mail])
    if not ids:
        return "it could not be recorded"
    mail_sender.dispatch(sessions(), settings, ids)
    record = mail_sender.wait_settled(sessions(), ids, MAIL_WAIT_SECONDS).get(ids[0])
    if record is None:
        return "it could not be recorded"
    if record.status == "sent":
        return None
    if record.status in mail_sender.UNSETTLED:
        return ON_ITS_WAY
    return record.error or "it could not be sent"


def _not_sent(email: str, why: str) -> str:
    return (f"The email to {email} could not be sent ({why.rstrip('.')}). Check the mail settings "
            "(SMTP_URL) or try again later: choose the user under Change a user and press Reset "
            "password to send a new link. Administration → Outbox lists every message sent.")


def invite(email: str | None, role: str | None, provider: str | None) -> tuple:
    if _settings().smtp_url:
        return _invite_by_email(email, role, provider)

    def work(s: Session, u: Any) -> tuple[str, list[UserRow]]:
        user, password = commands.invite_user(s, u, email or "", role or "", picked_id(provider),
                                              one_time_password_lifetime())
        return (f"Invited {user.email}. {NO_MAIL}Give them this one-time password; it works once, "
                f"within {_days(one_time_password_lifetime())}, and must be changed at that "
                f"sign-in: {password}"), views.users(s, u)

    ok, result = run_admin("invite user", work)
    if not ok:
        return result, no_update, no_update, no_update
    # The email box clears for the next invitation; the password stays in the message.
    return (*_user_outputs(message(result[0]), result[1]), "")


def _invite_by_email(email: str | None, role: str | None, provider: str | None) -> tuple:
    def work(s: Session, u: Any) -> tuple[str, int, str, list[UserRow]]:
        user, token = commands.invite_user_by_link(s, u, email or "", role or "", picked_id(provider))
        return user.email, user.id, token, views.users(s, u)

    ok, result = run_admin("invite user", work)
    if not ok:
        return result, no_update, no_update, no_update
    address, user_id, token, rows = result
    problem = _email_link(address, user_id, token, links.INVITE)
    lifetime = accounts.lifetime_words(links.INVITE_LIFETIME)
    done = (message(f"An invitation was emailed to {address}. Its link works once, within "
                    f"{lifetime}.") if problem is None
            else message(f"{address} was added. An invitation is on its way to {address} "
                         f"(Administration → Mail shows when it has gone). Its link works once, "
                         f"within {lifetime}.") if problem == ON_ITS_WAY
            else message(f"{address} was added. " + _not_sent(address, problem), ok=False))
    return (*_user_outputs(done, rows), "")


def load_user(pick: str | None) -> tuple:
    uid = picked_id(pick)
    if uid is None:
        return None, "", True
    ok, user = run_admin("read user", lambda s, u: views.get(s, u, User, uid))
    return (user.role, str(user.provider_id or NO_PROVIDER), user.active) if ok and user else (
        None, NO_PROVIDER, True)


def user_action(action: str, pick: str | None, role: str | None, provider: str | None,
                active: bool | None) -> tuple:
    uid = picked_id(pick)
    if action == "reset" and _settings().smtp_url:
        return _reset_by_email(uid)

    def work(s: Session, u: Any) -> tuple[str, list[UserRow]]:
        if uid is None:
            raise AdminError("Choose a user first")
        if action == "reset":
            password = commands.reset_password(s, u, uid, one_time_password_lifetime())
            done = (f"Password reset; the user's sessions have ended. {NO_MAIL}Give them this "
                    f"one-time password; it works once, within {_days(one_time_password_lifetime())}, "
                    f"and must be changed at that sign-in: {password}")
        else:
            commands.update_user(s, u, uid, role or "", picked_id(provider), bool(active))
            done = "User saved."
        return done, views.users(s, u)

    ok, result = run_admin(f"{action} user", work)
    return _user_outputs(message(result[0]), result[1]) if ok else (result, no_update, no_update)


def _reset_by_email(uid: int | None) -> tuple:
    def work(s: Session, u: Any) -> tuple[str, int, str, str, list[UserRow]]:
        if uid is None:
            raise AdminError("Choose a user first")
        user, token, purpose = commands.send_password_link(s, u, uid)
        return user.email, user.id, token, purpose, views.users(s, u)

    ok, result = run_admin("reset user", work)
    if not ok:
        return result, no_update, no_update
    address, user_id, token, purpose, rows = result
    problem = _email_link(address, user_id, token, purpose)
    what = "A new invitation" if purpose == links.INVITE else "A password reset link"
    lifetime = accounts.lifetime_words(links.LIFETIMES[purpose])
    done = (message(f"Password reset; the user's sessions have ended. {what} was emailed to "
                    f"{address}; it works once, within {lifetime}.") if problem is None
            else message(f"Password reset; the user's sessions have ended. {what} is on its way to "
                         f"{address} (Administration → Mail shows when it has gone); it works once, "
                         f"within {lifetime}.") if problem == ON_ITS_WAY
            else message("Password reset; the user's sessions have ended. "
                         + _not_sent(address, problem), ok=False))
    return _user_outputs(done, rows)


def register(app: Dash) -> None:
    cb = app.callback
    cb(Output(ids.ADM_USR_MSG, "children"), Output(ids.ADM_USR_LIST, "children"),
       Output(ids.ADM_USR_PICK, "options"), Output(ids.ADM_USR_EMAIL, "value"),
       Input(ids.ADM_USR_INVITE, "n_clicks"),
       State(ids.ADM_USR_EMAIL, "value"), State(ids.ADM_USR_ROLE, "value"),
       State(ids.ADM_USR_PROVIDER, "value"), prevent_initial_call=True)(lambda _n, *a: invite(*a))
    cb(Output(ids.ADM_USR_EDIT_ROLE, "value"), Output(ids.ADM_USR_EDIT_PROVIDER, "value"),
       Output(ids.ADM_USR_ACTIVE, "value"), Input(ids.ADM_USR_PICK, "value"),
       prevent_initial_call=True)(load_user)
    cb(Output(ids.ADM_USR_MSG, "children", allow_duplicate=True),
       Output(ids.ADM_USR_LIST, "children", allow_duplicate=True),
       Output(ids.ADM_USR_PICK, "options", allow_duplicate=True),
       Input(ids.ADM_USR_SAVE, "n_clicks"), Input(ids.ADM_USR_RESET, "n_clicks"),
       State(ids.ADM_USR_PICK, "value"), State(ids.ADM_USR_EDIT_ROLE, "value"),
       State(ids.ADM_USR_EDIT_PROVIDER, "value"), State(ids.ADM_USR_ACTIVE, "value"),
       prevent_initial_call=True)(
        lambda _s, _r, *a: user_action("reset" if ctx.triggered_id == ids.ADM_USR_RESET
                                       else "save", *a))
