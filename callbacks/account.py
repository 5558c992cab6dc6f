"""Your account: saving the signed-in user's own reminder emails choice, and making and
revoking their own API tokens. The user changed is the one signed in (nothing from the
browser names a user; a token id from the browser is only ever one of that user's own)."""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from callbacks.common import audit_refusal, signed_in_user, transaction
from layouts import ids
from layouts.account import new_token, saved_message, token_table
from layouts.admin import message
from models.access import AccessRefused
from models.account import set_reminder_emails
from models.store.api_tokens import TokenError, create_token, revoke_token, user_tokens


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


def _tokens(work) -> tuple:  # noqa: ANN001 - a function of (session, user)
    """(message, the token list) after `work`, as the signed-in user; refusals in words."""
    try:
        user = signed_in_user()
    except AccessRefused:
        return message("You have been signed out. Sign in again.", ok=False), no_update
    try:
        with transaction() as session:
            said = work(session, user)
            listed = user_tokens(session, user)
    except TokenError as exc:
        return message(str(exc), ok=False), no_update
    return said, token_table(listed)


def make_token(_clicks: int | None, name: object, days: object) -> tuple:
    def work(session, user) -> object:  # noqa: ANN001
        token = create_token(session, user, name, days)
        return new_token(" ".join(str(name).split()), token)
    return _tokens(work)


def revoke_own_token(clicks: list) -> tuple:
    """A Revoke button pressed (buttons drawn with the list have n_clicks 0)."""
    if not any(clicks or []):
        return no_update, no_update
    return revoke_pressed(ctx.triggered_id)


def revoke_pressed(pressed: object) -> tuple:
    """Revoke the token a button names: only ever one of the signed-in user's own."""
    if not isinstance(pressed, dict):
        return no_update, no_update

    def work(session, user) -> object:  # noqa: ANN001
        name = revoke_token(session, user, token_id=pressed.get("token"))
        return message(f"Revoked “{name}”: it no longer works.")
    return _tokens(work)


def register(app: Dash) -> None:
    app.callback(Output(ids.TOKEN_MSG, "children"), Output(ids.TOKEN_LIST, "children"),
                 Input(ids.TOKEN_MAKE, "n_clicks"), State(ids.TOKEN_NAME, "value"),
                 State(ids.TOKEN_DAYS, "value"), prevent_initial_call=True)(make_token)
    app.callback(Output(ids.TOKEN_MSG, "children", allow_duplicate=True),
                 Output(ids.TOKEN_LIST, "children", allow_duplicate=True),
                 Input({"type": ids.TOKEN_REVOKE, "token": ALL}, "n_clicks"),
                 prevent_initial_call=True)(revoke_own_token)
    app.callback(Output(ids.ACCOUNT_MSG, "children"), Input(ids.ACCOUNT_SAVE, "n_clicks"),
                 State(ids.ACCOUNT_REMINDERS, "value"), prevent_initial_call=True)(save_reminders)
