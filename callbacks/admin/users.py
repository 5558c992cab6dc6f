"""Users on the admin page: invite, change role, provider or status, reset a password."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update
from sqlalchemy.orm import Session

from callbacks.admin.guard import picked_id, run_admin
from callbacks.common import one_time_password_lifetime
from layouts import ids
from layouts.admin import NO_PROVIDER, message, user_table
from models.admin import users as commands
from models.admin import views
from models.admin.common import AdminError
from models.admin.views import UserRow
from models.store.entities import User


def _user_outputs(done: Any, rows: list[UserRow]) -> tuple:
    return done, user_table(rows), [{"label": u.email, "value": str(u.id)} for u in rows]


def _days(period: dt.timedelta) -> str:
    days = period.total_seconds() / 86400
    return f"{days:g} day" + ("" if days == 1 else "s")


def invite(email: str | None, role: str | None, provider: str | None) -> tuple:
    def work(s: Session, u: Any) -> tuple[str, list[UserRow]]:
        user, password = commands.invite_user(s, u, email or "", role or "", picked_id(provider),
                                              one_time_password_lifetime())
        return (f"Invited {user.email}. Give them this one-time password; it works once, within "
                f"{_days(one_time_password_lifetime())}, and must be changed at that sign-in: "
                f"{password}"), views.users(s, u)

    ok, result = run_admin("invite user", work)
    if not ok:
        return result, no_update, no_update, no_update
    # The email box clears for the next invitation; the password stays in the message.
    return (*_user_outputs(message(result[0]), result[1]), "")


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

    def work(s: Session, u: Any) -> tuple[str, list[UserRow]]:
        if uid is None:
            raise AdminError("Choose a user first")
        if action == "reset":
            password = commands.reset_password(s, u, uid, one_time_password_lifetime())
            done = ("Password reset; the user's sessions have ended. Give them this one-time "
                    f"password; it works once, within {_days(one_time_password_lifetime())}, and "
                    f"must be changed at that sign-in: {password}")
        else:
            commands.update_user(s, u, uid, role or "", picked_id(provider), bool(active))
            done = "User saved."
        return done, views.users(s, u)

    ok, result = run_admin(f"{action} user", work)
    return _user_outputs(message(result[0]), result[1]) if ok else (result, no_update, no_update)


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
