"""Overview: a tile per service, grouped by priority, and every headline against target."""

from __future__ import annotations

import json

import dash_bootstrap_components as dbc
from dash import dcc, html

from charts.overview import PercentPoint, percent_of_target_figure, rag_count_figure
from charts.text import chart_text
from charts.theme import graph_config
from layouts import ids
from layouts.charts import data_table, rag_badge
from layouts.filters import QUARTER_OPTIONS, choice_options, provisional_switch, select, service_href
from models.reporting.cells import format_figure
from models.reporting.overview import (
    OverviewFilters,
    PrioritySummary,
    ServiceTile,
    headline_rows,
    service_tiles,
)
from models.reporting.performance import PerformanceRow, PerformanceTable
from models.rules.formats import format_number, format_target
from models.rules.measures import SMALL_COHORT
from models.rules.periods import quarter_label
from models.rules.rag import RAG_ORDER


def overview_page(year_options: list[dict[str, str]], year: str, quarter: str,
                  choices: dict[str, list[tuple[int, str]]], chosen: dict[str, str],
                  provisional: bool, show_provider: bool,
                  slugs: dict[str, dict[int, str]] | None = None) -> html.Div:
    """The Overview's frame; `chosen` holds each filter's value (a slug, or "all")."""
    slugs = slugs or {}
    filters = [
        select(ids.OVERVIEW_YEAR, "Financial year", year_options, year),
        select(ids.OVERVIEW_QUARTER, "Quarter", QUARTER_OPTIONS, quarter),
        select(ids.OVERVIEW_PRIORITY, "Priority",
               choice_options(choices["priority"], "All priorities", slugs.get("priority")),
               chosen["priority"]),
        select(ids.OVERVIEW_WORKSTREAM, "Workstream",
               choice_options(choices["workstream"], "All workstreams", slugs.get("workstream")),
               chosen["workstream"]),
    ]
    if show_provider:
        filters.append(select(ids.OVERVIEW_PROVIDER, "Provider",
                              choice_options(choices["provider"], "All providers",
                                             slugs.get("provider")),
                              chosen["provider"]))
    else:
        # Providers see their own services only; the filter is fixed on the server anyway.
        filters.append(html.Div(dbc.Select(id=ids.OVERVIEW_PROVIDER, value="all",
                                           options=[{"label": "All", "value": "all"}]),
                                hidden=True))
    filters.append(provisional_switch(ids.OVERVIEW_PROVISIONAL, provisional))
    return html.Div([
        html.H1("Overview", className="h2"),
        html.P("Each commissioned service against its targets for the quarter. Only approved "
               "returns count unless you include submitted ones.", className="lead-text"),
        html.Div(filters, className="filters d-flex gap-3 mb-3 flex-wrap"),
        html.H2(id=ids.OVERVIEW_HEADING, className="h4"),
        html.Div(id=ids.OVERVIEW_TILES),
        html.H2("Headline outputs against target", className="h4 mt-4"),
        # Drawn when it comes near the screen (assets/lazy_charts.js), as a service page's
        # charts are: it is below the tiles at every width, and plotly.js (400 KB compressed,
        # most of a phone's blocked time at load) is then fetched only when it is needed.
        # The callback puts the figure in data-figure and its height in --chart-height.
        html.Div(id=ids.OVERVIEW_CHART, className="chart lazy-chart",
                 **{"data-config": json.dumps(graph_config("cwp-overview"))}),
        # The same figures as a table, for screen readers and for anyone checking the chart.
        html.Details([html.Summary("Data table for this chart"),
                      # Scrolls sideways on a phone: assets/scroll_regions.js makes it a named
                      # tab stop while it scrolls (one rule for every table).
                      html.Div(id=ids.OVERVIEW_TABLE, className="table-responsive")],
                     open=True),
        html.P(html.A("Download the performance table (CSV)", id=ids.OVERVIEW_CSV,
                      href="/export/performance.csv")),
    ])


def _headline_line(tile: ServiceTile) -> list:
    row = tile.headline
    target = format_target(row.quarter_target, row.unit)
    figure = format_figure(row.quarter_actual) or "No figure"
    return [
        html.P([html.Span(row.metric + ": ", className="fw-semibold"), figure,
                f" against a target of {target}" if target else " (no target set)",
                " ", rag_badge(row.rag_word)], className="mb-1"),
        html.P(tile.direction, className="small mb-1 direction"),
    ]


def _outcome_line(tile: ServiceTile) -> list:
    row = tile.outcome
    if row is None:
        return []
    actual = row.quarter_actual
    if actual.rate is not None and actual.rate.small_cohort:
        text = f"fewer than {SMALL_COHORT} people assessed ({actual.rate.denominator}), too few for a rate"
    else:
        text = format_figure(actual) or "No figure"
    target = format_target(row.quarter_target, row.unit)
    return [html.P([html.Span(row.metric + ": ", className="fw-semibold"), text,
                    f", target {target}" if target else "", " ", rag_badge(row.rag_word)],
                   className="mb-1 small")]


