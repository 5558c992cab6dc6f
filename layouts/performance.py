"""The quarterly performance table page: the meeting's table, sortable and filterable."""

from __future__ import annotations

import json

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.filters import QUARTER_OPTIONS, provisional_switch, select
from layouts.jobs import job_progress
from models.reporting.performance import COLUMNS
from models.rules.rag import words_by_tone

PERIOD_OPTIONS = [*QUARTER_OPTIONS, {"label": "Whole year", "value": "year"}]
# One class name per rule: AG Grid adds each key with classList.add, which refuses spaces.
# Each rule is a JavaScript expression the grid evaluates: the cell's word is one of these.
RAG_CELL_CLASS_RULES = {tone: f"{json.dumps(words)}.includes(params.value)"
                        for tone, words in words_by_tone().items()}


# The grid leads with the answer: what the service and measure are (pinned left, so they stay
# put while the figures scroll), then the RAG and the quarter's figures, then the rest. Priority
# and Provider repeat on every row: hidden until "Show priority and provider" asks for them.
PINNED = ("Service", "Metric")
LEADING = ("RAG", "Quarter actual", "Quarter target", "Quarter % of target")
HIDEABLE = ("Priority", "Provider")
# Pinned and answer widths small enough that on a 390 px phone Service, Metric and RAG all fit
# (assets/performance_grid.js widens Service and Metric on wider screens).
WIDTHS = {"Service": 120, "Metric": 132, "RAG": 96, "Quarter % of target": 150,
          "YTD % of target": 150, "Status": 150, "Note": 280}
TRUNCATED = ("Service", "Metric", "Status", "Note", "Priority", "Provider",
             "Quarter % of target", "YTD % of target")
ROW_HEIGHT = 40


def grid_column_order() -> list[str]:
    """Every column of the table (models.reporting.performance.COLUMNS), answer first."""
    first = [*PINNED, *LEADING]
    rest = [c for c in COLUMNS if c not in first and c not in HIDEABLE]
    return [*first, *rest, *HIDEABLE]


def column_defs(show_groups: bool = False) -> list[dict]:
    """The grid's columns. Rows arrive grouped by priority in the strategy's order; no initial
    sort disturbs that. Every row is one line high: long text ends in "…" and its full text
    is the cell's tooltip."""
    defs = []
    for name in grid_column_order():
        col: dict = {"field": name, "headerName": name, "width": WIDTHS.get(name, 118)}
        if name in PINNED:
            col["pinned"] = "left"
            col["lockPinned"] = True
        if name in HIDEABLE:
            col["hide"] = not show_groups
            col["width"] = 200
        if name in TRUNCATED:
            col["tooltipField"] = name
        if name == "RAG":
            col["cellClass"] = "rag-cell"
            col["cellClassRules"] = RAG_CELL_CLASS_RULES
        defs.append(col)
    return defs


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


def performance_page(years: list[dict], year: str, period: str, provisional: bool,
                     publish: bool) -> html.Div:
    return html.Div([
        html.H1("Quarterly performance table", className="h2"),
        html.P("The table the CWP reviews each quarter. Sort or filter any column; breakdowns "
               "sit indented under their measure. Download it for the meeting below."),
        html.Div([
            select(ids.PERF_YEAR, "Financial year", years, year),
            select(ids.PERF_QUARTER, "Quarter", PERIOD_OPTIONS, period),
            provisional_switch(ids.PERF_PROVISIONAL, provisional),
            html.Div(dbc.Switch(id=ids.PERF_SHOW_GROUPS, value=False,
                                label="Show priority and provider"),
                     className="filter align-self-end"),
            html.Div(dbc.Switch(id=ids.PERF_PUBLISH, value=publish,
                                label="Publication mode: hide small numbers and what gives them away"),
                     className="filter align-self-end"),
        ], className="filters d-flex gap-3 mb-3 flex-wrap"),
        html.H2(id=ids.PERF_HEADING, className="h4"),
        # While a national table is worked out in the background (callbacks/performance.py).
        html.P(id=ids.PERF_WORKING, role="status", className="perf-working",
               **{"aria-live": "polite"}),
        dcc.Interval(id=ids.PERF_POLL, interval=POLL_MS, disabled=True),
        downloads(),
        dag.AgGrid(
            id=ids.PERF_GRID, columnDefs=column_defs(), rowData=[],
            defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 80},
            # One page of rows at a time and the grid as tall as its rows: the page scrolls,
            # never a box inside it (on a phone an inner scroll traps the reader's thumb).
            dashGridOptions={"theme": "themeBalham", "rowClassRules": {
                "breakdown-row": "params.data.Kind === 'Breakdown'"},
                "enableCellTextSelection": True, "ensureDomOrder": True,
                "domLayout": "autoHeight", "rowHeight": ROW_HEIGHT,
                "pagination": True, "paginationPageSize": 25,
                "paginationPageSizeSelector": [25, 50, 100],
                "tooltipShowDelay": 300, "tooltipInteraction": True},
            className="perf-grid",
        ),
    ])


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
