"""The Overview's answer as tests read it: it comes back in the JSON form the browser gets
(the drawn view is cached as JSON), so the chart is made a Figure again and the table is read
with `.children` as a component would be."""

from __future__ import annotations

import json

import plotly.graph_objects as go

from callbacks.overview import update_overview


class Node:
    """A drawn component as the browser gets it (the Overview answers in JSON form), read
    with `.children` as a component would be."""

    def __init__(self, node):
        self.node = node

    @property
    def children(self):
        kids = self.node["props"].get("children")
        if isinstance(kids, list):
            return [Node(k) if isinstance(k, dict) else k for k in kids]
        return Node(kids) if isinstance(kids, dict) else kids


def overview_answer(*args, **kwargs):
    """update_overview's answer, with the chart (data-figure, JSON text) as a Figure and the table readable, and the
    view record's query (what the address bar gets) as `search`."""
    heading, tiles, figure, style, table, csv_href, shown = update_overview(*args, **kwargs)
    search = shown["search"] if isinstance(shown, dict) else shown
    # The chart box's data-figure: JSON text (assets/lazy_charts.js draws it), its height held.
    assert style["--chart-height"].endswith("px")
    figure = go.Figure(json.loads(figure))
    if isinstance(table, dict):
        table = Node(table)
    return heading, tiles, figure, table, csv_href, search
