"""A service's "Over the years": each metric's XmR chart since 2020/21 with its reading in
words, its data table, and its annual figures against the 2018/19 baseline. Shaped from
MetricTrend (models.reporting.trends)."""

from __future__ import annotations

from dash import dcc, html

from charts.spc import format_level, trend_figure
from charts.theme import graph_config
from layouts.charts import data_table
from layouts.service_charts import held_height
from models.reporting.trends import BASELINE_YEAR, AnnualFigure, MetricTrend
from models.rules.formats import baseline_label, format_number, format_rate
from models.rules.spc_words import Icon, assurance_icon, point_meaning, variation_icon

HOW_TO_READ = (
    "Each chart is an XmR (statistical process control) chart, read as NHS England's Making "
    "Data Count reads them. The solid line is the mean of the quarters; the dashed lines are "
    "the lower and upper process limits (the mean ± 2.66 × the average change from one "
    "quarter to the next), within which a steady service's figures are expected to vary by "
    "chance. A point is a special cause — something has changed — when it is outside the "
    "limits; in a run of 7 or more on one side of the mean (a shift); in 7 or more rising or "
    "falling in a row (a trend); or when two of three in a row are close to a limit. Special "
    "causes are marked as an improvement (blue diamond) or a concern (orange square), common "
    "cause as a grey circle. Limits need at least 12 quarters, and are worked out again after "
    "a change the lead officer marked in the service. Rates use XmR on the quarterly "
    "percentages.")


def icon_badge(kind: str, icon: Icon) -> html.Span:
    """A Making Data Count icon as text: its letter (decoration) and its words."""
    return html.Span([html.Span(icon.letter, className="spc-letter", **{"aria-hidden": "true"}),
                      html.Span([html.Span(f"{kind}: ", className="spc-kind"), icon.words])],
                     className=f"spc-icon spc-{icon.look}")


def _series_rows(t: MetricTrend) -> list[list[str]]:
    rows = []
    for point, marker in zip(t.spc.points, t.markers, strict=True):
        rows.append([point.label, marker or format_level(point.value, t.unit),
                     format_level(point.mean, t.unit), format_level(point.lower, t.unit),
                     format_level(point.upper, t.unit),
                     "" if point.mean is None else point_meaning(point)])
    return rows


def _annual_value(a: AnnualFigure, unit: str) -> str:
    if a.marker is not None:
        return a.marker
    if unit == "percent":
        return format_rate(a.rate) if a.rate else "No one assessed"
    return format_number(a.value)


def _interval(a: AnnualFigure) -> str:
    return f"{a.interval[0]:.0f}% to {a.interval[1]:.0f}%" if a.interval else ""


def _annual_rows(t: MetricTrend) -> list[list[object]]:
    rows = []
    for a in t.annual:
        year: list[object] = [a.label]
        if a.in_strategy:
            year += [html.Br(), html.Span("Strategy year", className="strategy-year")]
        part = "" if a.complete else f" ({a.quarters} of 4 quarters)"
        change = a.change or ("" if a.marker or t.baseline is None else
                              "Not comparable: not a whole year" if not a.complete else "")
        row = [year, _annual_value(a, t.unit) + part]
        if t.is_rate:
            row.append(_interval(a))
        rows.append([*row, change])
    return rows


def _beyond_scale(t: MetricTrend) -> str:
    """A rate's limits beyond 0% or 100% are drawn at the edge (charts/spc.py): say so."""
    if not t.is_rate:
        return ""
    out = []
    for p in t.spc.points:
        if p.upper is not None and p.upper > 100 and "upper" not in " ".join(out):
            out.append(f"The upper process limit ({format_level(p.upper, t.unit)}) is above 100%")
        if p.lower is not None and p.lower < 0 and "lower" not in " ".join(out):
            out.append(f"the lower process limit ({format_level(p.lower, t.unit)}) is below 0%")
    if not out:
        return ""
    words = " and ".join(out)
    return words[0].upper() + words[1:] + ": drawn at the edge of what a rate can be."


def _summary(t: MetricTrend) -> html.Div:
    return html.Div([
        icon_badge("Variation", variation_icon(t.spc)),
        icon_badge("Assurance", assurance_icon(t.spc)),
    ], className="spc-summary")


def trend_section(t: MetricTrend) -> html.Section:
    slug = f"trend-{t.metric_id}"
    kind = "Outcome" if t.kind == "outcome" else "Output"
    heading = html.H3([t.metric_name, html.Span(f" {kind}", className="kind-tag")], className="h5")
    if not t.has_data:
        return html.Section([heading, html.P(f"No figures for {t.metric_name.lower()} since "
                                             "2020/21 yet, so there is no chart.",
                                             className="empty-state")],
                            className="trend-section", id=f"section-{slug}")
    fig = trend_figure(t)
    first, last = t.spc.points[0].label, t.spc.points[-1].label
    caption = f"{t.metric_name}, each quarter from {first} to {last}"
    facts = [baseline_label(t.baseline, t.baseline_period, t.unit)] if t.baseline is not None else []
    if not t.higher_is_better:
        facts.append("Lower is better")
    annual_header = ["Financial year", "Pooled rate" if t.is_rate else "Annual total",
                     *(["95% interval"] if t.is_rate else []),
                     f"Change on the {t.baseline_period or BASELINE_YEAR} baseline"
                     if t.baseline is not None else "Change on the baseline"]
    return html.Section([
        heading,
        _summary(t),
        html.P(" · ".join(facts), className="metric-facts") if facts else None,
        html.Div(dcc.Graph(figure=fig, id=slug, config=graph_config(f"cwp-{slug}")),
                 className="chart-block", style=held_height(fig)),
        html.P(" ".join(n for n in (t.note, _beyond_scale(t)) if n),
               className="small text-muted spc-note") if t.note or _beyond_scale(t) else None,
        html.Details([
            html.Summary(f"Data table: {caption}"),
            html.Div(data_table(caption, ["Quarter", "Value", "Mean", "Lower process limit",
                                          "Upper process limit", "Special cause"],
                                _series_rows(t), table_id=f"{slug}-table", one_body=True),
                     className="table-responsive"),
        ], className="mb-2"),
        html.Div(data_table(f"{t.metric_name}: each financial year", annual_header,
                            _annual_rows(t), table_id=f"{slug}-annual"),
                 className="table-responsive"),
    ], className="trend-section", id=f"section-{slug}")


def trends_body(trends: list[MetricTrend], provisional: bool) -> list:
    """The "Over the years" section: its heading, how to read it, and each metric."""
    heading = "Over the years" + (" (provisional)" if provisional else "")
    intro = [html.H2(heading, className="h3 mt-4", id="over-the-years"),
             html.P(HOW_TO_READ, className="small")]
    if not trends:
        return [*intro, html.P("This service has no measures to chart.", className="empty-state")]
    return [*intro, *[trend_section(t) for t in trends]]
