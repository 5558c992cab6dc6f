"""Service page callback: one service's figures for a year."""

from __future__ import annotations

from dash import Dash, Input, Output, html, no_update

from callbacks.common import require_user, today, transaction, view_query
from dash_app.database import sessions
from layouts import ids
from layouts.service import service_body
from models.access import AccessRefused, record_id
from models.reporting.service_figures import service_figures
from models.rules.periods import parse_year_label
from models.store.audit import record_refusal


def update_service(service_value: str | None, year_text: str | None,
                   provisional: bool | None = False) -> tuple:
    try:
        user = require_user()
        service_id = record_id(service_value or "")
        year = parse_year_label(year_text or "")
    except AccessRefused as exc:
        return [html.P(str(exc))], no_update
    except ValueError:
        return [html.P("Choose a service and a financial year like 2024/25.",
                       className="field-error")], no_update
    try:
        with transaction() as session:
            figures = service_figures(session, user, service_id, year, bool(provisional),
                                      today=today())
    except AccessRefused as exc:
        record_refusal(sessions(), user.id, f"view service {str(service_value)[:40]}", exc.entity,
                       exc.entity_id)
        return [html.P(str(exc), className="field-error")], no_update
    query = view_query(id=service_id, year=year_text, provisional=bool(provisional))
    return service_body(figures), f"?{query}"


def register(app: Dash) -> None:
    app.callback(
        Output(ids.SERVICE_BODY, "children"),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.SERVICE_PICK, "value"),
        Input(ids.SERVICE_YEAR, "value"),
        Input(ids.SERVICE_PROVISIONAL, "value"),
        prevent_initial_call="initial_duplicate",
    )(update_service)
