"""Returns home: every service × quarter the user may see, overdue first, in a paged grid.

Eight years of 300 services is about 9,300 rows, and the list grows every quarter. The page
carries none of them: the grid uses AG Grid's infinite row model, which asks the server for
one block of rows at a time (a page of 25) through `getRowsRequest`, with its sort and filter
model, and callbacks/returns_list.py answers with that block and the number of rows the
filters keep. So the first paint, and every page after it, costs the same at any size. (Sent
whole, 9,300 rows took 1.7 s to draw; drawn as an HTML table of links, 215 rows took 7-9 s.)

The provider, quarter and status filters are chosen in selects above the grid and kept in the
URL; they reach the server inside the grid's own filter model (on hidden column filters of
the same names, see `filter_model`), beside the box under "Service" that finds a service by
name, so one request always holds the whole question. Providers get the same page without the
provider filter.

The infinite model needs one height for every row (it places rows it has not loaded yet), so
long names wrap onto at most two lines and are cut short after that (the full name is in the
link's words and on the return itself)."""

from __future__ import annotations

import json

import dash_ag_grid as dag
from dash import html

from layouts import ids
from layouts.filters import ALL, select
from layouts.return_form import STATUS_COLOURS
from layouts.statuses import status_note
from models.returns.lists import (
    HOME_SORTS,
    HOME_STATUSES,
    HomeChoices,
    HomeFilters,
    HomeRow,
    HomeSort,
    status_choices,
)
from models.rules.rag import look_of
from models.rules.workflow import STATUS_WORDS

ACTION_WORDS = {"not_started": "Start", "missing": "Start", "draft": "Continue",
                "overdue": "Continue", "returned": "Make changes"}
PAGE_SIZE = 25  # rows a page; each page is one request (measured: quicker to draw than 50)
ROW_HEIGHT = 48  # two lines of a wrapped name


def edit_href(service_id: int, period_id: int) -> str:
    """Where a row's link goes (the router's return form); assets/returns_grid.js builds the
    same address from the row's ids."""
    return f"/returns/edit?service={service_id}&period={period_id}"


def grid_rows(rows: list[HomeRow], *, may_edit: bool) -> list[dict]:
    """The grid's rows, a page at a time: short, plain data. `sid` and `pid` make the link;
    the due date goes as an ISO date and is written out in words in the browser
    (assets/returns_grid.js)."""
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


# The selects' filters ride in the grid's filter model, on columns of the same names, as text
# filters whose values only the server reads; the grid has no box or button for them.
_HIDDEN_FILTER = {"filter": "agTextColumnFilter", "suppressHeaderFilterButton": True,
                  "suppressHeaderMenuButton": True, "floatingFilter": False}


def column_defs(*, own_only: bool, with_comments: bool) -> list[dict]:
    """Service pinned on the left and the link on the right: on a phone (390 px) both stay in
    view while the columns between scroll sideways, status first among them. The pinned
    widths add up to under 300 px, because AG Grid unpins columns that leave the middle less
    than 50 px."""
    defs: list[dict] = [
        {"field": "service", "headerName": "Service", "pinned": "left", "lockPinned": True,
         "width": 165, "wrapText": True, "cellClass": "returns-two-lines",
         # The grid's own search: type part of a service's name (matched on the server).
         "filter": "agTextColumnFilter", "floatingFilter": True,
         "filterParams": {"buttons": ["reset"], "maxNumConditions": 1,
                          "filterOptions": ["contains"], "debounceMs": 400}},
        {"field": "status", "headerName": "Status", "width": 130,
         "cellClass": "rag-cell", "cellClassRules": _status_cell_rules(), **_HIDDEN_FILTER},
        # The quarter's label does not sort as text; the due date orders the same way.
        {"field": "quarter", "headerName": "Quarter", "width": 120, "sortable": False,
         **_HIDDEN_FILTER},
        {"field": "due", "headerName": "Due", "width": 150,
         "valueFormatter": {"function": "returnsDueDate(params.value)"}},
    ]
    if not own_only:
        defs.append({"field": "provider", "headerName": "Provider", "flex": 1, "minWidth": 170,
                     "wrapText": True, "cellClass": "returns-two-lines", **_HIDDEN_FILTER})
    if with_comments:
        defs.append({"field": "comment", "headerName": "Lead officer's comment", "flex": 2,
                     "minWidth": 220, "wrapText": True, "cellClass": "returns-two-lines",
                     "tooltipField": "comment", "sortable": False})
    defs.append({"field": "action", "headerName": "Open", "pinned": "right", "lockPinned": True,
                 "width": 110, "minWidth": 110,
                 "sortable": False, "cellRenderer": "ReturnLink"})
    return defs


def filter_model(chosen: HomeFilters) -> dict:
    """The grid's filter model for these filters: what it starts with, and what a change of
    select puts in it (which makes the grid ask for its rows again, from the first page)."""
    model: dict = {}
    for column, value in (("provider", chosen.provider_id), ("quarter", chosen.quarter),
                          ("status", chosen.status)):
        if value is not None:
            model[column] = {"filterType": "text", "type": "equals", "filter": str(value)}
    if chosen.service_text:
        model["service"] = {"filterType": "text", "type": "contains", "filter": chosen.service_text}
    return model


