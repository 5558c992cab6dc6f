"""Charts of one metric over a year, each with its data table. Shaped from MetricSeries."""

from __future__ import annotations

import json

import plotly.graph_objects as go
from dash import html

from charts.service import (
    breakdown_figure,
    cumulative_count_figure,
    quarterly_count_figure,
    rate_figure,
)
from charts.theme import GRAPH_CONFIG
from layouts.charts import data_table
from models.reporting.service_figures import MetricSeries
from models.rules.formats import baseline_label, format_money, format_number, format_percent, format_rate, format_target
from models.rules.measures import SMALL_COHORT

SHORT = ["Q1", "Q2", "Q3", "Q4"]


def held_height(fig: go.Figure) -> dict[str, str]:
    """The figure's height as a style variable for the chart's container: assets/monitor.css
    holds that much space for the chart (its stand-in while Plotly loads, then the graph)
    until Plotly has drawn it, so the table beneath does not jump."""
    return {"--chart-height": f"{fig.layout.height or 450}px"}


def lazy_graph(fig: go.Figure, graph_id: str) -> html.Div:
    """A chart drawn when it comes near the screen (assets/lazy_charts.js), not as the page
    loads: a service page has a dozen, most below the first screen. The box carries its
    figure and config; its height is held (held_height on its container) until drawn."""
    return html.Div(id=graph_id, className="lazy-chart",
                    **{"data-figure": fig.to_json(), "data-config": json.dumps(GRAPH_CONFIG)})


def chart_with_table(fig: go.Figure, caption: str, header: list[str], rows: list[list],
                     graph_id: str) -> html.Div:
    return html.Div([
        lazy_graph(fig, graph_id),
        html.Details([html.Summary(f"Data table: {caption}"),
                      # Scrolls sideways on a phone: assets/scroll_regions.js makes it a named
                      # tab stop while it scrolls (one rule for every table).
                      html.Div(data_table(caption, header, rows), className="table-responsive")],
                     open=True),
    ], className="chart-block", style=held_height(fig))


def _ytd_interval(m: MetricSeries) -> str:
    """The pooled year-to-date rate's 95% interval as text; "" when too few were assessed
    for a rate to mean much."""
    if m.ytd_interval is None or (m.ytd_rate is not None and m.ytd_rate.small_cohort):
        return ""
    low, high = m.ytd_interval
    return f"{low:.0f}% to {high:.0f}%"


def _interval_cell(m: MetricSeries) -> str:
    small = m.ytd_rate is not None and m.ytd_rate.small_cohort
    return "Too few assessed" if small else _ytd_interval(m)


def _interval_words(m: MetricSeries) -> str:
    interval = _ytd_interval(m)
    return f", 95% interval {interval}" if interval else ""


def metric_section(m: MetricSeries, year_label: str) -> html.Section:
    """All of one metric's charts with their tables, or words when there is nothing to draw."""
    facts = []
    if m.baseline is not None:
        facts.append(baseline_label(m.baseline, m.baseline_period, m.unit))
    facts.append(f"Annual target: {format_target(m.annual_target, m.unit)}" if m.annual_target
                 is not None else "No target set for this year")
    if m.ytd_rate is not None:
        facts.append(f"Year to date: {format_rate(m.ytd_rate)}" + _interval_words(m))
    elif m.ytd_actual is not None:
        facts.append(f"Year to date: {format_number(m.ytd_actual)}")
    if m.forecast is not None and m.unit != "percent":
        facts.append(f"Year-end forecast at this rate: {format_number(round(m.forecast))}")
    if m.cost_per_unit is not None:
        what = "person reporting improvement" if m.unit == "percent" else m.name.lower()
        facts.append(f"Cost per {what} (the contract's value for its months in the quarters "
                     f"reported): {format_money(m.cost_per_unit)}")
    elif m.cost_note:
        facts.append(m.cost_note)
    if not m.higher_is_better:
        facts.append("Lower is better")
    body: list = [html.P(" · ".join(facts), className="metric-facts")]
    if m.baseline_note:
        body.append(html.P(m.baseline_note, className="small text-muted"))
    slug = f"metric-{m.id}"
    if not m.has_data:
        body.append(html.P(f"No returns with figures for {m.name.lower()} in {year_label} yet, "
                           "so there is no chart.", className="empty-state"))
    elif m.unit == "percent":
        rows = [[p.label, format_rate(p.rate) if p.rate else "No figure",
                 (f"{format_percent(p.interval[0])} to {format_percent(p.interval[1])}"
                  if p.interval and not p.small_cohort else ("Too few assessed" if p.small_cohort else "")),
                 format_percent(p.target)] for p in m.points]
        if m.ytd_rate is not None:  # pooled over the quarters reported, with its interval
            rows.append(["Year to date", format_rate(m.ytd_rate), _interval_cell(m),
                         format_percent(m.annual_target)])
        if all(p.small_cohort for p in m.points if p.rate):
            body.append(html.P(f"Fewer than {SMALL_COHORT} people were assessed in each quarter, "
                               "too few for a rate to mean much.", className="empty-state"))
        body.append(chart_with_table(rate_figure(m, year_label), f"{m.name}, {year_label}",
                                     ["Quarter", "Improved", "95% interval", "Target"], rows, slug))
    else:
        rows = [[p.label, format_number(p.actual) or "No figure", format_target(p.target, m.unit),
                 format_number(p.cumulative), format_target(p.cumulative_target, m.unit)]
                for p in m.points]
        ytd = cumulative_count_figure(m, year_label)
        body.append(html.Div([
            html.Div(chart_with_table(quarterly_count_figure(m, year_label), f"{m.name} by quarter",
                                      ["Quarter", "Actual", "Target", "Year to date",
                                       "Target to date"], rows, slug),
                     className="col-lg-6"),
            html.Div(lazy_graph(ytd, f"{slug}-ytd"), className="col-lg-6", style=held_height(ytd)),
        ], className="row"))
        if m.categories:
            cat_rows = [[name, *[format_number(v) for v in values]] for name, values in m.categories]
            body.append(chart_with_table(breakdown_figure(m, year_label), f"{m.name} by category",
                                         ["Category", *SHORT], cat_rows, f"{slug}-breakdown"))
    kind = "Outcome" if m.kind == "outcome" else "Output"
    return html.Section([html.H3([m.name, html.Span(f" {kind}", className="kind-tag")],
                                 className="h5"), *body],
                        className="metric-section", id=f"section-{slug}")
