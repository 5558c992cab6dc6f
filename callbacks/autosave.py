"""Autosave of a return's draft, and the browser-side callbacks that keep typed work
(assets/keep_work.js).

The autosave is Save draft without the button: the same checked request (read_form), the
same guard (run_return) and the same save (save_return, submit=False, against the page's
version), so it is refused exactly where Save draft would be and its new version is the
page's, so the next Save is no false conflict. It differs only in what it says: quietly,
in one line beside the buttons, never the error summary and never focus.

When it runs: assets/keep_work.js starts it by setting the RV_AUTOSAVE_DUE store (Dash's
`set_props`) once typing has stopped for settings.autosave_seconds. A plain timer in the
page is the simplest way that holds up: it restarts on every keystroke, so it is a true
debounce; it can wait while another save of the page is on its way (two saves in flight
at one version would make the second a false conflict); and it fires nothing for figures
the page itself put in the form (an upload). A clientside callback returning a Promise
(Dash 4 awaits one) would rely on Dash dropping a superseded call, which it does not
document; dcc.Input/dbc.Input `debounce` would delay every input's value, and with it the
live percentage and running totals beside them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, no_update
from sqlalchemy.orm import Session

from callbacks.common import today
from callbacks.return_requests import (
    INPUT_KINDS,
    INPUT_PATTERNS,
    SAVE_STATES,
    SIGNED_OUT,
    UNREACHABLE,
    Refused,
    ReturnForm,
    SentForm,
    read_form,
    run_return,
)
from dash_app.auth import SignedInUser, answers_signed_out
from layouts import ids
from models.returns.saving import SaveResult, save_return
from models.rules.formats import format_time

NOT_AUTOSAVED = {
    SIGNED_OUT: ("You have been signed out, so this was not saved automatically. Your figures "
                 "are kept in this tab: sign in again to save them."),
    UNREACHABLE: ("Not saved automatically: the database could not be reached. Your figures "
                  "are still here; press Save draft in a minute."),
}
NOT_VALID = ("Not saved automatically: some figures need changing first. Press Save draft to "
             "see what to change.")


def handle_autosave(sent: SentForm) -> dict[str, Any]:
    """Save the form as a draft if it is valid as one. The answer: the line to show, the
    new version (or no change) and what happened, for the page's code ("saved", "invalid",
    "refused", or why the request was never weighed: "signed-out", "unreachable")."""
    result = run_return(lambda: read_form("autosave", sent), _save_draft)
    if isinstance(result, Refused):
        line = NOT_AUTOSAVED.get(result.why or "", f"Not saved automatically: {result.message}")
        return {"status": line, "version": no_update, "result": {"outcome": result.why or "refused"}}
    if not result.saved:
        return {"status": NOT_VALID, "version": no_update, "result": {"outcome": "invalid"}}
    return {"status": f"Saved at {format_time(dt.datetime.now())}.", "version": result.version,
            "result": {"outcome": "saved", "version": result.version}}


def _save_draft(session: Session, user: SignedInUser, form: ReturnForm) -> SaveResult:
    page = form.page
    return save_return(session, user, page.service_id, page.period_id, form.raw(), page.version,
                       submit=False, today=today())


def autosave(_due: object, *states: Any) -> tuple:
    out = handle_autosave(SentForm.from_states(states))
    return out["status"], out["version"], out["result"]


def register(app: Dash) -> None:
    app.callback(
        Output(ids.RV_AUTOSAVE_STATUS, "children"),
        Output(ids.RV_VERSION, "data", allow_duplicate=True),
        Output(ids.RV_AUTOSAVE_RESULT, "data"),
        Input(ids.RV_AUTOSAVE_DUE, "data"),
        *SAVE_STATES,
        prevent_initial_call=True,
    )(autosave)
    # Like Save draft, it tells a signed-out user so itself (run_return checks the user first).
    answers_signed_out(app.server, f"{ids.RV_AUTOSAVE_STATUS}.children")

    # In the browser (assets/keep_work.js): the form as drawn is what is saved, and the
    # figures this tab kept for it are offered back; each new version is saved again.
    values = [State(INPUT_PATTERNS[kind], prop) for kind in INPUT_KINDS for prop in ("value", "id")]
    app.clientside_callback(
        ClientsideFunction(namespace="keepWork", function_name="opened"),
        # With outputs: Dash calls a callback without any only for the first page's layout.
        Output(ids.RV_KEEP_OFFER, "hidden"),
        Output(ids.RV_KEEP_OFFER_TEXT, "children"),
        Input(ids.RV_CONTEXT, "data"),
        State(ids.RV_VERSION, "data"),
        State(ids.RV_SAVE, "disabled"),
        *values,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="keepWork", function_name="saved"),
        Input(ids.RV_VERSION, "data"),
        *values,
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="keepWork", function_name="autosaved"),
        Input(ids.RV_AUTOSAVE_RESULT, "data"),
        prevent_initial_call=True,
    )


