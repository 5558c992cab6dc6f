"""Your account: the signed-in user's own choices (issue 18): reminder emails, and the way
to change the password."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from layouts import ids

REMINDERS_LABEL = "Email me reminders about returns"


def saved_message(on: bool) -> html.P:
    return html.P("Saved. You will get reminder emails about returns." if on else
                  "Saved. You will not get reminder emails about returns.",
                  className="success-text", role="status", id="account-saved")


def account_page(email: str, role_name: str, reminders: bool) -> html.Div:
    return html.Div([
        html.H1("Your account", className="h2"),
        html.P([f"You are signed in as {email} ({role_name})."]),
        html.H2("Emails", className="h4 mt-4"),
        html.Div([
            html.P("Reminders tell you when a return is due soon or overdue.",
                   className="hint mb-2", id="account-reminders-hint"),
            dbc.Checkbox(id=ids.ACCOUNT_REMINDERS, value=reminders, label=REMINDERS_LABEL,
                         className="mb-2"),
            html.P("Emails about your password and invitations are always sent, whatever you "
                   "choose here, and so are emails telling you that a return was submitted, "
                   "approved or returned, or that a quarter is open for returns.", className="hint"),
            dbc.Button("Save your choice", id=ids.ACCOUNT_SAVE, color="success"),
            html.Div(id=ids.ACCOUNT_MSG, className="mt-2", **{"aria-live": "polite"}),
        ], className="admin-form"),
        html.H2("Password", className="h4 mt-4"),
        html.P(html.A("Change your password", href="/set-password", id="account-password")),
    ])
