"""Charts of many services at once: % of target per service, and RAG counts per group."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from charts.text import chart_text, tick_label
from charts.theme import TARGET_COLOUR, text_colour_on
from models.rules.formats import format_percent
from models.rules.rag import RAG_ORDER, look_of


@dataclass(frozen=True)
class PercentPoint:
    """One service's actual as a percentage of its target, with the RAG word."""

    label: str
    percent: float | None
    rag_word: str
    detail: str  # e.g. "731 of 744"
    # How the figure reads against its target (models.rules.formats.against_target): "96%"
    # for a count, "72% against a target of 75%" for a rate. "" means the percent as it is.
    words: str = ""

    @property
    def text(self) -> str:
        if self.percent is None:
            return self.rag_word
        return f"{self.words or format_percent(self.percent)} · {self.rag_word}"


# Where a bar's label goes, so it never sits on the 100% line and never runs off the chart on
# a phone: inside, ending at the bar's end, when the bar ends between these (% of target),
# before the line; outside, after the bar's end, when the bar is too short to hold it (it ends
# well before the line); and for a bar past the line, inside from the bar's *start*, where it
# ends well before the line too (after it, the label ran off a phone's screen).
INSIDE_FROM, INSIDE_TO = 45.0, 100.0
INSIDE, OUTSIDE, FROM_START = "inside", "outside", "from start"


def label_position(point: PercentPoint) -> str:
    """INSIDE, OUTSIDE or FROM_START (see above)."""
    if point.percent is not None and point.percent > INSIDE_TO:
        return FROM_START
    if point.percent is not None and point.percent >= INSIDE_FROM:
        return INSIDE
    return OUTSIDE


def percent_of_target_figure(points: Sequence[PercentPoint], title: str) -> go.Figure:
    """Horizontal bars of % of target with a dashed line at 100%, so services of very different
    sizes share one scale. Each bar is labelled with its figure and RAG word (colour is not the
    only signal); services without a figure say why in words. Labels never sit on the 100%
    line (see `label_position`), and the line is named in the axis title at the bottom, clear
    of the toolbar at the top."""
    labels = [chart_text(p.label) for p in points]
    values = [p.percent if p.percent is not None else 0 for p in points]
    # A service without a figure has no bar to label: its word goes where its bar would
    # start (an annotation, below), ending well before the line.
    texts = [chart_text(p.text) if p.percent is not None else "" for p in points]
    colours = [look_of(p.rag_word).bar for p in points]
    where = [label_position(p) for p in points]
    fig = go.Figure()
    # Two traces only because a label's anchor (the bar's end or start) is one per trace.
    for from_start in (False, True):
        mine = [(w == FROM_START) == from_start for w in where]
        fig.add_trace(go.Bar(
            y=labels, x=[v if m else None for v, m in zip(values, mine, strict=True)],
            orientation="h", marker_color=colours,
            text=[t if m else "" for t, m in zip(texts, mine, strict=True)],
            textposition=["inside" if w in (INSIDE, FROM_START) else "outside" for w in where],
            insidetextanchor="start" if from_start else "end",
            insidetextfont={"color": [text_colour_on(c) for c in colours]},
            constraintext="inside", textangle=0, cliponaxis=False,
            customdata=[[p.detail, chart_text(p.words or format_percent(p.percent) or "No figure")]
                        for p in points],
            hovertemplate="%{y}<br>%{customdata[1]} (%{customdata[0]})<extra></extra>",
            name="% of target", showlegend=False,
        ))
    top = max([100.0, *values]) * 1.25
    fig.add_vline(x=100, line={"color": TARGET_COLOUR, "width": 2, "dash": "dash"}, layer="below")
    for label, p in zip(labels, points, strict=True):
        if p.percent is None:
            fig.add_annotation(x=0, y=label, text=chart_text(p.text), showarrow=False,
                               xanchor="left", xshift=6)
    fig.update_layout(
        title={"text": chart_text(title), "x": 0},
        template="monitor",
        margin={"l": 10, "r": 30, "t": 70, "b": 80}, barmode="overlay",
        # Never smaller than 10 px: a label too long for its bar overflows towards the bar's
        # start, away from the line, rather than shrinking to nothing or turning on its side.
        uniformtext={"minsize": 10, "mode": "show"},
        # Short lines: centred on the bars, a longer title ran off both sides on a phone.
        xaxis={"title": "% of the quarter's target<br>(dashed line: the target)",
               "range": [0, top], "ticksuffix": "%"},
        yaxis={"autorange": "reversed", "automargin": True},
        height=140 + 44 * max(1, len(points)),
        showlegend=False,
    )
    # Short names on the axis (on a phone the full names took most of the width from the
    # bars); the hover's %{y} and the data table keep the full name.
    fig.update_yaxes(tickmode="array", tickvals=labels, ticktext=[tick_label(label) for label in labels])
    return fig


def rag_count_figure(rows: Sequence[tuple[str, dict[str, int]]], title: str) -> go.Figure:
    """Stacked horizontal bars: for each group, how many services are Green, Amber, Red…
    Each segment is labelled with its count and the legend names the words; greys carry a
    pattern as well, so colour is not the only signal."""
    labels = [chart_text(label) for label, _ in rows]
    fig = go.Figure()
    for word in RAG_ORDER:
        values = [counts.get(word, 0) for _, counts in rows]
        if not any(values):
            continue
        fig.add_bar(y=labels, x=values, orientation="h", name=word,
                    marker={"color": look_of(word).bar, "pattern": {"shape": look_of(word).pattern}},
                    text=[f"{v} {word}" if v else "" for v in values], textposition="inside",
                    hovertemplate=f"%{{y}}: %{{x}} services {word}<extra></extra>")
    fig.update_layout(
        title={"text": chart_text(title), "x": 0}, template="monitor", barmode="stack",
        margin={"l": 10, "r": 30, "t": 70, "b": 40},
        xaxis={"title": "Number of services"},
        yaxis={"autorange": "reversed", "automargin": True},
        height=160 + 56 * max(1, len(rows)),
        legend={"orientation": "h", "y": -0.15, "x": 0, "traceorder": "normal"},
    )
    # Short names on the axis, as above; the full name in the hover and the table.
    fig.update_yaxes(tickmode="array", tickvals=labels, ticktext=[tick_label(label) for label in labels])
    return fig