def _text_of(model: object, column: str) -> str | None:
    entry = model.get(column) if isinstance(model, dict) else None
    value = entry.get("filter") if isinstance(entry, dict) else None
    return value if isinstance(value, str) else None


def filter_values(model: object) -> tuple[str | None, str | None, str | None, str | None]:
    """(provider, quarter, status, service text) as written in a filter model the browser
    sent: untrusted text, for models.returns.lists.home_filters to keep or drop."""
    return (_text_of(model, "provider"), _text_of(model, "quarter"), _text_of(model, "status"),
            _text_of(model, "service"))


def sort_of(sort_model: object) -> HomeSort:
    """The grid's sort model ([{"colId": "due", "sort": "desc"}]) as a HomeSort; anything
    else is the list's own order."""
    first = sort_model[0] if isinstance(sort_model, list) and sort_model else None
    column, way = (first.get("colId"), first.get("sort")) if isinstance(first, dict) else (None, None)
    if isinstance(column, str) and column in HOME_SORTS and way in ("asc", "desc"):
        return HomeSort(column, way == "desc")
    return HomeSort()


def count_text(shown: int, total: int) -> str:
    if total == 0:
        return "There are no returns for you to see yet."
    if shown == 0:
        return "No returns match these filters. Choose “All” in a filter to see more."
    if shown == total:
        return f"{total:,} returns."
    return f"{shown:,} of {total:,} returns match these filters."


def returns_home_page(choices: HomeChoices, chosen: HomeFilters, shown: int, *,
                      own_only: bool) -> html.Div:
    """`choices`: what the filters offer, from every return the user may see; `chosen`: the
    filters from the URL, which keep `shown` of them. `own_only`: the user sees its own
    organisation's returns (decided by models.access). The rows come later, a page at a
    time (callbacks/returns_list.py)."""
    if not choices.total:
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
                              + [{"label": name, "value": str(i)} for i, name in choices.providers],
                              str(chosen.provider_id) if chosen.provider_id is not None else ALL))
    filters += [
        select(ids.RETURNS_QUARTER, "Quarter",
               [{"label": "All quarters", "value": ALL}]
               + [{"label": q, "value": q} for q in choices.quarters], chosen.quarter or ALL),
        select(ids.RETURNS_STATUS, "Status",
               [{"label": "All statuses", "value": ALL}]
               + [{"label": words, "value": value} for value, words in status_choices()],
               chosen.status or ALL),
    ]
    return html.Div([
        html.H1("Returns", className="h2"),
        html.P([intro, f" Choose {'a' if own_only else 'a provider,'} quarter or status to narrow "
                "the list; type in the box under “Service” to find a service."]),
        html.Div(filters, className="filters d-flex gap-3 mb-3 flex-wrap"),
        # Read out when a filter changes the list.
        html.P(count_text(shown, choices.total), id=ids.RETURNS_COUNT, role="status",
               **{"aria-live": "polite"}),
        status_note(HOME_STATUSES, note_id=ids.RETURNS_STATUS_NOTE),
        dag.AgGrid(
            id=ids.RETURNS_GRID,
            columnDefs=column_defs(own_only=own_only, with_comments=choices.with_comments),
            rowModelType="infinite",
            defaultColDef={"sortable": True, "resizable": True, "filter": False},
            dashGridOptions={
                "theme": "themeBalham", "pagination": True, "paginationPageSize": PAGE_SIZE,
                "paginationPageSizeSelector": False,
                # One block is one page: each page is one request for PAGE_SIZE rows. A few
                # pages are kept, so going back a page asks nothing. One request at a time:
                # Dash drops a callback's answer when the same callback is asked again before
                # it comes, which would leave an earlier block loading for ever.
                "cacheBlockSize": PAGE_SIZE, "maxBlocksInCache": 10,
                "maxConcurrentDatasourceRequests": 1,
                # One placeholder row while the first page comes, not a page of them: each
                # is drawn, then drawn again with its data (measured: 0.7 s slower under load).
                "infiniteInitialRowCount": 1,
                # The URL's filters are in the first request (not a second one after it).
                "initialState": {"filter": {"filterModel": filter_model(chosen)}},
                "rowHeight": ROW_HEIGHT,
                # One page drawn in full, at its own height: the page scrolls, not a box in it.
                "domLayout": "autoHeight", "ensureDomOrder": True, "enableCellTextSelection": True,
                # With filters on, AG Grid says "No Matching Rows" instead: the same words.
                "localeText": {"noRowsToShow": "No returns match these filters.",
                               "noMatchingRows": "No returns match these filters."},
            },
            getRowId="params.data.sid + '-' + params.data.pid",
            className="returns-grid",
        ),
    ], style={
        # The first page's height, held while its rows come (assets/monitor.css), so the
        # page does not jump when they arrive.
        "--returns-first-page-rows": max(1, min(shown, PAGE_SIZE)),
        "--returns-row-height": f"{ROW_HEIGHT}px"})
