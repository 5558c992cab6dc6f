"""The lead officer's review queue: submitted returns, oldest first."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.charts import data_table
from models.returns.lists import QueueItem
from models.rules.formats import format_date


def queue_item(item: QueueItem) -> html.Section:
    rid = item.return_id
    comment_id = {"type": ids.RQ_COMMENT, "return": rid}
    submitted = format_date(item.submitted_at) if item.submitted_at else "unknown"
    warnings = (html.Div([html.H3("Warnings", className="h6"),
                          html.Ul([html.Li(w) for w in item.warnings])], className="warning-box")
                if item.warnings else html.P("No warnings.", className="text-muted"))
    narrative = [html.Div([html.H3(label, className="h6"), html.P(text or "—", className="narrative")])
                 for label, text in item.narrative.items() if text or label != "Explanation of the figures"]
    return html.Section([
        html.H2(f"{item.service}, {item.label}", className="h4"),
        html.P(f"{item.provider} · submitted {submitted}", className="text-muted"),
        html.Div([
            html.Div(data_table("Figures", ["Metric", "This quarter", "Last quarter", "Target"],
                                item.values), className="col-lg-7 table-responsive"),
            html.Div([warnings, *narrative], className="col-lg-5"),
        ], className="row"),
        dcc.Store(id={"type": ids.RQ_VERSION, "return": rid}, data=item.version),
        dbc.Label("Comment for the provider (needed to return it)", html_for=ids.dom_id(comment_id)),
        dbc.Textarea(id=comment_id, rows=2),
        html.Div([
            dbc.Button("Approve", id={"type": ids.RQ_APPROVE, "return": rid}, color="success",
                       className="me-2"),
            dbc.Button("Return for changes", id={"type": ids.RQ_RETURN, "return": rid},
                       color="warning"),
        ], className="mt-2"),
    ], className="queue-item", id=f"queue-item-{rid}", **{"aria-label": f"{item.service}, {item.label}"})


def queue_list(items: list[QueueItem]) -> list:
    if not items:
        return [html.P("There are no submitted returns waiting for review.", id="queue-empty")]
    return [queue_item(item) for item in items]


def review_page(items: list[QueueItem]) -> html.Div:
    return html.Div([
        html.H1("Review queue", className="h2"),
        html.P("Submitted returns, oldest first. Approve them, or return them to the provider "
               "with a comment saying what to change."),
        html.Div(id=ids.RQ_MESSAGE, role="status"),
        html.Div(queue_list(items), id=ids.RQ_LIST),
    ])
