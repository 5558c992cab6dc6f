"""What needs attention: the exception report's page (models/reporting/attention.py)."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.filters import ALL, QUARTER_OPTIONS, provisional_switch, select
from layouts.paging import PAGE_SIZE, page_count, pager, pager_text, row_range
from models.reporting.attention import (
    GOING_WELL,
    LEFT_OUT_HERE,
    NEEDS_ATTENTION,
    NO_EXPLANATION,
    AttentionLine,
    AttentionReport,
    PriorityCount,
)
from models.rules.slugs import slugify

INTRO = ("Lines made from the figures for the quarter: what is Red, what the charts show as "
         "more than ordinary variation, forecasts well short of target and late returns; then "
         "what is going well. Each line links to its service's page, with the provider's own "
         "explanation from the approved return beside it.")
SECTION_SIGNS = {NEEDS_ATTENTION: "▲", GOING_WELL: "✓"}  # with the words, never instead of them
# Above this many lines the page is a table of counts by priority, with the lines a page at a
# time (a county's quarter has about 5,000, a national body's tens of thousands; drawing 4,941
# took a second and made a page nobody can read through). A partnership's report is shown whole.
LINE_LIMIT = 100
POLL_MS = 2000  # while a report is worked out in the background, the page asks this often
LINES_NOUN, NO_LINES = "Lines", "No lines to show."
LINES_PAGE = PAGE_SIZE  # lines a page


def attention_page(years: list[dict], year: str, quarter: str, provisional: bool,
                   priority: str | None = None, page: int = 1) -> html.Div:
    """The page's frame; the callback fills in the report. The part for a long report (a
    priority to choose, a page of lines and the pager) is hidden until one needs it; it is
    part of the page from the start so that the pager keeps the keyboard's focus."""
    return html.Div([
        html.H1("What needs attention", className="h2"),
        html.P(INTRO, className="lead-text"),
        html.Div([select(ids.ATTENTION_YEAR, "Financial year", years, year),
                  select(ids.ATTENTION_QUARTER, "Quarter", QUARTER_OPTIONS, quarter),
                  provisional_switch(ids.ATTENTION_PROVISIONAL, provisional)],
                 className="filters d-flex gap-3 mb-3 flex-wrap"),
        html.Div(id=ids.ATTENTION_BODY, **{"aria-live": "polite"}),
        html.Section([
            html.H2("The lines", className="h4", id="attention-lines-heading"),
            html.Div(select(ids.ATTENTION_PRIORITY, "Show the lines of",
                            [{"label": "All priorities", "value": ALL}] + (
                                [{"label": priority, "value": priority}] if priority else []),
                            priority or ALL),
                     className="filters d-flex gap-3 mb-2 flex-wrap"),
            html.Div(id=ids.ATTENTION_LINES),
            pager(page, 0, previous_id=ids.ATTENTION_PREV, next_id=ids.ATTENTION_NEXT,
                  status_id=ids.ATTENTION_PAGE_STATUS, label="Pages of lines", noun=LINES_NOUN,
                  size=LINES_PAGE, nothing=NO_LINES),
        ], id=ids.ATTENTION_PAGED, hidden=True, **{"aria-labelledby": "attention-lines-heading"}),
        dcc.Store(id=ids.ATTENTION_VIEW, data={"page": page}),
        dcc.Interval(id=ids.ATTENTION_POLL, interval=POLL_MS, disabled=True),
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


def _section(report: AttentionReport, section: str, lines: tuple[AttentionLine, ...],
             count: int | None = None) -> html.Section:
    """A section's heading (with how many lines it has: `count` when only some are drawn)
    and its lines under their priorities' headings."""
    tone = "concern" if section == NEEDS_ATTENTION else "well"
    heading_id = f"attention-{'concerns' if section == NEEDS_ATTENTION else 'going-well'}"
    total = len(lines) if count is None else count
    count_words = f"{total:,} {'line' if total == 1 else 'lines'}"
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
                 html.Span(f" ({count_words})", className="attention-count")],
                className=f"h4 attention-heading attention-heading-{tone}",
                id=heading_id),
        *body,
    ], className="attention-section", **{"aria-labelledby": heading_id})


def _heading(report: AttentionReport) -> list:
    out: list = [html.P(f"{report.label}" + (" (provisional)" if report.provisional else ""),
                        className="attention-period fw-bold")]
    return out + [html.P(note, className="attention-note") for note in report.notes]


