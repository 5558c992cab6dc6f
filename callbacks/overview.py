"""Overview callback: tiles, chart and table for the chosen quarter and filters."""

from __future__ import annotations

import datetime as dt

import orjson
from dash import Dash, Input, Output, html, no_update
from plotly.io.json import to_json_plotly
from sqlalchemy.orm import Session

from callbacks.common import quarter_view, today, transaction, view_query
from callbacks.navigation import show, view_outputs, view_title
from dash_app.cache import cached
from layouts import ids
from layouts.filters import chosen_id
from layouts.overview import drawn_overview, drawn_summary
from models.access import AccessRefused, Audience
from models.reporting.overview import (
    SERVICE_LIMIT,
    OverviewFilters,
    filter_choices,
    overview_tables,
    rag_summary,
    services_in_view,
)
from models.reporting.slugs import SlugMaps, url_slugs
from models.rules.periods import quarter_label


def overview_query(year_text: str, filters: OverviewFilters, slugs: SlugMaps) -> str:
    """The URL query that restores this view (only what differs from the defaults), with
    priority, workstream and provider by their slugs."""
    def slug(kind: str, record_id: int | None) -> str | None:
        return None if record_id is None else slugs[kind][record_id]
    return view_query(year=year_text, quarter=f"Q{filters.quarter}",
                      priority=slug("priority", filters.priority_id),
                      workstream=slug("workstream", filters.workstream_id),
                      provider=slug("provider", filters.provider_id),
                      provisional=filters.provisional)


def update_overview(year_text: str | None, quarter_text: str | None, priority: str | None = None,
                    workstream: str | None = None, provider: str | None = None,
                    provisional: bool | None = False) -> tuple:
    """Heading, tiles, the chart box (figure as JSON text, held height), data table, CSV link,
    and the view record (callbacks/navigation.py) for the chosen view. Filters come as slugs
    (or ids)."""
    try:
        audience, year, quarter = quarter_view(year_text, quarter_text)
    except (AccessRefused, ValueError) as exc:
        message = html.P(str(exc), className="field-error")
        return str(exc), message, *chart_box(EMPTY_FIGURE), message, no_update, no_update
    with transaction() as session:
        choices = cached(session, filter_choices, audience)
        slugs = cached(session, url_slugs)
        filters = OverviewFilters(
            year, quarter, chosen_id(priority, choices["priority"], slugs["priority"]),
            chosen_id(workstream, choices["workstream"], slugs["workstream"]),
            chosen_id(provider, choices["provider"], slugs["provider"]), bool(provisional))
        label, tiles, figure, table = orjson.loads(
            cached(session, overview_view, audience, filters, today(), year_text))
    query = overview_query(year_text, filters, slugs)
    csv_query = view_query(year=year_text, quarter=f"Q{quarter}", provisional=bool(provisional))
    return (label, tiles, *chart_box(figure), table, f"/export/performance.csv?{csv_query}",
            *show(query, view_title("Overview", quarter_label(year, quarter))))


EMPTY_FIGURE: dict = {"data": [], "layout": {}}


def chart_box(figure: dict) -> tuple[str, dict[str, str]]:
    """The chart box's data-figure (the figure as JSON text, which assets/lazy_charts.js
    hands to Plotly as it is) and its style: the figure's height, held until it is drawn
    (assets/monitor.css), so the table beneath does not move when it is."""
    height = figure.get("layout", {}).get("height") or 450
    return orjson.dumps(figure).decode(), {"--chart-height": f"{height}px"}


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
        drawn = drawn_overview(*overview_tables(session, audience, filters, today), filters, year_text,
                               url_slugs(session)["service"])
    return to_json_plotly(drawn, engine="json")


def register(app: Dash) -> None:
    app.callback(
        Output(ids.OVERVIEW_HEADING, "children"),
        Output(ids.OVERVIEW_TILES, "children"),
        Output(ids.OVERVIEW_CHART, "data-figure"),
        Output(ids.OVERVIEW_CHART, "style"),
        Output(ids.OVERVIEW_TABLE, "children"),
        Output(ids.OVERVIEW_CSV, "href"),
        *view_outputs(),
        Input(ids.OVERVIEW_YEAR, "value"),
        Input(ids.OVERVIEW_QUARTER, "value"),
        Input(ids.OVERVIEW_PRIORITY, "value"),
        Input(ids.OVERVIEW_WORKSTREAM, "value"),
        Input(ids.OVERVIEW_PROVIDER, "value"),
        Input(ids.OVERVIEW_PROVISIONAL, "value"),
        prevent_initial_call="initial_duplicate",
    )(update_overview)
