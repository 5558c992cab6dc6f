"""Overview callback: tiles, chart and table for the chosen quarter and filters."""

from __future__ import annotations

import datetime as dt

import orjson
import plotly.graph_objects as go
from dash import Dash, Input, Output, html, no_update
from plotly.io.json import to_json_plotly
from sqlalchemy.orm import Session

from callbacks.common import require_user, today, transaction, view_query
from charts.overview import PercentPoint, percent_of_target_figure, rag_count_figure
from charts.text import chart_text
from dash_app.cache import cached
from layouts import ids
from layouts.charts import data_table, rag_badge
from layouts.filters import chosen_id
from layouts.overview import tiles_by_priority
from models.access import AccessRefused, Audience, audience_of
from models.reporting.cells import format_figure
from models.reporting.overview import (
    SERVICE_LIMIT,
    OverviewFilters,
    PrioritySummary,
    filter_choices,
    headline_rows,
    overview_tables,
    rag_summary,
    service_tiles,
    services_in_view,
)
from models.reporting.performance import PerformanceRow, PerformanceTable
from models.rules.formats import format_percent, format_target
from models.rules.periods import parse_quarter, parse_year_label, quarter_label
from models.rules.rag import RAG_ORDER

TABLE_HEADER = ["Service", "Headline output", "Target", "Actual", "% of target", "RAG",
                "Return"]


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
        drawn = _render_summary(rag_summary(session, audience, filters, today), many, filters)
    else:
        drawn = _render(*overview_tables(session, audience, filters, today), filters, year_text)
    return to_json_plotly(drawn, engine="json")


def _label(filters: OverviewFilters) -> str:
    return quarter_label(filters.year, filters.quarter) + (
        " (provisional)" if filters.provisional else "")


def _render_summary(summary: list[PrioritySummary], services: int, filters: OverviewFilters) -> tuple:
    """More services than a chart can show one by one: RAG counted by priority."""
    label = _label(filters)
    note = html.P([html.Strong(f"This view holds {services:,} services, too many to show one by one. "),
                   "Below, each priority's services are counted by the RAG of their headline "
                   "output. Choose a priority, workstream or provider above to see each service."],
                  className="alert alert-info", id="overview-summary-note")
    rows = [(s.priority, s.counts) for s in summary]
    figure = rag_count_figure(rows, f"Services by RAG of their headline output, {label}")
    words = [w for w in RAG_ORDER if any(w in c for _, c in rows)]
    table = data_table(f"Services by RAG of their headline output, {label}",
                       ["Priority", *words, "Services"],
                       [[p, *[str(c.get(w, 0)) for w in words], str(sum(c.values()))] for p, c in rows],
                       table_id="overview-data-table")
    return label, [note], figure, table


def _service_name(row: PerformanceRow) -> str:
    return f"{row.service} (retired)" if row.retired else row.service


def _render(current: PerformanceTable, previous: dict, filters: OverviewFilters,
            year_text: str) -> tuple:
    rows = headline_rows(current)
    label = _label(filters)
    points = [
        PercentPoint(_service_name(r), r.quarter_pct, r.rag_word,
                     f"{format_figure(r.quarter_actual)} of {format_target(r.quarter_target, r.unit)}")
        for r in rows
    ]
    figure = percent_of_target_figure(points, f"Headline output as % of target, {label}")
    if not any(p.percent is not None for p in points):
        figure.add_annotation(text=chart_text(f"No approved returns for {label} yet"), showarrow=False,
                              x=0.5, y=0.5, xref="paper", yref="paper", font={"size": 16})
    table_rows = [
        [_service_name(r), r.metric, format_target(r.quarter_target, r.unit),
         format_figure(r.quarter_actual) or "No data", format_percent(r.quarter_pct),
         rag_badge(r.rag_word), r.status]
        for r in rows
    ]
    table = data_table(f"Headline outputs, {label}", TABLE_HEADER, table_rows,
                       table_id="overview-data-table")
    return label, tiles_by_priority(service_tiles(current, previous), year_text), figure, table


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
