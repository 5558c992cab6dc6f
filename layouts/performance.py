"""The quarterly performance table page: the meeting's table, a page of rows at a time in a
plain HTML table drawn on the server.

The page comes drawn with the page of rows its URL names (the router: callbacks/router.py),
so the rows are there at the first paint (a national table, worked out in the background
the first time, is said to be so meanwhile, and the page asks again until it is there).
Finding, filtering, sorting by a heading's button and Previous/Next ask the server for
another page (callbacks/performance.py, which sorts and cuts the already computed rows
through models.reporting.performance_view) and redraw the table's body. (The table used to
be an AG Grid: its 1.3 MB script and its drawing of some 400 cells through React held the
main thread for about half a second, Lighthouse's total blocking time; a page of plain rows
needs none of that. The rows are drawn by one component, layouts/table_body.TableBody, not a
Dash component for each of some 450 cells: those were most of what was left.)

The table leads with the answer: what the service and measure are (held at the left while
the figures scroll sideways on a phone), then the RAG and the quarter's figures, then the
rest. Priority and Provider repeat on every row: hidden until "Show priority and provider" is
switched on, which the browser does alone (a CSS :has() rule on the switch, assets/monitor.css).
Every row is one line high: long text ends in "…", its full text the cell's title (a screen
reader reads the cell's whole text anyway)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids, paging, tables
from layouts.filters import ALL, QUARTER_OPTIONS, provisional_switch, select
from layouts.jobs import job_progress
from layouts.table_body import TableBody
from models.reporting.performance import COLUMNS
from models.reporting.performance_view import (
    COLUMN_BY_KEY,
    COLUMN_KEYS,
    MAX_FIND_TEXT,
    NUMERIC_COLUMNS,
    PAGE_SIZES,
    RAG_CHOICES,
    PerfFilters,
    PerfPage,
    is_breakdown,
    priority_value,
)
from models.rules.rag import look_of
from models.rules.table_view import ColumnSort, sort_text

PERIOD_OPTIONS = [*QUARTER_OPTIONS, {"label": "Whole year", "value": "year"}]
SORT_TH, SORT_BUTTON = "perf-th", "perf-sort"  # pattern-matching types (column: a key)
FIND_BOX = "Find a service or measure"

PINNED = ("Service", "Metric")
LEADING = ("RAG", "Quarter actual", "Quarter target", "Quarter % of target")
HIDEABLE = ("Priority", "Provider")
# Cells whose text may be longer than their column: cut with "…", the full text their title.
TRUNCATED = frozenset({"Service", "Metric", "Status", "Note", "Priority", "Provider",
                       "Quarter % of target", "YTD % of target", "Baseline period"})


def column_order() -> list[str]:
    """Every column of the table (models.reporting.performance.COLUMNS), answer first."""
    first = [*PINNED, *LEADING]
    rest = [c for c in COLUMNS if c not in first and c not in HIDEABLE]
    return [*first, *rest, *HIDEABLE]


def column_class(name: str) -> str:
    """The cell's classes (assets/monitor.css gives each column its width): "col-rag",
    figures aligned right, the hideable two marked."""
    out = f"col-{COLUMN_KEYS[name]}"
    if name in NUMERIC_COLUMNS:
        out += " num"
    if name in HIDEABLE:
        out += " col-group"
    return out


def _cell(name: str, row: dict[str, str]) -> dict[str, str]:
    """A cell as layouts/table_body.TableBody draws it: its words, classes and title."""
    text = row.get(name, "")
    if name == "Metric":
        text = text.strip()  # a breakdown's indent is the row's class (drawn in CSS)
    cell = {"text": text, "className": column_class(name)}
    if name in TRUNCATED and text:
        cell["title"] = text
    if name == "RAG" and text:
        # The word is always written: colour is never the only sign.
        cell["className"] += f" rag-cell {look_of(text).tone}"
    return cell


def table_rows(rows: list[dict[str, str]], *, working: bool = False) -> list[dict]:
    """One page of rows as the table's body draws them (layouts/table_body.py: one component
    for the page, not one for each cell), each row headed by its service; a line in words
    when there is none (`working`: the table is being worked out, and the page says so
    above it)."""
    if not rows:
        words = "The table is not ready yet." if working else "No measures match these filters."
        return [{"note": words, "className": "perf-empty"}]
    return [{"className": "breakdown-row" if is_breakdown(row) else "",
             "cells": [_cell(name, row) for name in column_order()]} for row in rows]


def _heading(name: str, order: ColumnSort) -> html.Th:
    return tables.sort_heading(name, COLUMN_KEYS[name], order, button_type=SORT_BUTTON,
                               th_type=SORT_TH, class_name=column_class(name))


def caption_text(heading: str, order: ColumnSort) -> str:
    """The table's caption says what it shows and its order: a screen reader hears it on
    entering the table, and it names the sideways-scrolling region on a phone."""
    name = COLUMN_BY_KEY.get(order.column or "")
    if name is None:
        return f"Performance, {heading}: by priority, in the strategy's order"
    if name in NUMERIC_COLUMNS:
        way = "largest first" if order.descending else "smallest first"
    elif name == "RAG":
        way = "Green last" if order.descending else "Green first"
    else:
        way = "Z to A" if order.descending else "A to Z"
    return f"Performance, {heading}: by {name}, {way}"


def page_words(page: PerfPage, *, working: bool = False) -> str:
    """"Rows 26 to 50 of 312": where this page is in the rows the filters keep; nothing while
    the table is worked out (the words above the table say so, read out once)."""
    return "" if working else paging.span_text(page.first, page.last, page.shown)


def performance_table(rows: list[dict[str, str]], heading: str, order: ColumnSort, *,
                      working: bool = False) -> html.Table:
    return html.Table([
        html.Caption(caption_text(heading, order), id=ids.PERF_CAPTION),
        html.Thead(html.Tr([_heading(name, order) for name in column_order()])),
        TableBody(id=ids.PERF_BODY, rows=table_rows(rows, working=working), columns=len(COLUMNS),
                  rowHeader=column_order().index("Service")),
    ], id=ids.PERF_TABLE, className="table table-sm perf-table")


def pager(page: PerfPage, *, working: bool = False) -> html.Nav:
    """The one pager (layouts/paging.py): its pages hold whole measures, so this page's
    words and the number of pages are the view's."""
    return paging.pager(page.page, page.shown, previous_id=ids.PERF_PREV, next_id=ids.PERF_NEXT,
                        status_id=ids.PERF_PAGE_STATUS, label="Pages of the performance table",
                        pages=page.pages, text=page_words(page, working=working))


