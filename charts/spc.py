"""The XmR chart of one metric's quarterly series (*Making Data Count*), for the service page
and the PDF. Built from an SpcResult (models.rules.spc), so a test can hand it one.

What tells things apart is never colour alone: the mean is a solid line and the process
limits dashed, each named in the legend; a point's meaning (improvement, concern, common
cause) is its colour, its marker's shape and its words in the legend and the hover; a
marked change is a dash-dot line named in the legend."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from charts.text import chart_text
from models.rules.formats import format_number
from models.rules.spc import CONCERN, IMPROVEMENT, SpcResult
from models.rules.spc_words import point_meaning

if TYPE_CHECKING:
    from models.reporting.trends import MetricTrend

# Making Data Count's colours — blue improvement, orange concern, grey common cause — in
# shades that keep 3:1 against white (WCAG 1.4.11): #0072B2 5.1:1, #C45100 4.6:1, #6F777B 4.6:1.
IMPROVEMENT_COLOUR = "#0072B2"
CONCERN_COLOUR = "#C45100"
COMMON_COLOUR = "#6F777B"
LINE_COLOUR = "#0B0C0C"  # the mean and limits (their dash tells them apart); the series is grey
TARGET_COLOUR = "#000000"
CHANGE_COLOUR = "#6F3B8F"

# Each meaning: (legend name, colour, marker symbol, marker size).
MEANINGS = {
    "": ("Common cause", COMMON_COLOUR, "circle", 8),
    IMPROVEMENT: ("Special cause: improvement", IMPROVEMENT_COLOUR, "diamond", 12),
    CONCERN: ("Special cause: concern", CONCERN_COLOUR, "square", 11),
}
HEIGHT = 440
CHANGE_NAME = "Change marked: limits recalculated"


def format_level(value: float | None, unit: str) -> str:
    """A chart's value, mean or limit as text: a count as counts are ("1,364", "11.3"); a
    percentage to one decimal place ("66.7%"), since limits a whole percent apart would
    round to the same figure. A small count's mean or limit to two decimal places ("3.97"):
    to one, an upper limit of 3.97 reads "4.0", and a quarter of 4 marked outside the limits
    would seem to sit on one. "" for none (or a withheld value)."""
    if value is None or math.isnan(value):
        return ""
    if unit == "percent":
        return f"{value:.1f}%"
    if abs(value) < 10 and value != int(value):
        return f"{value:.2f}"
    return format_number(value)


_fmt = format_level


def _on_scale(level: float, unit: str) -> float:
    """Where a limit is drawn: a rate's limits beyond 0% or 100% (few people assessed swing a
    lot) at the edge of what a rate can be; the hover and the data table keep the limit."""
    return min(max(level, 0.0), 100.0) if unit == "percent" else level


def _segments(size: int, changes: Sequence[tuple[int, str]]) -> list[tuple[int, int]]:
    starts = sorted({0, *(i for i, _ in changes if 0 < i < size)})
    return list(zip(starts, [*starts[1:], size], strict=True)) if size else []


def _ticks(labels: list[str]) -> tuple[list[str], list[str]]:
    """One tick a year, at its first quarter shown, named by the year ("2021/22"): 26 quarter
    labels do not fit a phone's width; every point's hover and the table name its quarter."""
    values, texts, seen = [], [], set()
    for label in labels:
        year = label.split(" ")[-1]
        if year not in seen:
            seen.add(year)
            values.append(label)
            texts.append(year)
    return values, texts


def spc_figure(result: SpcResult, *, unit: str, title: str = "",
               changes: Sequence[tuple[int, str]] = (), markers: Sequence[str | None] = (),
               target: float | None = None) -> go.Figure:
    """The chart. `changes`: (index of the first point after a marked change, reason);
    `markers`: publication mode's marker per point (None where the value is shown);
    `target`: the latest quarter's target, which assurance is judged against."""
    points = result.points
    labels = [p.label for p in points]
    markers = list(markers) or [None] * len(points)
    fig = go.Figure()
    shown = [None if (m is not None or math.isnan(p.value)) else p.value
             for p, m in zip(points, markers, strict=True)]
    # The series: one line through every shown value, its points drawn by meaning below.
    fig.add_scatter(x=labels, y=shown, mode="lines", name="Quarterly value",
                    line={"color": COMMON_COLOUR, "width": 1.5}, hoverinfo="skip",
                    connectgaps=True, legendrank=1)
    # Mean and limits: one trace per segment (a marked change starts a new one), so the lines
    # break where the limits were recalculated; the first of each names it in the legend.
    # The limits share one legend entry ("Lower and upper process limits", both dashed).
    first = {"mean": True, "limits": True}
    styles = {"upper": ("Lower and upper process limits", "dash", "limits"),
              "mean": ("Mean", "solid", "mean"),
              "lower": ("Lower and upper process limits", "dash", "limits")}
    for start, end in _segments(len(points), changes):
        part = points[start:end]
        if part[0].mean is None:
            continue
        for key, (name, dash, group) in styles.items():
            level = getattr(part[0], key)
            drawn = _on_scale(level, unit)
            words = {"upper": "Upper process limit", "lower": "Lower process limit"}.get(key, name)
            beyond = (f" (drawn at {format_level(drawn, unit)}: a rate cannot go beyond it)"
                      if drawn != level else "")
            fig.add_scatter(
                x=labels[start:end], y=[drawn] * (end - start), mode="lines", name=name,
                legendgroup=group, showlegend=first[group], legendrank=2 if key == "mean" else 3,
                line={"color": LINE_COLOUR, "dash": dash, "width": 2.5 if key == "mean" else 1.5},
                meta=[key], hovertemplate=f"{words}: {_fmt(level, unit)}{beyond}<extra></extra>")
            first[group] = False
    if target is not None and points:
        fig.add_scatter(x=[labels[0], labels[-1]], y=[target, target], mode="lines",
                        name=f"Latest quarter's target ({_fmt(target, unit)})", legendrank=4,
                        line={"color": TARGET_COLOUR, "dash": "dot", "width": 2},
                        hovertemplate=f"Target: {_fmt(target, unit)}<extra></extra>")
    # The points, one trace per meaning, each with its own colour, shape and words.
    for variation, (name, colour, symbol, size) in MEANINGS.items():
        chosen = [i for i, p in enumerate(points) if shown[i] is not None
                  and (p.variation if p.special_cause else "") == variation]
        if not chosen:
            continue
        fig.add_scatter(
            x=[labels[i] for i in chosen], y=[shown[i] for i in chosen], mode="markers",
            name=name, legendrank=5,
            marker={"color": colour, "symbol": symbol, "size": size,
                    "line": {"width": 1, "color": "#ffffff"}},
            customdata=[[point_meaning(points[i])] for i in chosen],
            hovertemplate=[f"{chart_text(labels[i])}: {_fmt(shown[i], unit)}<br>%{{customdata[0]}}"
                           "<extra></extra>" for i in chosen])
    # A withheld quarter (publication mode): its marker in words at the foot of the chart.
    for i, marker in enumerate(markers):
        if marker is not None:
            fig.add_annotation(x=labels[i], y=0, yref="paper", yanchor="bottom",
                               text=chart_text(marker), showarrow=False)
    # A marked change: a vertical dash-dot line at the first quarter of the new process.
    levels = [_on_scale(v, unit) for p in points for v in (p.value, p.mean, p.lower, p.upper)
              if v is not None and not math.isnan(v)] + ([target] if target is not None else [])
    low, high = (min(levels), max(levels)) if levels else (0.0, 1.0)
    pad = (high - low) * 0.08 or 1.0
    y_range = [low - pad, high + pad]
    for n, (index, reason) in enumerate(c for c in changes if 0 < c[0] < len(points)):
        # The legend's words fit a phone; the hover and the chart's notes name the quarter.
        words = f"Change marked: limits recalculated from {labels[index]}"
        fig.add_scatter(x=[labels[index], labels[index]], y=y_range, mode="lines",
                        name=CHANGE_NAME, legendgroup="change", showlegend=n == 0, legendrank=6,
                        line={"color": CHANGE_COLOUR, "dash": "dashdot", "width": 2},
                        hovertemplate=chart_text(f"{words}" + (f": {reason}" if reason else ""))
                        + "<extra></extra>")
    ticks, texts = _ticks(labels)
    fig.update_layout(
        template="monitor", height=HEIGHT, title=title or None,
        # Room on the right for the last year's tick, turned on its side on a phone.
        margin={"l": 60, "r": 50, "t": 50 if title else 20, "b": 40},
        legend={"orientation": "h", "y": -0.18, "x": 0, "traceorder": "normal"},
        xaxis={"title": None, "type": "category", "tickvals": ticks, "ticktext": texts,
               "categoryorder": "array", "categoryarray": labels},
        yaxis={"title": "% of those assessed" if unit == "percent" else "Number each quarter",
               "range": y_range, **({"ticksuffix": "%"} if unit == "percent" else {})})
    return fig


def trend_figure(trend: MetricTrend) -> go.Figure:
    """The chart of a metric's trend (models.reporting.trends)."""
    return spc_figure(trend.spc, unit=trend.unit, changes=trend.changes, markers=trend.markers,
                      target=trend.target)
