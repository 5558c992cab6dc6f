"""The URL and the page agree, in both directions: the one rule, kept here.

- The router (callbacks/router.py) draws the page for the URL's path and query, and records
  what it drew in the VIEW store: {"search": the query it drew, "title": the page's title}.
- A page's filter callback answers a change of its filters with the new query for the URL
  (the browser adds a history entry) and the same query in the VIEW store: `show(...)`, with
  the outputs `view_outputs()`.
- The router hears every change of the URL. It redraws when the path changed or when the
  query is not the one the page shows (Back or Forward, a link, a typed address); the query
  the page's own filters have just written is left alone (`needs_drawing`), so a filter
  change redraws only what the filter callback draws.
- A filter callback's first call (the router has just drawn its page) adds no history entry:
  it records the view's own query (slugs for old ids, the quarter a bare "/" means), and
  assets/navigation.js puts it in the address bar in place (history.replaceState). So Back
  never lands on an address that pushes another entry.
- assets/navigation.js also writes the <title> from the record's "title" (cwpTitle.show).

A page whose filter callback writes the URL without the record is listed in
QUERY_WITHOUT_RECORD: the router leaves its query changes alone, as before, until it uses
`show`.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import MissingCallbackContextException

from layouts import ids

# The Returns list's filter callback (callbacks/returns_list.py) writes ?provider=&quarter=
# &status= without the record: until it returns `*show(query, title)` on `view_outputs()`,
# its query changes do not redraw it (Back and Forward keep the page as it was).
QUERY_WITHOUT_RECORD = frozenset({"/returns"})

ViewRecord = dict[str, str]


def record(search: str | None, title: str) -> ViewRecord:
    """What the page shows: the query it was drawn for, and its title (without the site's
    name, which assets/navigation.js adds)."""
    return {"search": search_text(search), "title": title}


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
    query only when it is not the view the page already shows."""
    if not shown or not triggered or f"{ids.URL}.pathname" in triggered:
        return True
    if (pathname or "/") in QUERY_WITHOUT_RECORD:
        return False
    return not same_view(search, shown.get("search"))


def view_outputs() -> list[Output]:
    """The URL's query and the VIEW record: the last two outputs of every filter callback."""
    return [Output(ids.URL, "search", allow_duplicate=True),
            Output(ids.VIEW, "data", allow_duplicate=True)]


def show(query: str | None, title: str) -> tuple:
    """The values for `view_outputs()`: the new query for the address bar (a history entry)
    and the record of the view. On the callback's first call, after the router drew the page,
    the address bar is left to assets/navigation.js, which replaces it in place."""
    search = search_text(query)
    return (no_update if _first_call() else search), record(search, title)


def _first_call() -> bool:
    """Whether Dash made this call because the page was just drawn (no input changed).
    Called outside Dash (a test calling the function), it counts as a change."""
    try:
        return ctx.triggered_id is None
    except MissingCallbackContextException:
        return False


def view_title(page: str, view: str | None = None) -> str:
    """The page's part of the <title>: 'Overview, Q2 2026/27'. assets/navigation.js composes
    the whole title from it (cwpTitle.compose: an optional prefix such as 'Error: ', this,
    then ' – CWP Outcomes Monitor')."""
    return f"{page}, {view}" if view else page


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
