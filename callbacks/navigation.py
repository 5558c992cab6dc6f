"""The URL and the page agree, in both directions: the one rule, kept here.

- The router (callbacks/router.py) draws the page for the URL's path and query, and records
  what it drew in the VIEW store: {"search": the query it drew, "title": the page's title}.
- A page's filter callback answers with the record of the view its filters show:
  `show(query, title)` on the output `view_outputs()`.
- assets/navigation.js (showView) puts a filter callback's query in the address bar: in place
  (history.replaceState) for its first call after the router drew the page (slugs for old
  ids, the quarter a bare "/" means), so Back never lands on an address that adds another
  entry; as a new history entry for every later change. It tells Dash's Location, and sets
  the <title> from the record's "title" (cwpTitle.show).
- The router hears every change of the URL. It redraws when the path changed or when the
  query is not the one the page shows (Back or Forward, a link, a typed address); the query
  the page's own filters have just written is left alone (`needs_drawing`), so a filter
  change redraws only what the filter callback draws.
- A filter callback's answer can arrive after the reader has gone Back, Forward or to another
  page: Dash then draws its outputs over the page the address now asks for. Its record says
  from which address it was asked ("from"); showView leaves the address bar alone for such a
  record and asks the router to draw the page again (REDRAW), so the page and the address
  agree again.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import parse_qsl, urlsplit

from dash import ClientsideFunction, Dash, Input, Output, State, ctx
from flask import has_request_context, request

from layouts import ids
from layouts.paging import NEXT, PREVIOUS, turned
from models.rules.table_view import ColumnSort, next_sort

ViewRecord = dict[str, str]


def record(search: str | None, title: str) -> ViewRecord:
    """What the page shows: the query it was drawn for, and its title (without the site's
    name, which assets/navigation.js adds); and, when the browser said, the address the page
    had when it asked ("from": path and query). A record can arrive after the reader has gone
    Back, Forward or elsewhere: the browser ignores one asked from another address than the
    one it now shows (assets/navigation.js showView), which would otherwise overwrite or add
    a history entry for a view the reader has left."""
    shown = {"search": search_text(search), "title": title}
    asked_from = _asked_from()
    return {**shown, "from": asked_from} if asked_from else shown


def _asked_from() -> str | None:
    """The page's address when the browser sent this callback's request: its Referer (the
    document's address, which history.pushState keeps up to date; the app's Referrer-Policy,
    same-origin, sends it whole to the app itself). None outside a request or without one."""
    if not has_request_context() or not request.referrer:
        return None
    address = urlsplit(request.referrer)
    return address.path + search_text(address.query)


def search_text(query: str | None) -> str:
    """'year=2024%2F25' or '?year=…' -> '?year=…'; nothing -> '' (as window.location has it)."""
    query = (query or "").lstrip("?")
    return f"?{query}" if query else ""


def same_view(search: str | None, other: str | None) -> bool:
    """Two queries naming the same view: same keys and values, in any order or encoding."""
    return sorted(parse_qsl((search or "").lstrip("?"))) == sorted(parse_qsl((other or "").lstrip("?")))


def needs_drawing(pathname: str | None, search: str | None, shown: ViewRecord | None,
                  triggered: set[str]) -> bool:
    """Whether the router draws the page: always for a new path or the first load; for a new
    query only when it is not the view the page already shows; always when the browser asks
    (REDRAW: an answer asked from an address the reader has since left was drawn over the
    page)."""
    if not shown or not triggered or triggered & {f"{ids.URL}.pathname", f"{ids.REDRAW}.data"}:
        return True
    return not same_view(search, shown.get("search"))


def page_drawn() -> bool:
    """Whether Dash calls a page's callback because the router has just drawn the page: it
    then reports every input on the page as triggered, while anything the user does (a
    filter, a button, a poll) triggers one. The page came drawn for its URL (its filters,
    its page of a list), which such a call must keep, not reset."""
    return len(ctx.triggered) > 1


def view_outputs() -> list[Output]:
    """The VIEW record: the last output of every filter callback. The address bar follows it
    in the browser (assets/navigation.js showView), never from here: Dash's Location would
    push a history entry even for the call that follows the page's drawing."""
    return [Output(ids.VIEW, "data", allow_duplicate=True)]


def show(query: str | None, title: str) -> tuple[ViewRecord]:
    """The value for `view_outputs()`: the record of the view the filters now show."""
    return (record(query, title),)


def view_title(page: str, view: str | None = None) -> str:
    """The page's part of the <title>: 'Overview, Q2 2026/27'. assets/navigation.js composes
    the whole title from it (cwpTitle.compose: an optional prefix such as 'Error: ', this,
    then ' – CWP Outcomes Monitor')."""
    return f"{page}, {view}" if view else page


def user_acted() -> bool:
    """Whether a view callback's call is the user's doing: a filter's new value, or a button
    pressed (a button drawn with the page has n_clicks 0). Ask `page_drawn` first: as the
    router draws a page that comes drawn with its view (the Returns list, the review queue,
    the Performance table: prevent_initial_call does not hold for inputs a callback puts on
    the page), Dash lists every input as triggered, which this would take for the user's."""
    for trigger in ctx.triggered:
        prop = trigger.get("prop_id", ".")
        if prop == ".":
            continue
        if not prop.endswith(".n_clicks") or trigger.get("value"):
            return True
    return False


# What a page's callback was called for, besides the pager's PREVIOUS and NEXT and a heading's
# sort button, ("sort", a column's key): the router has just drawn the page for its URL
# (DRAWN), or the page asks again while its view is worked out in the background (POLL).
DRAWN, POLL = "drawn", "poll"


def table_action(previous_id: str, next_id: str, sort_button: str) -> object:
    """What was pressed on a paged table drawn on the server, from Dash's record of the
    trigger: PREVIOUS, NEXT, ("sort", a column's key) for a heading's button (the pattern-
    matching type `sort_button`), or None for anything else (a filter)."""
    trigger = ctx.triggered_id
    if trigger == previous_id:
        return PREVIOUS
    if trigger == next_id:
        return NEXT
    if isinstance(trigger, dict) and trigger.get("type") == sort_button:
        return ("sort", trigger.get("column"))
    return None


def moved(order: ColumnSort, page: int, action: object, keys: Collection[str]) -> tuple[ColumnSort, int]:
    """A paged table's sort and page after `action`, from the stored ones: a heading's button
    (a column of `keys`) sorts from the first page (layouts/tables.sort_heading); Previous and
    Next turn the page; DRAWN and POLL keep it; anything else (a filter) is the first page."""
    column = action[1] if isinstance(action, tuple) and len(action) == 2 and action[0] == "sort" else None
    if isinstance(column, str) and column in keys:
        return next_sort(order, column), 1
    if action in (DRAWN, POLL):
        return order, page
    return order, turned(page, action)


def register(app: Dash) -> None:
    """The browser's half (assets/navigation.js): the title and the address bar follow the
    VIEW record; the main menu marks the current page."""
    app.clientside_callback(
        ClientsideFunction(namespace="navigation", function_name="showView"),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.VIEW, "data"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="navigation", function_name="markCurrent"),
        Output(ids.MAIN_NAV, "className"),
        Input(ids.URL, "pathname"),
    )