POLL_MS = 2000  # while the table is worked out in the background, the page asks this often
FAILED_WORDS = ("The table could not be worked out: something went wrong on the server, and it "
                "has been logged. It will be tried again in a minute: reload the page then. If it "
                "keeps happening, tell the system administrator.")


def working_words(metrics: int, waited: int) -> str:
    """What the page says while a national table is worked out in the background."""
    so_far = f" (started {waited} seconds ago)" if waited >= 5 else ""
    return (f"Working out the table of {metrics:,} measures{so_far}. This takes a while the "
            "first time after the figures change; then it opens at once for everyone until "
            "they change again. It will appear here when it is ready.")


def rag_options() -> list[dict]:
    return [{"label": "Every RAG", "value": ALL}] + [{"label": w, "value": w} for w in RAG_CHOICES]


def priority_options(priorities: list[str]) -> list[dict]:
    return [{"label": "Every priority", "value": ALL}] + [{"label": p, "value": priority_value(p)} for p in priorities]


def performance_page(years: list[dict], year: str, period: str, provisional: bool, publish: bool,
                     heading: str, page: PerfPage, chosen: PerfFilters, order: ColumnSort,
                     size: int, priorities: list[str], working: str = "",
                     polling: bool = False) -> html.Div:
    """`page`: the page of rows the URL's view names (its filters `chosen`, its `order` and
    page `size`, each checked by callbacks/performance.py); `priorities`: the filter's choices.
    `working`: what the page says while a national table is worked out in the background
    (no rows yet), `polling` while it asks again until they are there."""
    return html.Div([
        html.H1("Quarterly performance table", className="h2"),
        html.P("The table the CWP reviews each quarter: each measure's RAG and the quarter's "
               "figures first, its breakdowns indented under it. Find a service or measure, "
               "narrow the table by RAG or priority, or sort by a column's heading (a "
               "measure's breakdowns stay under it). Download the whole table for the "
               "meeting below."),
        html.Div([
            select(ids.PERF_YEAR, "Financial year", years, year),
            select(ids.PERF_QUARTER, "Quarter", PERIOD_OPTIONS, period),
            provisional_switch(ids.PERF_PROVISIONAL, provisional),
            html.Div(dbc.Switch(id=ids.PERF_PUBLISH, value=publish,
                                label="Publication mode: hide small numbers and what gives them away"),
                     className="filter align-self-end"),
        ], className="filters d-flex gap-3 mb-2 flex-wrap"),
        html.Div([
            # Searched when Enter is pressed or the box is left (debounce), not at each key:
            # one request and one announcement per search.
            html.Div([
                html.Label(FIND_BOX, htmlFor=ids.PERF_FIND, className="form-label"),
                dcc.Input(id=ids.PERF_FIND, type="search", value=chosen.find, debounce=True,
                          maxLength=MAX_FIND_TEXT, autoComplete="off", className="form-control"),
                html.Span("Type part of its name, then press Enter.", className="form-text d-block"),
            ], className="filter"),
            select(ids.PERF_RAG, "RAG", rag_options(), chosen.rag or ALL),
            select(ids.PERF_PRIORITY, "Priority", priority_options(priorities),
                   priority_value(chosen.priority) or ALL),
            select(ids.PERF_PAGE_SIZE, "Rows a page", [{"label": str(n), "value": str(n)} for n in PAGE_SIZES],
                   str(size)),
            html.Div(dbc.Switch(id=ids.PERF_SHOW_GROUPS, value=False, label="Show priority and provider"),
                     className="filter align-self-end"),
        ], className="filters d-flex gap-3 mb-3 flex-wrap"),
        html.H2(heading, id=ids.PERF_HEADING, className="h4"),
        # While a national table is worked out in the background (callbacks/performance.py).
        html.P(working, id=ids.PERF_WORKING, role="status", className="perf-working",
               **{"aria-live": "polite"}),
        dcc.Interval(id=ids.PERF_POLL, interval=POLL_MS, disabled=not polling),
        downloads(),
        dcc.Store(id=ids.PERF_VIEW, data=view_store(order, page.page, size)),
        # Scrolls sideways on a phone, Service and Metric held on the left (assets/monitor.css);
        # assets/scroll_regions.js makes the box a named tab stop while it scrolls.
        html.Div(performance_table(page.rows, heading, order, working=bool(working)),
                 className="table-responsive perf-table-box"),
        pager(page, working=bool(working)),
    ], className="perf-page")


