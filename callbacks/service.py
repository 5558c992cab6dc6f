"""Service page callback: one service's figures for a year."""

from __future__ import annotations

from dash import Dash, Input, Output, html, no_update
from dash.exceptions import PreventUpdate

from callbacks.common import require_user, today, transaction, view_query
from callbacks.navigation import show, view_outputs, view_title
from dash_app.cache import cached
from dash_app.database import sessions
from layouts import ids
from layouts.service import service_body
from layouts.service_trends import trends_body
from models.access import AccessRefused, record_id
from models.reporting.service_figures import service_figures
from models.reporting.slugs import url_slugs
from models.reporting.trends import service_trends
from models.rules.periods import parse_year_label
from models.store.audit import record_refusal


def update_service(service_value: str | None, year_text: str | None,
                   provisional: bool | None = False) -> tuple:
    """The service's figures, and the URL query and view record (callbacks/navigation.py).
    The service comes as its slug (or its id)."""
    failed = (no_update,)  # the view record
    try:
        user = require_user()
        with transaction() as session:
            slugs = cached(session, url_slugs)["service"]
        service_id = record_id(_service_id(service_value, slugs))
        year = parse_year_label(year_text or "")
    except AccessRefused as exc:
        return [html.P(str(exc))], *failed
    except ValueError:
        return [html.P("Choose a service and a financial year like 2024/25.",
                       className="field-error")], *failed
    try:
        with transaction() as session:
            figures = service_figures(session, user, service_id, year, bool(provisional),
                                      today=today())
    except AccessRefused as exc:
        record_refusal(sessions(), user.id, f"view service {str(service_value)[:40]}", exc.entity,
                       exc.entity_id)
        return [html.P(str(exc), className="field-error")], *failed
    query = view_query(service=slugs.get(service_id, str(service_id)), year=year_text,
                       provisional=bool(provisional))
    return service_body(figures), *show(query, view_title(figures.name, year_text))


def update_service_trends(service_value: str | None, provisional: bool | None = False,
                          seen: bool | None = True) -> list:
    """The service's "Over the years": every metric's XmR chart since 2020/21 and its annual
    figures against the baseline (not by year: the whole series). Not until the section has
    neared the screen (`seen`, from assets/service_trends.js)."""
    if not seen:
        raise PreventUpdate
    try:
        user = require_user()
        with transaction() as session:
            slugs = cached(session, url_slugs)["service"]
        service_id = record_id(_service_id(service_value, slugs))
    except AccessRefused as exc:
        return [html.P(str(exc))]
    except ValueError:
        return []  # update_service says what to choose
    try:
        with transaction() as session:
            trends = service_trends(session, user, service_id, provisional=bool(provisional))
    except AccessRefused as exc:
        record_refusal(sessions(), user.id, f"view trends of service {str(service_value)[:40]}",
                       exc.entity, exc.entity_id)
        return [html.P(str(exc), className="field-error")]
    return trends_body(trends, bool(provisional))


def _service_id(value: str | None, slugs: dict[int, str]) -> str:
    """A service's slug made its id; an id (older links) or anything else as it came, for
    record_id to judge (and models.access to check)."""
    return next((str(i) for i, slug in slugs.items() if slug == value), value or "")


def register(app: Dash) -> None:
    app.callback(
        Output(ids.SERVICE_BODY, "children"),
        *view_outputs(),
        Input(ids.SERVICE_PICK, "value"),
        Input(ids.SERVICE_YEAR, "value"),
        Input(ids.SERVICE_PROVISIONAL, "value"),
        prevent_initial_call="initial_duplicate",
    )(update_service)
    app.callback(
        Output(ids.SERVICE_TRENDS, "children"),
        Input(ids.SERVICE_PICK, "value"),
        Input(ids.SERVICE_PROVISIONAL, "value"),
        Input(ids.SERVICE_TRENDS_SEEN, "data"),
    )(update_service_trends)
