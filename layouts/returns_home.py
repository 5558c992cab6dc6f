"""Returns home: every service × quarter the user may see, overdue first, in a paged grid.

Eight years of 300 services is about 10,000 rows. The rows go to the browser once, as data
(about 60 KB compressed), and AG Grid draws one page of them at a time, so the first paint
does not grow with the history. (Drawn as an HTML table of links, 215 rows took 7-9 s.)
The provider, quarter and status filters are chosen above the grid and applied on the
server (callbacks/returns_list.py), which keeps them in the URL; the grid sorts, and finds a
service by name, on its own. Providers get the same page without the provider filter: a
provider with several services has a couple of hundred returns after eight years too, and
the grid's paging, sorting and search help it as much as the lead officer."""

from __future__ import annotations

import json

import dash_ag_grid as dag
from dash import html

from layouts import ids
from layouts.filters import ALL, select
from layouts.return_form import STATUS_COLOURS
from models.returns.lists import (
    HomeFilters,
    HomeRow,
    provider_choices,
    quarter_choices,
    status_choices,
)
from models.rules.rag import look_of
from models.rules.workflow import STATUS_WORDS

ACTION_WORDS = {"not_started": "Start", "missing": "Start", "draft": "Continue",
                "overdue": "Continue", "returned": "Make changes"}
PAGE_SIZE = 50


def edit_href(service_id: int, period_id: int) -> str:
    """Where a row's link goes (the router's return form); assets/returns_grid.js builds the
    same address from the row's ids."""
    return f"/returns/edit?service={service_id}&period={period_id}"


def grid_rows(rows: list[HomeRow], *, may_edit: bool) -> list[dict]:
    """The grid's rows: short, plain data (the page sends thousands). `sid` and `pid` make the
    link; the due date goes as an ISO date so that it sorts, and is written out in words in
    the browser (assets/returns_grid.js)."""
    out = []
    for r in rows:
        row = {"sid": r.service_id, "pid": r.period_id, "service": r.service,
               "provider": r.provider, "quarter": r.label, "due": r.due_date.isoformat(),
               "status": STATUS_WORDS[r.status],
               "action": ACTION_WORDS.get(r.status, "View") if may_edit else "View"}
        if r.officer_comment:
            row["comment"] = r.officer_comment
        out.append(row)
    return out


def _status_cell_rules() -> dict[str, str]:
    """One class per RAG tone, for the status words drawn in it (as on the return form's
    badge); the word is always written, so colour is never the only sign."""
    by_tone: dict[str, list[str]] = {}
    for status, word in STATUS_WORDS.items():
        by_tone.setdefault(look_of(STATUS_COLOURS.get(status, "")).tone, []).append(word)
    return {tone: f"{json.dumps(words)}.includes(params.value)" for tone, words in by_tone.items()}


def column_defs(*, own_only: bool, with_comments: bool) -> list[dict]:
    """Service pinned on the left and the link on the right: on a phone (390 px) both stay in
    view while the columns between scroll sideways. Their widths are fixed and add up to
    under 300 px, because AG Grid unpins columns that leave the middle less than 50 px."""
    defs: list[dict] = [
        {"field": "service", "headerName": "Service", "pinned": "left", "lockPinned": True,
         "width": 185, "wrapText": True, "autoHeight": True,
         # The grid's own search: type part of a service's name.
         "filter": "agTextColumnFilter", "floatingFilter": True,
         "filterParams": {"buttons": ["reset"], "maxNumConditions": 1}},
        # The quarter's label does not sort as text; the due date orders the same way.
        {"field": "quarter", "headerName": "Quarter", "width": 130, "sortable": False},
        {"field": "due", "headerName": "Due", "width": 150,
         "valueFormatter": {"function": "returnsDueDate(params.value)"}},
        {"field": "status", "headerName": "Status", "width": 140, "cellClass": "rag-cell",
         "cellClassRules": _status_cell_rules()},
    ]
    if not own_only:
        defs.append({"field": "provider", "headerName": "Provider", "flex": 1, "minWidth": 170,
                     "wrapText": True, "autoHeight": True})
    if with_comments:
        defs.append({"field": "comment", "headerName": "Lead officer's comment", "flex": 2,
                     "minWidth": 220, "wrapText": True, "autoHeight": True, "sortable": False})
    defs.append({"field": "action", "headerName": "Open", "pinned": "right", "lockPinned": True,
                 "width": 100, "minWidth": 100,
                 "sortable": False, "cellRenderer": "ReturnLink"})
    return defs


