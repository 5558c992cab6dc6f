"""Overview callback: tiles, chart and table for the chosen quarter and filters."""

from __future__ import annotations

import datetime as dt

import orjson
import plotly.graph_objects as go
from dash import Dash, Input, Output, html, no_update
from plotly.io.json import to_json_plotly
from sqlalchemy.orm import Session

from callbacks.common import require_user, today, transaction, view_query
from dash_app.cache import cached
from layouts import ids
from layouts.filters import chosen_id
from layouts.overview import drawn_overview, drawn_summary
from models.access import AccessRefused, Audience, audience_of
from models.reporting.overview import (
    SERVICE_LIMIT,
    OverviewFilters,
    filter_choices,
    overview_tables,
    rag_summary,
    services_in_view,
)
from models.rules.periods import parse_quarter, parse_year_label


def overview_query(year_text: str, filters: OverviewFilters) -> str:
    """The URL query that restores this view (only what differs from the defaults)."""
    return view_query(year=year_text, quarter=f"Q{filters.quarter}", priority=filters.priority_id,
                      workstream=filters.workstream_id, provider=filters.provider_id,
                      provisional=filters.provisional)


def update_overview(year_text: str | None, quarter_text: str | None, priority: str | None = None,
                    workstream: str | None = None, provider: str | None = None,
                    provisional: bool | None = False) -> tuple:
    """Heading, tiles, figure, data table, CSV link and URL query for the chosen view."""
    try:
        user = require_user()
        audience = audience_of(user)  # keys the cached views; refuses an account that sees nothing
        year = parse_year_label(year_text or "")
        quarter = parse_quarter(quarter_text or "") or 1
    except (AccessRefused, ValueError) as exc:
        message = html.P(str(exc), className="field-error")
        return str(exc), message, go.Figure(), message, no_update, no_update
    with transaction() as session:
        choices = cached(session, filter_choices, audience)
        filters = OverviewFilters(
            year, quarter, chosen_id(priority, choices["priority"]),
            chosen_id(workstream, choices["workstream"]),
            chosen_id(provider, choices["provider"]), bool(provisional))
        label, tiles, figure, table = orjson.loads(
            cached(session, overview_view, audience, filters, today(), year_text))
    query = overview_query(year_text, filters)
    csv_query = view_query(year=year_text, quarter=f"Q{quarter}", provisional=bool(provisional))
    return (label, tiles, figure, table, f"/export/performance.csv?{csv_query}", f"?{query}")


def overview_view(session: Session, audience: Audience, filters: OverviewFilters, today: dt.date,
                  year_text: str) -> str:
    """The drawn Overview (heading, tiles, chart, table) as the JSON text the browser gets.
    Drawing 300 services costs about 160 ms a request and doubled the time under load, while
    what it draws changes only with the data: so the one cache keeps this text (plain data,
    never component objects) per audience and view, until the data version moves."""
    many = services_in_view(session, audience, filters)
    if many > SERVICE_LIMIT:
        drawn = drawn_summary(rag_summary(session, audience, filters, today), many, filters)
    else:
        drawn = drawn_overview(*overview_tables(session, audience, filters, today), filters, year_text)
    return to_json_plotly(drawn, engine="json")


def register(app: Dash) -> None:
    app.callback(
        Output(ids.OVERVIEW_HEADING, "children"),
        Output(ids.OVERVIEW_TILES, "children"),
        Output(ids.OVERVIEW_CHART, "figure"),
        Output(ids.OVERVIEW_TABLE, "children"),
        Output(ids.OVERVIEW_CSV, "href"),
        Output(ids.URL, "search"),
        Input(ids.OVERVIEW_YEAR, "value"),
        Input(ids.OVERVIEW_QUARTER, "value"),
        Input(ids.OVERVIEW_PRIORITY, "value"),
        Input(ids.OVERVIEW_WORKSTREAM, "value"),
        Input(ids.OVERVIEW_PROVIDER, "value"),
        Input(ids.OVERVIEW_PROVISIONAL, "value"),
    )(update_overview)
