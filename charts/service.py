"""Charts of one metric over a year, shaped from the service's MetricSeries."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from charts.text import chart_text
from charts.theme import PALETTE, TARGET_COLOUR, text_colour_on
from models.rules.formats import baseline_label, format_number, format_rate
from models.rules.measures import SMALL_COHORT, baseline_comparable_quarter

if TYPE_CHECKING:
    from models.reporting.service_figures import MetricSeries, QuarterPoint

ACTUAL = PALETTE[0]
BASELINE = PALETTE[5]
SHORT = ["Q1", "Q2", "Q3", "Q4"]


def _tick(p: QuarterPoint) -> str:
    """A quarter on the x axis: "Q1" (the title names the year). "Q1 2025/26" four times
    over needs more width than a phone has, and turned on its side it was cut off."""
    return SHORT[p.quarter - 1]


def _target_markers(fig: go.Figure, x: list[str], targets: list[float | None], name: str) -> None:
    if any(t is not None for t in targets):
        fig.add_scatter(x=x, y=targets, mode="markers", name=name,
                        marker={"symbol": "line-ew-open", "size": 34, "color": TARGET_COLOUR,
                                "line": {"width": 3, "color": TARGET_COLOUR}})


def _baseline(fig: go.Figure, m: MetricSeries) -> None:
    """The baseline, drawn only where it can be compared, and named in words in the legend.

    A rate's baseline is a level: a dotted line across every quarter. A count's baseline is a
    full year's total, so it is one marker at Q4 beside the year-to-date total for the whole
    year; drawn across the cumulative axis it made Q1–Q3 look "below baseline"."""
    if m.baseline is None or not m.points:
        return
    name = chart_text(baseline_label(m.baseline, m.baseline_period, m.unit))
    quarter = baseline_comparable_quarter(m.unit)
    if quarter is None:
        x = [_tick(p) for p in m.points]
        fig.add_scatter(x=x, y=[m.baseline] * len(x), mode="lines", name=name,
                        line={"color": BASELINE, "dash": "dot", "width": 2},
                        hovertemplate=f"{name}<extra></extra>")
        return
    at = next((_tick(p) for p in m.points if p.quarter == quarter), None)
    if at is not None:
        fig.add_scatter(x=[at], y=[m.baseline], mode="markers", name=name,
                        marker={"symbol": "star-diamond", "size": 14, "color": BASELINE,
                                "line": {"width": 1, "color": "#383f43"}},
                        hovertemplate=f"{name}<extra></extra>")


def quarterly_count_figure(m: MetricSeries, year_label: str,
                           hidden: dict[int, str] | None = None) -> go.Figure:
    """Each quarter's count as a bar. `hidden` (quarter -> marker, in publication mode) draws
    no bar for a withheld quarter, only its marker as the label."""
    hidden = hidden or {}
    x = [_tick(p) for p in m.points]
    fig = go.Figure()
    fig.add_bar(x=x, y=[None if p.quarter in hidden else p.actual for p in m.points], name="Actual",
                marker_color=ACTUAL, textposition="inside", insidetextanchor="start",
                textangle=0, insidetextfont={"color": text_colour_on(ACTUAL)},
                # At the bar's foot, not its top: the quarter's target marker sits near the top.
                text=["" if p.quarter in hidden else format_number(p.actual) for p in m.points])
    for p in m.points:
        if p.quarter in hidden:
            fig.add_annotation(x=_tick(p), y=0, text=hidden[p.quarter], showarrow=False,
                               yanchor="bottom")
    _target_markers(fig, x, [p.target for p in m.points], "Quarter target")
    fig.update_layout(template="monitor", height=340,
                      title=f"Each quarter against target, {year_label}",
                      yaxis={"title": "Number", "rangemode": "tozero"})
    return fig


def _ytd_label_side(ytd: float | None, target: float | None) -> str:
    """A year-to-date label goes on the side away from the target trajectory (below when
    behind it, above when level or ahead), so it never sits on the target's marker."""
    return "bottom right" if ytd is not None and target is not None and ytd < target else "top left"


