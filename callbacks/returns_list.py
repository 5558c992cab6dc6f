"""The returns home: its rows for the signed-in user, narrowed by the provider, quarter and
status filters, which are kept in the URL so that a filtered list can be shared or reloaded."""

from __future__ import annotations

import datetime as dt

from dash import Dash, Input, Output, no_update
from sqlalchemy.orm import Session

from callbacks.common import require_user, today, transaction, view_query
from dash_app.cache import cached
from layouts import ids
from layouts.filters import ALL
from layouts.returns_home import count_text, grid_rows
from models.access import AccessRefused, Actor, audience_of, may_edit_returns
from models.returns.lists import HomeFilters, HomeRow, filter_home_rows, home_filters, returns_home


def home_rows(session: Session, actor: Actor, day: dt.date) -> list[HomeRow]:
    """Every return the actor may see, from the cache for its audience (the rows depend only
    on the provider it is confined to, and a saved return bumps the data version)."""
    return cached(session, returns_home, audience_of(actor), day)


def chosen_filters(rows: list[HomeRow], provider: str | None, quarter: str | None,
                   status: str | None, *, own_only: bool) -> HomeFilters:
    """The filters from the browser; a provider user has no provider filter to choose."""
    return home_filters(rows, None if own_only else provider, quarter, status)


def filters_query(chosen: HomeFilters) -> str:
    """?provider=&quarter=&status= for the filters chosen (none for "all")."""
    query = view_query(provider=chosen.provider_id, quarter=chosen.quarter, status=chosen.status)
    return f"?{query}" if query else ""


def update_returns(provider: str | None, quarter: str | None, status: str | None) -> tuple:
    """(rows for the grid, the count's words, the URL's query) for the chosen filters."""
    try:
        user = require_user()
        audience_of(user)  # an account that may see nothing is told so
        with transaction() as session:
            rows = home_rows(session, user, today())
    except AccessRefused as exc:
        return [], str(exc), no_update
    own_only = audience_of(user).provider_id is not None
    chosen = chosen_filters(rows, provider if provider != ALL else None,
                            quarter if quarter != ALL else None,
                            status if status != ALL else None, own_only=own_only)
    shown = filter_home_rows(rows, chosen)
    return (grid_rows(shown, may_edit=may_edit_returns(user)), count_text(len(shown), len(rows)),
            filters_query(chosen))


def register(app: Dash) -> None:
    # The provider select is absent for a provider user: Dash leaves a missing input as None.
    app.callback(
        Output(ids.RETURNS_GRID, "rowData"),
        Output(ids.RETURNS_COUNT, "children"),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.RETURNS_PROVIDER, "value"),
        Input(ids.RETURNS_QUARTER, "value"),
        Input(ids.RETURNS_STATUS, "value"),
        prevent_initial_call=True,
    )(update_returns)