def view_store(order: ColumnSort, page: int, size: int) -> dict:
    """The page's store (ids.PERF_VIEW): what the paging and sorting callbacks start from."""
    return {"sort": sort_text(order) or "", "page": page, "size": size}


def downloads() -> html.Div:
    """The table as a file: each button starts a background job (callbacks/performance.py)
    and this request returns at once. While it runs, the job's stage in words ("Drawing
    charts: 12 of 80"), a bar and Cancel show; then what became of it, and the file arrives
    through dcc.Download. Both lines are announced politely: news the user asked for."""
    button = {"color": "primary", "outline": True, "size": "sm", "n_clicks": 0}
    return html.Div([
        html.Div([
            html.Span("Download:", className="me-1"),
            dbc.Button("Excel (XLSX)", id=ids.PERF_XLSX, **button),
            dbc.Button("CSV", id=ids.PERF_CSV, **button),
            dbc.Button("PDF meeting pack", id=ids.PERF_PDF, **button),
        ], className="d-flex flex-wrap align-items-center gap-2"),
        job_progress(ids.PERF_JOB, ids.PERF_JOB_STAGE, ids.PERF_JOB_BAR, ids.PERF_JOB_CANCEL),
        html.P(id=ids.PERF_JOB_RESULT, role="status", **{"aria-live": "polite"},
               className="job-result"),
        dcc.Download(id=ids.PERF_DOWNLOAD),
    ], className="downloads mb-2")
