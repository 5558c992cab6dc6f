"""A service's page: every metric over the year, narrative, cost per outcome."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.filters import provisional_switch, select
from layouts.service_charts import metric_section
from models.reporting.service_figures import ServiceFigures
from models.rules.formats import format_date, format_money
from models.rules.periods import year_label


def service_page(services: list[tuple[int, str]], service_id: int, years: list[dict],
                 year: str, provisional: bool, slugs: dict[int, str] | None = None) -> html.Div:
    """`slugs`: each service's slug, the select's values (what the URL carries)."""
    slugs = slugs or {}
    return html.Div([
        html.H1("Service performance", className="h2"),
        html.Div([
            html.Div([dbc.Label("Service", html_for=ids.SERVICE_PICK),
                      dbc.Select(id=ids.SERVICE_PICK, value=slugs.get(service_id, str(service_id)),
                                 options=[{"label": n, "value": slugs.get(i, str(i))}
                                          for i, n in services])],
                     className="filter filter-wide"),
            select(ids.SERVICE_YEAR, "Financial year", years, year),
            provisional_switch(ids.SERVICE_PROVISIONAL, provisional),
        ], className="filters d-flex gap-3 mb-3 flex-wrap"),
        html.Div(id=ids.SERVICE_BODY),
        # "Over the years" (layouts/service_trends.py) comes after the year's figures, from
        # its own callback: it does not change with the year. It is drawn when it nears the
        # screen (assets/service_trends.js), not with the page: a chart per metric.
        dcc.Store(id=ids.SERVICE_TRENDS_SEEN, data=False),
        html.Div([html.H2("Over the years", className="h3 mt-4"),
                  html.P("The charts since 2020/21 are drawn as you scroll to them.",
                         className="small")], id=ids.SERVICE_TRENDS),
    ])


def service_body(f: ServiceFigures) -> list:
    label = year_label(f.year) + (" (provisional)" if f.provisional else "")
    header = [
        html.H2(f.name, className="h3", id="service-name"),
        html.P([f"{f.provider} · {f.priority} · {f.workstream}",
                f" · Annual contract value {format_money(f.contract_value)}" if f.contract_value else ""],
               className="text-muted"),
        html.P(f.description),
    ]
    notes = []
    if f.retired:
        notes.append(html.P("This service is retired: it takes no new returns, and its figures "
                            "and targets stay as they were.", className="alert alert-secondary",
                            id="service-retired"))
    if not f.has_targets:
        notes.append(html.P(f"This service has no targets set for {year_label(f.year)}, so "
                            "nothing is rated against a target.", className="empty-state"))
    if not f.has_data:
        if not f.year_due and f.first_due is not None:
            text = (f"Nothing is due for {year_label(f.year)} yet: the first quarter's returns "
                    f"are due on {format_date(f.first_due)}.")
        else:
            text = f"There are no approved returns for this service in {label}."
        notes.append(html.P(text, className="empty-state", id="service-empty"))
    sections = [metric_section(m, label) for m in f.metrics]
    narrative = [html.H2("Highlights and case studies", className="h4 mt-4")]
    if f.narrative:
        for quarter, highlights, case_study in f.narrative:
            narrative.append(html.Div([
                html.H3(quarter, className="h6"),
                html.P(highlights, className="narrative") if highlights else None,
                html.Blockquote(case_study, className="narrative case-study") if case_study else None,
            ], className="mb-3 narrative-quarter"))
    else:
        narrative.append(html.P("No highlights or case studies in approved returns yet."))
    return [*header, *notes, *sections, *narrative]