def cumulative_count_figure(m: MetricSeries, year_label: str) -> go.Figure:
    x = [_tick(p) for p in m.points]
    fig = go.Figure()
    cumulative = [p.cumulative for p in m.points]
    # The target trajectory goes in first, wide, dashed and with open squares, so that where
    # the year to date equals it the solid line and filled circles still show on top of it:
    # line style and marker, not colour, tell the two apart.
    if any(p.cumulative_target is not None for p in m.points):
        fig.add_scatter(x=x, y=[p.cumulative_target for p in m.points], mode="lines+markers",
                        name="Target trajectory",
                        line={"color": TARGET_COLOUR, "dash": "dash", "width": 2},
                        marker={"symbol": "square-open", "size": 13,
                                "line": {"width": 2, "color": TARGET_COLOUR}})
    fig.add_scatter(x=x, y=cumulative, mode="lines+markers+text", name="Year to date",
                    line={"color": ACTUAL, "width": 3}, marker={"symbol": "circle", "size": 8},
                    text=[format_number(c) for c in cumulative], cliponaxis=False,
                    textposition=[_ytd_label_side(p.cumulative, p.cumulative_target) for p in m.points])
    if m.forecast is not None and m.quarters_reported < 4:
        fig.add_scatter(x=[x[-1]], y=[m.forecast], mode="markers", name="Year-end forecast",
                        marker={"symbol": "diamond-open", "size": 14, "color": PALETTE[1],
                                "line": {"width": 3}})
    _baseline(fig, m)
    fig.update_layout(template="monitor", height=340,
                      title=f"Year to date against target, {year_label}",
                      yaxis={"title": "Number (cumulative)", "rangemode": "tozero"})
    return fig


def rate_figure(m: MetricSeries, year_label: str, hidden: dict[int, str] | None = None) -> go.Figure:
    """Each quarter's rate with its 95% interval. `hidden` (quarter -> marker, in publication
    mode): a withheld quarter has no bar, no interval and no label but its marker."""
    hidden = hidden or {}
    x = [_tick(p) for p in m.points]
    shown = [p.actual if p.rate and not p.small_cohort and p.quarter not in hidden else None
             for p in m.points]
    low = [(p.actual - p.interval[0]) if v is not None and p.interval else None
           for p, v in zip(m.points, shown, strict=True)]
    high = [(p.interval[1] - p.actual) if v is not None and p.interval else None
            for p, v in zip(m.points, shown, strict=True)]
    fig = go.Figure()
    fig.add_bar(x=x, y=shown, name="Rate (95% interval)", marker_color=ACTUAL,
                error_y={"type": "data", "array": high, "arrayminus": low, "color": "#383f43"},
                text=[format_rate(p.rate) if v is not None else "" for p, v in zip(m.points, shown, strict=True)],
                textposition="inside", insidetextanchor="start")
    _target_markers(fig, x, [p.target for p in m.points], "Target")
    _baseline(fig, m)
    for p in m.points:
        if p.quarter in hidden:
            fig.add_annotation(x=_tick(p), y=5, text=hidden[p.quarter], showarrow=False,
                               yanchor="bottom")
        elif p.small_cohort:
            words = ("No one<br>assessed" if p.rate.denominator == 0
                     else f"Fewer than {SMALL_COHORT}<br>assessed")
            fig.add_annotation(x=_tick(p), y=5, text=words, showarrow=False, yanchor="bottom")
    fig.update_layout(template="monitor", height=340,
                      title=f"% improved, with 95% intervals, {year_label}",
                      yaxis={"title": "% of those assessed", "range": [0, 105], "ticksuffix": "%"})
    return fig


def breakdown_figure(m: MetricSeries, year_label: str) -> go.Figure:
    fig = go.Figure()
    for i, (name, values) in enumerate(m.categories):
        fig.add_bar(x=[_tick(p) for p in m.points], y=values, name=chart_text(name),
                    marker_color=PALETTE[i % len(PALETTE)])
    fig.update_layout(template="monitor", barmode="stack", height=360,
                      title=f"By category, {year_label}",
                      yaxis={"title": "Number", "rangemode": "tozero"})
    return fig