def attention_body(report: AttentionReport) -> list:
    """The whole report: both sections, every line."""
    return [*_heading(report), _section(report, NEEDS_ATTENTION, report.concerns),
            _section(report, GOING_WELL, report.going_well)]


def attention_summary(report: AttentionReport, counts: list[PriorityCount]) -> list:
    """A long report's head: how many lines each priority has in each section, in a table,
    and where the lines are."""
    def number(n: int) -> html.Td:
        return html.Td(f"{n:,}", className="text-end")

    concerns, well = len(report.concerns), len(report.going_well)
    rows = [html.Tr([html.Th(c.priority, scope="row"), number(c.concerns), number(c.going_well)])
            for c in counts]
    rows.append(html.Tr([html.Th("All priorities", scope="row"), number(concerns), number(well)],
                        className="fw-bold"))
    return [
        *_heading(report),
        html.P(f"{len(report.lines):,} lines: {concerns:,} {'needs' if concerns == 1 else 'need'} "
               f"attention and {well:,} {'is' if well == 1 else 'are'} going well. The table "
               "counts them by priority; below it they are listed a page at a time, for every "
               "priority or the one you choose.", className="attention-total"),
        html.Div(html.Table([
            html.Caption(f"Lines by priority, {report.label}"),
            html.Thead(html.Tr([html.Th("Priority", scope="col"),
                                html.Th([html.Span("▲ ", **{"aria-hidden": "true"}), NEEDS_ATTENTION],
                                        scope="col", className="text-end"),
                                html.Th([html.Span("✓ ", **{"aria-hidden": "true"}), GOING_WELL],
                                        scope="col", className="text-end")])),
            html.Tbody(rows),
        ], className="table table-sm data-table attention-summary", id="attention-summary"),
            className="table-responsive"),
    ]


def lines_page(report: AttentionReport, lines: list[AttentionLine], page: int) -> list:
    """One page of `lines` (Needs attention first, then Going well), each section headed with
    how many lines it has in all of `lines`."""
    start, end = row_range(page, LINES_PAGE)
    shown = lines[start:end]
    if not shown:
        return [html.P(NO_LINES, className="attention-empty")]
    out: list = []
    for section in (NEEDS_ATTENTION, GOING_WELL):
        part = tuple(line for line in shown if line.section == section)
        if part:
            out.append(_section(report, section, part,
                                count=sum(1 for line in lines if line.section == section)))
    return out


def lines_pager_text(page: int, shown: int) -> str:
    """"Lines 26 to 50 of 4,941"."""
    return pager_text(page, shown, LINES_NOUN, LINES_PAGE, NO_LINES)


def lines_last_page(shown: int) -> int:
    """The last page of `shown` lines (the first, for none)."""
    return page_count(shown, LINES_PAGE)


def priority_options(counts: list[PriorityCount]) -> list[dict]:
    return [{"label": "All priorities", "value": ALL}] + [
        {"label": f"{c.priority} ({c.concerns + c.going_well:,} lines)", "value": slugify(c.priority)}
        for c in counts]


def working_words(charts: int, waited: int) -> list:
    """What the page says while a long report is worked out in the background."""
    so_far = f" (started {waited} seconds ago)" if waited >= 5 else ""
    return [html.P([f"Working out the report from {charts:,} charts{so_far}. This takes a while "
                    "the first time after the figures change; then it opens at once for "
                    "everyone until they change again. It will appear here when it is ready."],
                   className="attention-working", id="attention-working")]


def earlier_words(worked_out_at: str, charts: int, waited: int) -> html.Div:
    """Above a report shown from before the latest change, while the new one is worked out:
    said first, in words (a status line, announced politely), not by colour alone."""
    so_far = f" (started {waited} seconds ago)" if waited >= 5 else ""
    return html.Div([
        html.P(html.Strong("These figures are from before the latest change to the data."),
               className="mb-1"),
        html.P(f"This report was worked out at {worked_out_at}. An updated report from "
               f"{charts:,} charts is being worked out{so_far}; it will replace this one here "
               "when it is ready.", className="mb-0"),
    ], className="notice-panel attention-earlier", id="attention-earlier", role="status",
        **{"aria-live": "polite"})


FAILED_WORDS = ("The report could not be worked out: something went wrong on the server, and "
                "it has been logged. It will be tried again in a minute: reload the page then. "
                "If it keeps happening, tell the system administrator.")