def tile(t: ServiceTile, year: str, slug: str) -> dbc.Card:
    row = t.headline
    ytd = format_number(row.ytd_actual.value)
    annual = format_target(row.annual_target, row.unit)
    if not ytd:  # nothing approved yet: words, never a 0 that looks like a figure
        ytd_text = ("No figures yet for the year to date"
                    + (f"; the annual target is {annual}" if annual else ""))
    else:
        ytd_text = (f"Year to date: {ytd} of an annual target of {annual}" if annual
                    else f"Year to date: {ytd}")
    retired = [" ", html.Span("Retired", className="badge text-bg-secondary retired-tag")
               ] if row.retired else []
    return dbc.Card(dbc.CardBody([
        html.H4([dcc.Link(t.service, href=service_href(slug, year)), *retired],
                className="h6 card-title"),
        html.P(t.provider, className="small text-muted mb-2"),
        *_headline_line(t),
        *_outcome_line(t),
        html.P(ytd_text, className="small mb-1 ytd"),
        html.P(f"Return: {row.status}", className="small mb-0"),
    ]), className="service-tile h-100")


# More tiles than this are a wall nobody reads (and slow to send): the chart and the table
# beneath still list every service, and the filters narrow the tiles.
TILE_LIMIT = 48


def tiles_by_priority(tiles: list[ServiceTile], year: str, slugs: dict[int, str]) -> list:
    if not tiles:
        return [html.P("No services match these filters.", id="overview-empty")]
    note = []
    if len(tiles) > TILE_LIMIT:
        note = [html.P([html.Strong(f"Showing the first {TILE_LIMIT} of {format_number(len(tiles))} services. "),
                        "Choose a priority, workstream or provider above to see the others; the "
                        "chart and its data table below include every service."],
                       className="alert alert-info", id="overview-tile-limit")]
        tiles = tiles[:TILE_LIMIT]
    groups: dict[str, list[ServiceTile]] = {}
    for t in tiles:
        groups.setdefault(t.priority, []).append(t)
    return [*note, *(
        html.Section([
            html.H3(priority, className="h5 mt-3"),
            html.Div([html.Div(tile(t, year, slugs.get(t.service_id, str(t.service_id))),
                               className="col-md-6 col-xl-4 mb-3") for t in group],
                     className="row"),
        ], **{"aria-label": priority})
        for priority, group in groups.items()
    )]


# The drawn view: heading, tiles, chart and table, from the read-model's figures ----------

TABLE_HEADER = ["Service", "Headline output", "Target", "Actual", "% of target", "RAG",
                "Return"]


def view_label(filters: OverviewFilters, provisional_shown: bool | None = None) -> str:
    """'Q2 2026/27', with " (provisional)" only when a figure shown is (a submitted return
    not yet approved); the RAG summary, which has no table to ask, goes by the filter."""
    shown = filters.provisional if provisional_shown is None else provisional_shown
    return quarter_label(filters.year, filters.quarter) + (" (provisional)" if shown else "")


def drawn_summary(summary: list[PrioritySummary], services: int, filters: OverviewFilters) -> tuple:
    """More services than a chart can show one by one: RAG counted by priority."""
    label = view_label(filters)
    note = html.P([html.Strong(f"This view holds {format_number(services)} services, too many to show one by one. "),
                   "Below, each priority's services are counted by the RAG of their headline "
                   "output. Choose a priority, workstream or provider above to see each service."],
                  className="alert alert-info", id="overview-summary-note")
    rows = [(s.priority, s.counts) for s in summary]
    figure = rag_count_figure(rows, f"Services by RAG of their headline output, {label}")
    words = [w for w in RAG_ORDER if any(w in c for _, c in rows)]
    table = data_table(f"Services by RAG of their headline output, {label}",
                       ["Priority", *words, "Services"],
                       [[p, *[format_number(c.get(w, 0)) for w in words], format_number(sum(c.values()))]
                        for p, c in rows],
                       table_id="overview-data-table")
    return label, [note], figure, table


def service_name(row: PerformanceRow) -> str:
    return f"{row.service} (retired)" if row.retired else row.service


def drawn_overview(current: PerformanceTable, previous: dict, filters: OverviewFilters,
                   year_text: str, slugs: dict[int, str] | None = None) -> tuple:
    """`slugs`: each service's slug, for the links to its page."""
    rows = headline_rows(current)
    label = view_label(filters, current.provisional_shown)
    points = [
        PercentPoint(service_name(r), r.quarter_pct, r.rag_word,
                     f"{format_figure(r.quarter_actual)} of {format_target(r.quarter_target, r.unit)}",
                     r.quarter_words())
        for r in rows
    ]
    figure = percent_of_target_figure(points, f"Headline output as % of target, {label}")
    if not any(p.percent is not None for p in points):
        figure.add_annotation(text=chart_text(f"No approved returns for {label} yet"), showarrow=False,
                              x=0.5, y=0.5, xref="paper", yref="paper", font={"size": 16})
    table_rows = [
        [service_name(r), r.metric, format_target(r.quarter_target, r.unit),
         format_figure(r.quarter_actual) or "No data", r.quarter_words(),
         rag_badge(r.rag_word), r.status]
        for r in rows
    ]
    table = data_table(f"Headline outputs, {label}", TABLE_HEADER, table_rows,
                       table_id="overview-data-table")
    return label, tiles_by_priority(service_tiles(current, previous), year_text, slugs or {}), figure, table