def count_text(shown: int, total: int) -> str:
    if total == 0:
        return "There are no returns for you to see yet."
    if shown == 0:
        return "No returns match these filters. Choose “All” in a filter to see more."
    if shown == total:
        return f"{total:,} returns."
    return f"{shown:,} of {total:,} returns match these filters."


def returns_home_page(rows: list[HomeRow], shown: list[HomeRow], chosen: HomeFilters, *,
                      own_only: bool, may_edit: bool) -> html.Div:
    """`rows`: every return the user may see (for the filters' choices); `shown`: those the
    filters in `chosen` keep. `own_only`: the user sees its own organisation's returns;
    `may_edit`: it fills them in (both decided by models.access)."""
    if not rows:
        return html.Div([html.H1("Returns", className="h2"),
                         html.P("There are no returns for you to see yet.", id=ids.RETURNS_COUNT)])
    intro = ("Your organisation's quarterly returns. Overdue and returned ones are first."
             if own_only else
             "Every service's quarterly returns. Overdue and returned ones are first.")
    # A provider user's list is its own provider's: no provider to choose, but the filter
    # callback still takes a value, "all".
    filters: list = [html.Data(id=ids.RETURNS_PROVIDER, value=ALL, hidden=True)] if own_only else []
    if not own_only:
        filters.append(select(ids.RETURNS_PROVIDER, "Provider",
                              [{"label": "All providers", "value": ALL}]
                              + [{"label": name, "value": str(i)} for i, name in provider_choices(rows)],
                              str(chosen.provider_id) if chosen.provider_id is not None else ALL))
    filters += [
        select(ids.RETURNS_QUARTER, "Quarter",
               [{"label": "All quarters", "value": ALL}]
               + [{"label": q, "value": q} for q in quarter_choices(rows)], chosen.quarter or ALL),
        select(ids.RETURNS_STATUS, "Status",
               [{"label": "All statuses", "value": ALL}]
               + [{"label": words, "value": value} for value, words in status_choices()],
               chosen.status or ALL),
    ]
    return html.Div([
        html.H1("Returns", className="h2"),
        html.P([intro, " Choose a provider, quarter or status to narrow the list; type in the "
                "box under “Service” to find a service."]),
        html.Div(filters, className="filters d-flex gap-3 mb-3 flex-wrap"),
        # Read out when a filter changes the list.
        html.P(count_text(len(shown), len(rows)), id=ids.RETURNS_COUNT, role="status",
               **{"aria-live": "polite"}),
        dag.AgGrid(
            id=ids.RETURNS_GRID,
            columnDefs=column_defs(own_only=own_only,
                                   with_comments=any(r.officer_comment for r in rows)),
            rowData=grid_rows(shown, may_edit=may_edit),
            defaultColDef={"sortable": True, "resizable": True, "filter": False},
            dashGridOptions={
                "theme": "themeBalham", "pagination": True, "paginationPageSize": PAGE_SIZE,
                "paginationPageSizeSelector": [25, PAGE_SIZE, 100],
                # One page drawn in full, at its own height: the page scrolls, not a box in it.
                "domLayout": "autoHeight", "ensureDomOrder": True, "enableCellTextSelection": True,
                "localeText": {"noRowsToShow": "No returns match these filters."},
            },
            getRowId="params.data.sid + '-' + params.data.pid",
            className="returns-grid",
        ),
    ])
