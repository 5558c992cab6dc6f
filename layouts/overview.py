"""Overview: each service's headline output against its quarterly target."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids

QUARTER_OPTIONS = [{"label": f"Q{q}", "value": f"Q{q}"} for q in (1, 2, 3, 4)]


def overview_page(year_options: list[dict[str, str]], year: str, quarter: str) -> html.Div:
    return html.Div([
        html.H1("Overview", className="h2"),
        html.P("Each commissioned service's headline output against its target for the "
               "quarter. Only approved returns count.", className="lead-text"),
        html.Div([
            html.Div([
                dbc.Label("Financial year", html_for=ids.OVERVIEW_YEAR),
                dbc.Select(id=ids.OVERVIEW_YEAR, options=year_options, value=year),
            ], className="filter"),
            html.Div([
                dbc.Label("Quarter", html_for=ids.OVERVIEW_QUARTER),
                dbc.Select(id=ids.OVERVIEW_QUARTER, options=QUARTER_OPTIONS, value=quarter),
            ], className="filter"),
        ], className="filters d-flex gap-3 mb-3 flex-wrap"),
        html.H2(id=ids.OVERVIEW_HEADING, className="h4"),
        dcc.Graph(id=ids.OVERVIEW_CHART, config={"displaylogo": False}, className="chart"),
        # The same figures as a table, for screen readers and for anyone checking the chart.
        html.Div(id=ids.OVERVIEW_TABLE, className="table-responsive"),
        html.P(html.A("Download the performance table (CSV)", id=ids.OVERVIEW_CSV,
                      href="/export/performance.csv")),
    ])
