"""The priority view and the submission status grid."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.charts import data_table, rag_badge
from layouts.filters import QUARTER_OPTIONS, select, service_href
from layouts.return_form import rag_badge_for
from layouts.statuses import status_note
from models.reporting.cells import format_figure
from models.reporting.priorities import PriorityGroup
from models.reporting.submissions import QuarterRates, SubmissionRow, status_word
from models.rules.formats import format_number, format_percent


def priorities_page(years: list[dict], year: str, quarter: str) -> html.Div:
    return html.Div([
        html.H1("Priorities", className="h2"),
        html.P("The strategy's priorities and its three workstreams — primary prevention, "
               "secondary prevention and attitudinal change — with the services commissioned "
               "under each and how they stand this quarter."),
        html.Div([select(ids.PRIORITY_YEAR, "Financial year", years, year),
                  select(ids.PRIORITY_QUARTER, "Quarter", QUARTER_OPTIONS, quarter)],
                 className="filters d-flex gap-3 mb-3 flex-wrap"),
        html.Div(id=ids.PRIORITY_BODY),
    ])


def priorities_body(groups: list[PriorityGroup], year: str, slugs: dict[int, str] | None = None) -> list:
    """`slugs`: each service's slug, for the links to its page."""
    slugs = slugs or {}
    out = []
    for g in groups:
        heading = g.priority
        if not g.service_count:
            out.append(html.Section([html.H2(heading, className="h5"),
                                     html.P("No commissioned services report under this priority.",
                                            className="text-muted")], className="priority-block"))
            continue
        rows = []
        for workstream, services in g.by_workstream.items():
            for r in services:
                rows.append([
                    dcc.Link(r.service + (" (retired)" if r.retired else ""),
                             href=service_href(slugs.get(r.service_id, str(r.service_id)), year)),
                    workstream, r.provider, f"{r.metric}: {format_figure(r.quarter_actual) or 'no figure'}",
                    rag_badge(r.rag_word), r.status])
        out.append(html.Section([
            html.H2(heading, className="h5"),
            html.Div(data_table(f"Services under {g.priority}",
                                ["Service", "Workstream", "Provider", "Headline", "RAG", "Return"],
                                rows), className="table-responsive"),
        ], className="priority-block"))
    return out


def submissions_page(years: list[dict], year: str) -> html.Div:
    return html.Div([
        html.H1("Submission status", className="h2"),
        html.P("Who has sent their returns, quarter by quarter, and whom to chase. Received "
               "means submitted or approved; on time means submitted by the due date."),
        html.Div([select(ids.SUBMISSIONS_YEAR, "Financial year", years, year)],
                 className="filters d-flex gap-3 mb-3"),
        status_note(),
        html.Div(id=ids.SUBMISSIONS_BODY),
    ])


def submissions_body(rows: list[SubmissionRow], rates: list[QuarterRates]) -> list:
    header = ["Provider", "Service", *[r.label for r in rates]]
    body = [[r.provider, r.service + (" (retired)" if r.retired else ""),
             *[rag_badge_for(s, status_word(s)) if s and s not in ("no_period", "retired")
               else status_word(s)
               for s in r.statuses]]
            for r in rows]
    summary = [
        ["Returns due", *[format_number(r.expected) if r.is_due else "Not yet due" for r in rates]],
        ["Received", *[format_number(r.received) if r.is_due else "—" for r in rates]],
        ["Completeness", *[format_percent(r.completeness) or "Not yet due" for r in rates]],
        ["On time", *[format_percent(r.on_time_rate) or "Not yet due" for r in rates]],
    ]
    return [
        html.Div(data_table("Returns by provider, service and quarter", header, body,
                            table_id="submissions-table"), className="table-responsive"),
        html.H2("Completeness and timeliness", className="h4 mt-4"),
        html.Div(data_table("Per quarter", ["", *[r.label for r in rates]], summary,
                            table_id="submissions-rates"), className="table-responsive"),
    ]
