"""The priority view and the submission status grid."""

from __future__ import annotations

from typing import TYPE_CHECKING

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.charts import data_table, rag_badge
from layouts.filters import QUARTER_OPTIONS, select, service_href
from layouts.return_form import rag_badge_for
from layouts.statuses import status_note
from models.reporting.cells import format_figure
from models.reporting.priorities import PriorityGroup
from models.reporting.submissions import QuarterRates, SubmissionRow, status_word
from models.rules.formats import format_date, format_number, format_percent

if TYPE_CHECKING:
    from notifications.reminders import PlannedReminder


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


def submissions_page(years: list[dict], year: str, can_remind: bool = False) -> html.Div:
    """`can_remind`: the lead officer's "Send reminders now" (the callbacks check again)."""
    return html.Div([
        html.H1("Submission status", className="h2"),
        html.P("Who has sent their returns, quarter by quarter, and whom to chase. Received "
               "means submitted or approved; on time means submitted by the due date."),
        reminders_block() if can_remind else None,
        html.Div([select(ids.SUBMISSIONS_YEAR, "Financial year", years, year)],
                 className="filters d-flex gap-3 mb-3"),
        status_note(),
        html.Div(id=ids.SUBMISSIONS_BODY),
    ])


def reminders_block() -> html.Section:
    """"Send reminders now": a preview of exactly who gets what, then send or cancel."""
    return html.Section([
        html.H2("Chase by email", className="h4"),
        html.P("Email every provider whose returns are overdue or due soon, listing only its own "
               "returns. You will see exactly who gets what before anything is sent."),
        dbc.Button("Send reminders now", id=ids.REMIND_PREVIEW, color="primary"),
        html.Div([
            html.Div(id=ids.REMIND_PLAN),
            html.Div([
                dbc.Button("Send these reminders", id=ids.REMIND_SEND, color="success",
                           className="me-2"),
                dbc.Button("Cancel", id=ids.REMIND_CANCEL, color="secondary"),
            ], className="mt-2"),
        ], id=ids.REMIND_PANEL, hidden=True, className="mt-3"),
        html.Div(id=ids.REMIND_MSG, className="mt-2"),
        dcc.Store(id=ids.REMIND_SEEN),
    ], className="remind-block mb-4", **{"aria-label": "Chase by email"})


def reminders_preview(plans: list[PlannedReminder]) -> list:
    """Who will get what: one row per provider (its recipients, the returns its email lists)."""
    rows = [[p.provider, p.kind_words,
             html.Ul([html.Li(r.email) for r in p.recipients], className="list-unstyled mb-0")
             if p.recipients else "No one: no active user with reminder emails on (not sent)",
             html.Ul([html.Li(f"{r.service}: {r.label}, due {format_date(r.due_date)} ({r.status_word})")
                      for r in p.returns], className="mb-0 ps-3")]
            for p in plans]
    emails = sum(len(p.recipients) for p in plans)
    return [
        html.P(f"{emails} email{'s' if emails != 1 else ''} to {len(plans)} provider"
               f"{'s' if len(plans) != 1 else ''}. Nothing has been sent yet.", id="remind-summary", role="status"),
        html.Div(data_table("Who will get what", ["Provider", "Reminder", "Recipients",
                                                  "Returns listed"], rows, table_id="remind-table"),
                 className="table-responsive"),
    ]


def _on_time_words(rates: QuarterRates) -> str:
    """The on-time rate, saying how many imported returns (no date of handing in) it leaves out."""
    if not rates.is_due:
        return "Not yet due"
    if rates.on_time_rate is None:
        return "Not known (imported)" if rates.timing_unknown else "Not yet due"
    shown = format_percent(rates.on_time_rate) or ""
    if rates.timing_unknown:
        shown += f" (not counting {rates.timing_unknown:,} imported)"
    return shown


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
        ["On time", *[_on_time_words(r) for r in rates]],
    ]
    return [
        html.Div(data_table("Returns by provider, service and quarter", header, body,
                            table_id="submissions-table"), className="table-responsive"),
        html.H2("Completeness and timeliness", className="h4 mt-4"),
        html.Div(data_table("Per quarter", ["", *[r.label for r in rates]], summary,
                            table_id="submissions-rates"), className="table-responsive"),
    ]
