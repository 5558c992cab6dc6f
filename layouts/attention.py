"""What needs attention: the exception report's page (models/reporting/attention.py)."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.filters import QUARTER_OPTIONS, provisional_switch, select
from models.reporting.attention import (
    GOING_WELL,
    LEFT_OUT_HERE,
    NEEDS_ATTENTION,
    NO_EXPLANATION,
    AttentionLine,
    AttentionReport,
)

INTRO = ("Lines made from the figures for the quarter: what is Red, what the charts show as "
         "more than ordinary variation, forecasts well short of target and late returns; then "
         "what is going well. Each line links to its service's page, with the provider's own "
         "explanation from the approved return beside it.")
SECTION_SIGNS = {NEEDS_ATTENTION: "▲", GOING_WELL: "✓"}  # with the words, never instead of them


def attention_page(years: list[dict], year: str, quarter: str, provisional: bool) -> html.Div:
    return html.Div([
        html.H1("What needs attention", className="h2"),
        html.P(INTRO, className="lead-text"),
        html.Div([select(ids.ATTENTION_YEAR, "Financial year", years, year),
                  select(ids.ATTENTION_QUARTER, "Quarter", QUARTER_OPTIONS, quarter),
                  provisional_switch(ids.ATTENTION_PROVISIONAL, provisional)],
                 className="filters d-flex gap-3 mb-3 flex-wrap"),
        html.Div(id=ids.ATTENTION_BODY, **{"aria-live": "polite"}),
    ])


def _explanation(line: AttentionLine, published: bool) -> html.Dl:
    """The provider's words beside the line: a definition list (label, words)."""
    if published:
        return html.Dl([html.Dt("Provider's explanation"),
                        html.Dd(LEFT_OUT_HERE)],
                       className="attention-explanation")
    items: list = []
    for label, text in line.explanation or (("Provider's explanation", NO_EXPLANATION),):
        items += [html.Dt(label), html.Dd(text)]
    return html.Dl(items, className="attention-explanation")


def attention_line(line: AttentionLine, published: bool) -> html.Li:
    return html.Li([
        html.Div([
            html.Span(line.kind_words, className=f"attention-kind attention-{line.kind}"),
            html.P([dcc.Link(line.service, href=line.link, className="attention-service"), ": ",
                    line.what], className="attention-what"),
        ], className="attention-line-text"),
        _explanation(line, published),
    ], className="attention-line")


def _section(report: AttentionReport, section: str, lines: tuple[AttentionLine, ...]) -> html.Section:
    tone = "concern" if section == NEEDS_ATTENTION else "well"
    heading_id = f"attention-{'concerns' if section == NEEDS_ATTENTION else 'going-well'}"
    count = f"{len(lines)} {'line' if len(lines) == 1 else 'lines'}"
    body: list = []
    if not lines:
        body.append(html.P(report.empty_words(section), className="attention-empty"))
    priority = None
    group: list = []
    for line in lines:
        if line.priority != priority:
            if group:
                body.append(html.Ul(group, className="attention-lines"))
            body.append(html.H3(line.priority, className="h6 attention-priority"))
            priority, group = line.priority, []
        group.append(attention_line(line, report.published))
    if group:
        body.append(html.Ul(group, className="attention-lines"))
    return html.Section([
        html.H2([html.Span(SECTION_SIGNS[section], **{"aria-hidden": "true"}), " ", section,
                 html.Span(f" ({count})", className="attention-count")],
                className=f"h4 attention-heading attention-heading-{tone}",
                id=heading_id),
        *body,
    ], className="attention-section", **{"aria-labelledby": heading_id})


def attention_body(report: AttentionReport) -> list:
    out: list = [html.P(f"{report.label}" + (" (provisional)" if report.provisional else ""),
                        className="attention-period fw-bold")]
    out += [html.P(note, className="attention-note") for note in report.notes]
    out.append(_section(report, NEEDS_ATTENTION, report.concerns))
    out.append(_section(report, GOING_WELL, report.going_well))
    return out
