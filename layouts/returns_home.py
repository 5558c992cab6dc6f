"""Returns home: every service × period the user may see, overdue first."""

from __future__ import annotations

from dash import dcc, html

from layouts.charts import data_table
from layouts.return_form import rag_badge_for
from models.returns.lists import HomeRow
from models.rules.formats import format_date
from models.rules.workflow import HANDED_IN_STATES, STATUS_WORDS

ACTION_WORDS = {"not_started": "Start", "missing": "Start", "draft": "Continue",
                "overdue": "Continue", "returned": "Make changes"}


def returns_home_page(rows: list[HomeRow], *, own_only: bool, may_edit: bool) -> html.Div:
    """`own_only`: the user sees its own organisation's returns; `may_edit`: it fills them in
    (both decided by models.access)."""
    intro = ("Your organisation's quarterly returns. Overdue and returned ones are first."
             if own_only else
             "Every service's quarterly returns. Overdue and returned ones are first.")
    table_rows = []
    for r in rows:
        href = f"/returns/edit?service={r.service_id}&period={r.period_id}"
        action = ACTION_WORDS.get(r.status, "View") if may_edit else "View"
        status = [rag_badge_for(r.status, STATUS_WORDS[r.status])]
        if r.officer_comment:
            status.append(html.Div(r.officer_comment, className="small mt-1"))
        table_rows.append([
            r.service, r.label, format_date(r.due_date), html.Div(status),
            dcc.Link([action, html.Span(f" {r.service}, {r.label}", className="visually-hidden")],
                     href=href),
        ])
    if not rows:
        return html.Div([html.H1("Returns", className="h2"),
                         html.P("There are no returns for you to see yet.")])
    header = ["Service", "Quarter", "Due", "Status", ""]
    # Done returns (submitted, approved) go below, folded, so what needs doing is on top.
    open_rows = [t for r, t in zip(rows, table_rows, strict=True) if r.status not in HANDED_IN_STATES]
    done_rows = [t for r, t in zip(rows, table_rows, strict=True) if r.status in HANDED_IN_STATES]
    return html.Div([
        html.H1("Returns", className="h2"),
        html.P(intro),
        html.Div(data_table("To do", header, open_rows, table_id="returns-table"),
                 className="table-responsive") if open_rows else
        html.P("Nothing to do: every return is submitted or approved.", id="returns-table"),
        html.Details([
            html.Summary(f"Submitted and approved returns ({len(done_rows)})"),
            html.Div(data_table("Submitted and approved", header, done_rows,
                                table_id="returns-done-table"), className="table-responsive"),
        ], className="mt-3"),
    ])
