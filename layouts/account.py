"""Your account: the signed-in user's own choices (issue 18): reminder emails, and the way
to change the password."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from layouts import ids
from models.rules.formats import format_date, format_datetime
from models.rules.tokens import DEFAULT_DAYS, MAX_NAME, TokenRow

REMINDERS_LABEL = "Email me reminders about returns"


def saved_message(on: bool) -> html.P:
    return html.P("Saved. You will get reminder emails about returns." if on else
                  "Saved. You will not get reminder emails about returns.",
                  className="success-text", role="status", id="account-saved")


TOKEN_DAYS = [(30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "A year")]


def token_table(tokens: list[TokenRow]) -> html.Div:
    """The user's tokens (never the tokens themselves), a Revoke button on each live one."""
    if not tokens:
        return html.P("You have no API tokens.", id="token-none")

    def state(t: TokenRow) -> str:
        return "Live" if t.live else "Revoked or expired"

    rows = [html.Tr([
        html.Th(t.name, scope="row"), html.Td(format_date(t.expires_at.date())),
        html.Td(format_datetime(t.last_used_at) if t.last_used_at else "Not yet"),
        html.Td(state(t)),
        html.Td(dbc.Button(["Revoke", html.Span(f" {t.name}", className="visually-hidden")],
                           id={"type": ids.TOKEN_REVOKE, "token": t.id}, color="danger", outline=True,
                           size="sm", n_clicks=0) if t.live else ""),
    ]) for t in tokens]
    return html.Div(html.Table([
        html.Caption("Your API tokens"),
        html.Thead(html.Tr([html.Th(h, scope="col") for h in
                            ("Name", "Expires", "Last used", "State", "")])),
        html.Tbody(rows)], className="table table-sm"), className="table-responsive")


def new_token(name: str, token: str) -> html.Div:
    """A token just made: shown this once, in a box that selects as a whole."""
    return html.Div([
        html.P([html.Strong(f"Your token “{name}”: "), "copy it now. It is not shown again; "
                "if you lose it, revoke it and make another."]),
        dbc.Label("Token", html_for="token-new"),
        dbc.Input(id="token-new", value=token, readonly=True, className="font-monospace"),
    ], className="success-text", role="status")


def tokens_section(tokens: list[TokenRow]) -> html.Div:
    return html.Div([
        html.H2("API tokens", className="h4 mt-4"),
        html.P(["A personal token lets a tool such as Power BI or Excel read the figures you see "
                "here, through the app's API (", html.A("how to use it", href="/api/v1/docs"),
                "). It acts as you: keep it like a password."]),
        html.Div([
            html.Div([dbc.Label("Name it (what it is for)", html_for=ids.TOKEN_NAME),
                      dbc.Input(id=ids.TOKEN_NAME, type="text", maxLength=MAX_NAME, autoComplete="off",
                                placeholder="Power BI")], className="mb-2 admin-field"),
            html.Div([dbc.Label("It lasts", html_for=ids.TOKEN_DAYS),
                      dbc.Select(id=ids.TOKEN_DAYS, value=str(DEFAULT_DAYS),
                                 options=[{"label": w, "value": str(d)} for d, w in TOKEN_DAYS])],
                     className="mb-2 admin-field"),
            dbc.Button("Make a token", id=ids.TOKEN_MAKE, color="success", n_clicks=0),
        ], className="admin-form"),
        html.Div(id=ids.TOKEN_MSG, className="mt-2", **{"aria-live": "polite"}),
        html.Div(token_table(tokens), id=ids.TOKEN_LIST, className="mt-2"),
    ])


def account_page(email: str, role_name: str, reminders: bool,
                 tokens: list[TokenRow] | None = None) -> html.Div:
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
        tokens_section(tokens or []),
    ])
