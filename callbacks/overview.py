"""Overview callback: the chosen quarter's headline outputs against target."""

from __future__ import annotations

from urllib.parse import urlencode

import plotly.graph_objects as go
from dash import Dash, Input, Output, html, no_update

from callbacks.common import AccessDenied, require_user, today, transaction
from dash_app.access import provider_scope
from layouts import ids
from layouts.charts import PercentPoint, data_table, percent_of_target_figure, rag_badge
from models.overview import headline_rows, overview_table
from models.periods import parse_quarter, parse_year_label, quarter_label
from models.table_format import format_figure, format_percent, format_target

TABLE_HEADER = ["Service", "Headline output", "Target", "Actual", "% of target", "RAG",
                "Return"]


def update_overview(year_text: str | None, quarter_text: str | None) -> tuple:
    """Heading, figure, data table, CSV link and URL query for the chosen quarter."""
    try:
        user = require_user()
        scope = provider_scope(user)
        year = parse_year_label(year_text or "")
        quarter = parse_quarter(quarter_text or "")
    except (AccessDenied, ValueError) as exc:
        message = html.P(str(exc), className="field-error")
        return str(exc), go.Figure(), message, no_update, no_update
    if quarter is None:
        quarter = 1
    with transaction() as session:
        rows = headline_rows(overview_table(session, year, quarter, today(), scope))
    label = quarter_label(year, quarter)
    points = [
        PercentPoint(r.service, r.quarter_pct, r.rag_word,
                     f"{format_figure(r.quarter_actual)} of {format_target(r.quarter_target, r.unit)}")
        for r in rows
    ]
    figure = percent_of_target_figure(points, f"Headline output as % of target, {label}")
    table_rows = [
        [r.service, r.metric, format_target(r.quarter_target, r.unit),
         format_figure(r.quarter_actual) or "No data", format_percent(r.quarter_pct),
         rag_badge(r.rag_word), r.status]
        for r in rows
    ]
    table = data_table(f"Headline outputs, {label}", TABLE_HEADER, table_rows,
                       table_id="overview-data-table")
    query = urlencode({"year": year_text, "quarter": f"Q{quarter}"})
    csv_href = f"/export/performance.csv?{query}"
    if not any(p.percent is not None for p in points):
        figure.add_annotation(text=f"No approved returns for {label} yet", showarrow=False,
                              x=0.5, y=0.5, xref="paper", yref="paper", font={"size": 16})
    return label, figure, table, csv_href, f"?{query}"


def register(app: Dash) -> None:
    app.callback(
        Output(ids.OVERVIEW_HEADING, "children"),
        Output(ids.OVERVIEW_CHART, "figure"),
        Output(ids.OVERVIEW_TABLE, "children"),
        Output(ids.OVERVIEW_CSV, "href"),
        Output(ids.URL, "search"),
        Input(ids.OVERVIEW_YEAR, "value"),
        Input(ids.OVERVIEW_QUARTER, "value"),
    )(update_overview)
