"""The quarterly performance table page: the meeting's table, sortable and filterable."""

from __future__ import annotations

import json

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from layouts import ids
from layouts.filters import QUARTER_OPTIONS, provisional_switch, select
from models.reporting.performance import COLUMNS
from models.rules.rag import words_by_tone

PERIOD_OPTIONS = [*QUARTER_OPTIONS, {"label": "Whole year", "value": "year"}]
# One class name per rule: AG Grid adds each key with classList.add, which refuses spaces.
# Each rule is a JavaScript expression the grid evaluates: the cell's word is one of these.
RAG_CELL_CLASS_RULES = {tone: f"{json.dumps(words)}.includes(params.value)"
                        for tone, words in words_by_tone().items()}


def column_defs() -> list[dict]:
    defs = []
    # Rows arrive grouped by priority in the strategy's order; no initial sort disturbs that.
    for name in COLUMNS:
        col: dict = {"field": name, "headerName": name}
        if name in ("Priority", "Service"):
            col["pinned"] = "left"
        if name not in ("Priority", "Service", "Provider", "Metric", "Note"):
            col["width"] = 118
        if name == "RAG":
            col["cellClass"] = "rag-cell"
            col["cellClassRules"] = RAG_CELL_CLASS_RULES
        if name in ("Metric", "Note", "Service"):
            col["wrapText"] = True
            col["autoHeight"] = True
            col["minWidth"] = 220 if name != "Note" else 320
        defs.append(col)
    return defs


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
            html.Div(dbc.Switch(id=ids.PERF_PUBLISH, value=publish,
                                label="Publication mode: hide small numbers and what gives them away"),
                     className="filter align-self-end"),
        ], className="filters d-flex gap-3 mb-3 flex-wrap"),
        html.H2(id=ids.PERF_HEADING, className="h4"),
        html.P([
            "Download: ",
            html.A("Excel (XLSX)", id=ids.PERF_XLSX, href="#", className="me-3"),
            html.A("CSV", id=ids.PERF_CSV, href="#", className="me-3"),
            html.A("PDF meeting pack", id=ids.PERF_PDF, href="#"),
        ], className="downloads mb-1"),
        # The pack takes about 10 s to build: assets/pdf_download.js says so here, then that
        # it is ready (or why not). Announced politely, as it is news the user asked for.
        html.P(id=ids.PERF_PDF_STATUS, role="status", **{"aria-live": "polite"},
               className="pdf-status downloads"),
        dag.AgGrid(
            id=ids.PERF_GRID, columnDefs=column_defs(), rowData=[],
            defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 90},
            dashGridOptions={"theme": "themeBalham", "rowClassRules": {
                "breakdown-row": "params.data.Kind === 'Breakdown'"},
                "enableCellTextSelection": True, "ensureDomOrder": True,
                "domLayout": "normal"},
            style={"height": "70vh"},
        ),
    ])
