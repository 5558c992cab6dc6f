"""Returns home: every service × quarter the user may see, overdue first, a page at a time in
a plain HTML table.

Eight years of 300 services is about 9,300 rows, and the list grows every quarter. The page
carries one page of them (PAGE_SIZE rows), drawn on the server with the page itself, so the
rows are there at the first paint and nothing moves when they arrive. Sorting, the service
search and the Previous/Next buttons ask the server for another page (callbacks/returns_list.py,
which only reads, filters and sorts through models.returns.lists.home_page) and redraw the
table's body, so any size of list costs the same to draw.

(The table used to be an AG Grid with its infinite row model: with Lighthouse's 4× slower CPU
the grid's own script took 5-6.5 s of the main thread, which a 25-row table does not need.)

The provider, quarter and status selects, the text typed in "Find a service", the sort and
the page are kept in the URL, so that a list can be shared, reloaded, and gone back to; values
that name nothing offered are the defaults. Providers get the same page without the provider
filter or column."""

from __future__ import annotations

from dataclasses import dataclass

from dash import dcc, html

from layouts import ids, paging
from layouts.filters import ALL, select
from layouts.paging import (  # noqa: F401 - the list's paging, named here as before
    MAX_PAGE_DIGITS,
    PAGE_SIZE,
    clamp_page,
    page_count,
    page_of,
    pager_text,
    row_range,
)
from layouts.return_form import STATUS_COLOURS
from layouts.statuses import status_note
from layouts.tables import sort_heading
from models.returns.lists import (
    HOME_STATUSES,
    MAX_SERVICE_TEXT,
    HomeChoices,
    HomeFilters,
    HomeRow,
    HomeSort,
    status_choices,
)
from models.rules.formats import format_date
from models.rules.rag import look_of
from models.rules.table_view import (  # noqa: F401 (shared rules; callbacks/returns_list finds them here)
    next_sort,
    parse_sort,
    sort_state,
    sort_text,
)
from models.rules.workflow import STATUS_WORDS

ACTION_WORDS = {"not_started": "Start", "missing": "Start", "draft": "Continue",
                "overdue": "Continue", "returned": "Make changes"}
SORT_TH, SORT_BUTTON = "returns-th", "returns-sort"  # pattern-matching types (column: a key)
TEXT_BOX = "Find a service by name"


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    sortable: bool


def columns(*, own_only: bool, with_comments: bool) -> list[Column]:
    """The table's columns, in order. Service first (the row's header, which stays in view on
    a phone while the rest scroll sideways), then Status, so the two a reader needs most are
    on the first screen. The quarter's label does not sort as text (the due date orders the
    same way); a comment or a link has no order."""
    out = [Column("service", "Service", True), Column("status", "Status", True),
           Column("quarter", "Quarter", False), Column("due", "Due", True)]
    if not own_only:
        out.append(Column("provider", "Provider", True))
    if with_comments:
        out.append(Column("comment", "Lead officer's comment", False))
    out.append(Column("action", "Open", False))
    return out


def sortable_keys(*, own_only: bool) -> list[str]:
    """The sortable columns' keys, in the table's order (the sort buttons' ids)."""
    return [c.key for c in columns(own_only=own_only, with_comments=False) if c.sortable]


def edit_href(service_id: int, period_id: int) -> str:
    """Where a row's link goes (the router's return form)."""
    return f"/returns/edit?service={service_id}&period={period_id}"


# The view: which page, in which order -------------------------------------------------------

def sort_of(text: object, *, own_only: bool = False) -> HomeSort:
    """A sort from the URL or the page's store ("due", "-service"); anything else, and the
    provider column for a provider user (it has none), is the list's own order."""
    return parse_sort(text, sortable_keys(own_only=own_only))


def caption_text(order: HomeSort, own_only: bool) -> str:
    """The table's caption, which says the order: a screen reader hears it on entering the
    table, and it names the sideways-scrolling region on a phone (assets/scroll_regions.js)."""
    whose = "Your organisation's returns" if own_only else "Returns"
    if order.column is None:
        return f"{whose}, overdue and returned first"
    if order.column == "due":
        way = "due date, latest first" if order.descending else "due date, earliest first"
    elif order.column == "status":
        way = "status, most urgent last" if order.descending else "status, most urgent first"
    else:
        way = f"{order.column}, {'Z to A' if order.descending else 'A to Z'}"
    return f"{whose}, by {way}"


def count_text(shown: int, total: int) -> str:
    if total == 0:
        return "There are no returns for you to see yet."
    if shown == 0:
        return "No returns match these filters. Choose “All” in a filter to see more."
    if shown == total:
        return f"{total:,} returns."
    return f"{shown:,} of {total:,} returns match these filters."


# The table ------------------------------------------------------------------------------------

def _cell(column: str, r: HomeRow, *, may_edit: bool) -> html.Td | html.Th:
    if column == "service":
        return html.Th(r.service, scope="row")
    if column == "status":
        # The word is always written: colour is never the only sign.
        tone = look_of(STATUS_COLOURS.get(r.status, "")).tone
        return html.Td(STATUS_WORDS[r.status], className=f"rag-cell {tone}")
    if column == "quarter":
        return html.Td(r.label, className="text-nowrap")
    if column == "due":
        return html.Td(format_date(r.due_date), className="text-nowrap")
    if column == "provider":
        return html.Td(r.provider)
    if column == "comment":
        return html.Td(r.officer_comment)
    words = ACTION_WORDS.get(r.status, "View") if may_edit else "View"
    # A real link (it opens in a new tab too), named in full for a screen reader: "Start,
    # Sanctuary scheme, Q3 2025/26".
    return html.Td(dcc.Link([words, html.Span(f", {r.service}, {r.label}", className="visually-hidden")],
                            href=edit_href(r.service_id, r.period_id), className="returns-link"))


