"""Charts of many services at once: % of target per service, and RAG counts per group."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from charts.text import chart_text, tick_label
from charts.theme import TARGET_COLOUR
from models.rules.formats import format_percent
from models.rules.rag import RAG_ORDER, look_of


@dataclass(frozen=True)
class PercentPoint:
    """One service's actual as a percentage of its target, with the RAG word."""

    label: str
    percent: float | None
    rag_word: str
    detail: str  # e.g. "731 of 744"


def percent_of_target_figure(points: Sequence[PercentPoint], title: str) -> go.Figure:
    """Horizontal bars of % of target with a line at 100%, so services of very different
    sizes share one scale. Each bar is labelled with its RAG word (colour is not the only
    signal); services without a figure say why in words."""
    labels = [chart_text(p.label) for p in points]
    values = [p.percent if p.percent is not None else 0 for p in points]
    texts = [f"{format_percent(p.percent)} · {p.rag_word}" if p.percent is not None else p.rag_word
             for p in points]
    colours = [look_of(p.rag_word).bar for p in points]
    fig = go.Figure(go.Bar(
        y=labels, x=values, orientation="h", marker_color=colours, text=texts,
        textposition="outside", cliponaxis=False, customdata=[p.detail for p in points],
        hovertemplate="%{y}<br>%{x:,.0f}% of target (%{customdata})<extra></extra>",
        name="% of target",
    ))
    top = max([100.0, *values]) * 1.25
    fig.add_vline(x=100, line={"color": TARGET_COLOUR, "width": 2, "dash": "dash"},
                  annotation_text="Target (100%)", annotation_position="top")
    fig.update_layout(
        title={"text": chart_text(title), "x": 0},
        template="monitor",
        margin={"l": 10, "r": 30, "t": 70, "b": 40},
        xaxis={"title": "Actual as % of the quarter's target", "range": [0, top],
               "ticksuffix": "%"},
        yaxis={"autorange": "reversed", "automargin": True},
        height=120 + 44 * max(1, len(points)),
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
