"""Plotly figures and their data tables, shaped from rows the models computed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
from dash import html

# Colour-blind-safe (Okabe–Ito); RAG is always shown as a word too.
ACTUAL_COLOUR = "#0072B2"
TARGET_COLOUR = "#000000"
RAG_CLASSES = {
    "Green": "rag rag-green", "Amber": "rag rag-amber", "Red": "rag rag-red",
    "No data": "rag rag-grey", "Not due": "rag rag-grey", "No target": "rag rag-grey",
}


@dataclass(frozen=True)
class BarPoint:
    label: str
    actual: float | None
    target: float | None


def actual_vs_target_figure(points: Sequence[BarPoint], title: str) -> go.Figure:
    """Bars for actuals with a black tick for each target."""
    labels = [p.label for p in points]
    fig = go.Figure()
    fig.add_bar(x=labels, y=[p.actual for p in points], name="Actual",
                marker_color=ACTUAL_COLOUR,
                hovertemplate="%{x}<br>Actual: %{y:,.0f}<extra></extra>")
    fig.add_scatter(x=labels, y=[p.target for p in points], name="Target", mode="markers",
                    marker={"symbol": "line-ew-open", "size": 36, "color": TARGET_COLOUR,
                            "line": {"width": 3, "color": TARGET_COLOUR}},
                    hovertemplate="%{x}<br>Target: %{y:,.0f}<extra></extra>")
    fig.update_layout(
        title={"text": title, "x": 0},
        template="simple_white",
        font={"family": "system-ui, -apple-system, 'Segoe UI', Arial, sans-serif", "size": 13},
        margin={"l": 60, "r": 20, "t": 60, "b": 120},
        legend={"orientation": "h", "y": 1.08, "x": 1, "xanchor": "right"},
        yaxis={"title": "Number in the quarter", "rangemode": "tozero"},
        xaxis={"tickangle": -25},
        height=460,
    )
    return fig


def rag_badge(word: str) -> html.Span:
    return html.Span(word, className=RAG_CLASSES.get(word, "rag rag-grey"))


def data_table(caption: str, header: Sequence[str], rows: Sequence[Sequence[object]],
               table_id: str | None = None) -> html.Table:
    """A plain, accessible HTML table (caption, scoped headers) to sit beside a chart."""
    head = html.Thead(html.Tr([html.Th(h, scope="col") for h in header]))
    body = html.Tbody([
        html.Tr([html.Th(row[0], scope="row")] + [html.Td(cell) for cell in row[1:]])
        for row in rows
    ])
    props = {"id": table_id} if table_id else {}
    return html.Table([html.Caption(caption), head, body],
                      className="table table-sm data-table", **props)