def table_rows(rows: list[HomeRow], cols: list[Column], *, may_edit: bool) -> list[html.Tr]:
    """One page of rows as the table's body; a line in words when no row matches."""
    if not rows:
        return [html.Tr(html.Td("No returns match these filters.", colSpan=len(cols)))]
    return [html.Tr([_cell(c.key, r, may_edit=may_edit) for c in cols],
                    key=f"{r.service_id}-{r.period_id}") for r in rows]


def _heading(column: Column, order: HomeSort) -> html.Th:
    if not column.sortable:
        return html.Th(column.heading, scope="col")
    return sort_heading(column.heading, column.key, order, button_type=SORT_BUTTON, th_type=SORT_TH)


def returns_table(rows: list[HomeRow], cols: list[Column], order: HomeSort, *, may_edit: bool,
                  own_only: bool) -> html.Table:
    return html.Table([
        html.Caption(caption_text(order, own_only), id=ids.RETURNS_CAPTION),
        html.Thead(html.Tr([_heading(c, order) for c in cols])),
        html.Tbody(table_rows(rows, cols, may_edit=may_edit), id=ids.RETURNS_BODY),
    ], id=ids.RETURNS_TABLE, className="table table-sm returns-table align-middle")


def pager(page: int, shown: int) -> html.Nav:
    """The list's Previous and Next (layouts/paging.py)."""
    return paging.pager(page, shown, previous_id=ids.RETURNS_PREV, next_id=ids.RETURNS_NEXT,
                        status_id=ids.RETURNS_PAGE_STATUS, label="Pages of returns")


@dataclass(frozen=True)
class ReturnsView:
    """What the page shows: the filters (the selects and the text), the order and the page,
    as the URL and the page's store keep them."""

    chosen: HomeFilters
    order: HomeSort
    page: int

    def stored(self) -> dict:
        """The page's store (ids.RETURNS_VIEW): what the paging and sorting callbacks start from."""
        return {"sort": sort_text(self.order) or "", "page": self.page}


def returns_home_page(choices: HomeChoices, view: ReturnsView, rows: list[HomeRow], shown: int, *,
                      own_only: bool, may_edit: bool) -> html.Div:
    """`choices`: what the filters offer, from every return the user may see; `view`: the
    filters, order and page from the URL (validated), which keep `shown` rows, of which
    `rows` are this page's. `own_only`: the user sees its own organisation's returns
    (decided by models.access); `may_edit`: its links say Start/Continue, not View."""
    if not choices.total:
        return html.Div([html.H1("Returns", className="h2"),
                         html.P("There are no returns for you to see yet.", id=ids.RETURNS_COUNT)])
    chosen = view.chosen
    intro = ("Your organisation's quarterly returns. Overdue and returned ones are first."
             if own_only else
             "Every service's quarterly returns. Overdue and returned ones are first.")
    # A provider user's list is its own provider's: no provider to choose, but the view
    # callback still takes a value, "all".
    filters: list = [html.Data(id=ids.RETURNS_PROVIDER, value=ALL, hidden=True)] if own_only else []
    if not own_only:
        filters.append(select(ids.RETURNS_PROVIDER, "Provider",
                              [{"label": "All providers", "value": ALL}]
                              + [{"label": name, "value": choices.provider_value(i)}
                                 for i, name in choices.providers],
                              choices.provider_value(chosen.provider_id) or ALL))
    filters += [
        select(ids.RETURNS_QUARTER, "Quarter",
               [{"label": "All quarters", "value": ALL}]
               + [{"label": q, "value": q} for q in choices.quarters], chosen.quarter or ALL),
        select(ids.RETURNS_STATUS, "Status",
               [{"label": "All statuses", "value": ALL}]
               + [{"label": words, "value": value} for value, words in status_choices()],
               chosen.status or ALL),
        # Searched when Enter is pressed or the box is left (debounce), not at each key: one
        # request and one announcement per search, and no list changing under a screen
        # reader user's fingers while they type.
        html.Div([
            html.Label(TEXT_BOX, htmlFor=ids.RETURNS_TEXT, className="form-label"),
            dcc.Input(id=ids.RETURNS_TEXT, type="search", value=chosen.service_text,
                      debounce=True, maxLength=MAX_SERVICE_TEXT, autoComplete="off",
                      className="form-control"),
            html.Span("Type part of its name, then press Enter.", className="form-text d-block"),
        ], className="filter"),
    ]
    cols = columns(own_only=own_only, with_comments=choices.with_comments)
    return html.Div([
        html.H1("Returns", className="h2"),
        html.P([intro, f" Choose {'a' if own_only else 'a provider,'} quarter or status to narrow "
                "the list, find a service by name, or sort by a column's heading."]),
        html.Div(filters, className="filters d-flex gap-3 mb-3 flex-wrap"),
        # Read out when a filter changes the list.
        html.P(count_text(shown, choices.total), id=ids.RETURNS_COUNT, role="status",
               **{"aria-live": "polite"}),
        status_note(HOME_STATUSES, note_id=ids.RETURNS_STATUS_NOTE),
        dcc.Store(id=ids.RETURNS_VIEW, data=view.stored()),
        # Scrolls sideways on a phone, the service's name held on the left (assets/monitor.css);
        # assets/scroll_regions.js makes the box a named tab stop while it scrolls.
        html.Div(returns_table(rows, cols, view.order, may_edit=may_edit, own_only=own_only),
                 className="table-responsive returns-table-box"),
        pager(view.page, shown),
    ], style={
        # The first page's height, held while a page of rows is redrawn (assets/monitor.css),
        # so the pager below does not jump up and back.
        "--returns-first-page-rows": max(1, min(shown, PAGE_SIZE))})
