"""The returns home's two callbacks. The grid asks for its rows a page at a time
(`getRowsRequest`: which rows, the sort, the filters) and `returns_page` answers with that
page of the signed-in user's rows and the count in words. The provider, quarter and status
selects only change the grid's filter model (which makes the grid ask again, from the first
page) and the URL, so that a filtered list can be shared or reloaded."""

from __future__ import annotations

import datetime as dt

from dash import Dash, Input, Output, State, ctx, no_update
from sqlalchemy.orm import Session

from callbacks.common import require_user, today, transaction, view_query
from callbacks.navigation import show, view_outputs, view_title
from dash_app.cache import cached
from layouts import ids
from layouts.filters import ALL
from layouts.returns_home import PAGE_SIZE, count_text, filter_model, filter_values, grid_rows, sort_of
from models.access import AccessRefused, Actor, audience_of, may_edit_returns
from models.returns.lists import (
    HomeChoices,
    HomeFilters,
    HomeRow,
    home_choices,
    home_filters,
    home_page,
    returns_home,
)

# The most rows one request may ask for: a few pages (the grid asks for one block, a page).
MAX_ROWS = 4 * PAGE_SIZE


def home_rows(session: Session, actor: Actor, day: dt.date) -> list[HomeRow]:
    """Every return the actor may see, from the cache for its audience (the rows depend only
    on the provider it is confined to, and a saved return bumps the data version)."""
    return cached(session, returns_home, audience_of(actor), day)


def chosen_filters(choices: HomeChoices, provider: str | None, quarter: str | None,
                   status: str | None, service_text: str | None = None, *,
                   own_only: bool) -> HomeFilters:
    """The filters from the browser; a provider user has no provider filter to choose."""
    return home_filters(choices, None if own_only else provider, quarter, status, service_text)


def filters_query(chosen: HomeFilters) -> str:
    """?provider=&quarter=&status= for the filters chosen (none for "all"). The service text
    is the grid's own box, which is not kept in the URL."""
    query = view_query(provider=chosen.provider_id, quarter=chosen.quarter, status=chosen.status)
    return f"?{query}" if query else ""


def _row_range(request: dict) -> tuple[int, int]:
    """The rows asked for, as the grid counts them (startRow up to, not including, endRow);
    anything but small whole numbers is the first page."""
    start, end = request.get("startRow"), request.get("endRow")
    if (not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool)
            or isinstance(end, bool) or start < 0 or not start < end <= start + MAX_ROWS):
        return 0, PAGE_SIZE
    return start, end


def returns_page(request: object) -> tuple[dict, str]:
    """(the grid's rows start..end and how many the filters keep, the count's words), for the
    signed-in user's own rows only: its audience decides the rows, and the browser's filters
    can only narrow them."""
    empty = {"rowData": [], "rowCount": 0}
    try:
        user = require_user()
        audience = audience_of(user)  # an account that may see nothing is told so
        with transaction() as session:
            rows = home_rows(session, user, today())
    except AccessRefused as exc:
        return empty, str(exc)
    request = request if isinstance(request, dict) else {}
    choices = home_choices(rows)
    chosen = chosen_filters(choices, *filter_values(request.get("filterModel")),
                            own_only=audience.provider_id is not None)
    start, end = _row_range(request)
    page, shown = home_page(rows, chosen, sort_of(request.get("sortModel")), start, end)
    return ({"rowData": grid_rows(page, may_edit=may_edit_returns(user)), "rowCount": shown},
            count_text(shown, choices.total))


RETURNS_TITLE = view_title("Returns")  # the router's title for /returns, too


def update_filters(provider: str | None, quarter: str | None, status: str | None,
                   model: object) -> tuple:
    """(the grid's filter model, the record of the view: the URL's query and the title) for
    the chosen selects, keeping what is typed in the box under "Service". The record makes
    the address bar follow (assets/navigation.js) and lets Back and Forward redraw the list
    for the query they land on (callbacks/navigation.py)."""
    try:
        user = require_user()
        own_only = audience_of(user).provider_id is not None
        with transaction() as session:
            choices = home_choices(home_rows(session, user, today()))
    except AccessRefused:
        return no_update, no_update  # the grid's own request says so, in the count
    text = filter_values(model)[3]
    chosen = chosen_filters(choices, provider if provider != ALL else None,
                            quarter if quarter != ALL else None,
                            status if status != ALL else None, text, own_only=own_only)
    return filter_model(chosen), *show(filters_query(chosen), RETURNS_TITLE)


def on_select(provider: str | None, quarter: str | None, status: str | None, model: object) -> tuple:
    """A select chosen: `update_filters`. Dash also calls this when the router draws the
    selects (prevent_initial_call does not hold for inputs a callback puts on the page), with
    nothing triggered: then there is nothing to change, and the grid, which starts with the
    URL's filters, must not be told them again (that would ask for its first page twice)."""
    if not ctx.triggered_id:
        return no_update, no_update
    return update_filters(provider, quarter, status, model)


def register(app: Dash) -> None:
    app.callback(
        Output(ids.RETURNS_GRID, "getRowsResponse"),
        Output(ids.RETURNS_COUNT, "children"),
        Input(ids.RETURNS_GRID, "getRowsRequest"),
        prevent_initial_call=True,
    )(returns_page)
    # The provider select is absent for a provider user: Dash leaves a missing input as None.
    app.callback(
        Output(ids.RETURNS_GRID, "filterModel"),
        *view_outputs(),
        Input(ids.RETURNS_PROVIDER, "value"),
        Input(ids.RETURNS_QUARTER, "value"),
        Input(ids.RETURNS_STATUS, "value"),
        State(ids.RETURNS_GRID, "filterModel"),
        prevent_initial_call=True,
    )(on_select)
