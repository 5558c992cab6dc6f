"""Your account: saving the signed-in user's own reminder emails choice. The user changed
is the one signed in (nothing from the browser names a user)."""

from __future__ import annotations

from dash import Dash, Input, Output, State

from callbacks.common import audit_refusal, signed_in_user, transaction
from layouts import ids
from layouts.account import saved_message
from layouts.admin import message
from models.access import AccessRefused
from models.account import set_reminder_emails


def save_reminders(_clicks: int | None, wanted: object) -> object:
    try:
        user = signed_in_user()
    except AccessRefused:
        return message("You have been signed out, so your choice was not saved. Sign in again.",
                       ok=False)
    if not isinstance(wanted, bool):
        return message("This page is out of date. Reload it and try again.", ok=False)
    try:
        with transaction() as session:
            saved = set_reminder_emails(session, user, wanted)
    except AccessRefused as exc:
        audit_refusal(user, "change reminder emails", exc, "user", user.id)
        return message(str(exc), ok=False)
    return saved_message(saved.reminder_emails)


def register(app: Dash) -> None:
    app.callback(Output(ids.ACCOUNT_MSG, "children"), Input(ids.ACCOUNT_SAVE, "n_clicks"),
                 State(ids.ACCOUNT_REMINDERS, "value"), prevent_initial_call=True)(save_reminders)
