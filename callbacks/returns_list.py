"""The returns home's callback. The page comes drawn with its first page of rows (the router,
`render_returns`); a select chosen, a service searched, a heading's sort button or Previous/Next
pressed asks `returns_view` for the page of rows they now name, which it redraws in the
table's body, with the headings' aria-sort, the caption, the counts, the pager and the record
of the view (so the address bar follows and Back redraws the list: callbacks/navigation.py).
Every value from the browser is checked here against what the signed-in user may see."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from dash import ALL as EVERY
from dash import Dash, Input, Output, State, ctx, no_update
from sqlalchemy.orm import Session

from callbacks.common import require_user, today, transaction, view_query
from callbacks.navigation import (  # noqa: F401 - PREVIOUS and NEXT: the list's actions
    DRAWN,
    NEXT,
    PREVIOUS,
    moved,
    page_drawn,
    show,
    table_action,
    user_acted,
    view_outputs,
    view_title,
)
from dash_app.cache import cached
from layouts import ids
from layouts.filters import ALL
from layouts.returns_home import (
    SORT_BUTTON,
    SORT_TH,
    ReturnsView,
    caption_text,
    clamp_page,
    columns,
    count_text,
    page_count,
    page_of,
    pager_text,
    row_range,
    sort_of,
    sort_state,
    sort_text,
    sortable_keys,
    table_rows,
)
from models.access import AccessRefused, Actor, audience_of, may_edit_returns
from models.returns.lists import (
    HomeChoices,
    HomeFilters,
    HomeRow,
    HomeSort,
    home_choices,
    home_filters,
    home_page,
    returns_home,
)

RETURNS_TITLE = view_title("Returns")  # the router's title for /returns, too


def home_rows(session: Session, actor: Actor, day: dt.date) -> list[HomeRow]:
    """Every return the actor may see, from the cache for its audience (the rows depend only
    on the provider it is confined to, and a saved return bumps the data version)."""
    return cached(session, returns_home, audience_of(actor), day)


def chosen_filters(choices: HomeChoices, provider: str | None, quarter: str | None,
                   status: str | None, service_text: str | None = None, *,
                   own_only: bool) -> HomeFilters:
    """The filters from the browser; a provider user has no provider filter to choose."""
    return home_filters(choices, None if own_only else provider, quarter, status, service_text)


def view_search(view: ReturnsView, choices: HomeChoices) -> str:
    """?provider=&quarter=&status=&find=&sort=&page= for the view (none for a default); the
    provider by its slug."""
    chosen = view.chosen
    query = view_query(provider=choices.provider_value(chosen.provider_id), quarter=chosen.quarter,
                       status=chosen.status, find=chosen.service_text or None, sort=sort_text(view.order),
                       page=view.page if view.page > 1 else None)
    return f"?{query}" if query else ""


class Shown(NamedTuple):
    """A view of the list, ready to draw: its page of rows, how many rows the filters keep,
    and how many the user may see in all."""

    view: ReturnsView
    rows: list[HomeRow]
    shown: int
    choices: HomeChoices


def shown_view(rows: list[HomeRow], chosen: HomeFilters, order: HomeSort, page: int) -> Shown:
    """The page of `rows` for these filters and order: a page past the end is the last."""
    choices = home_choices(rows)
    start, end = row_range(page)
    found, shown = home_page(rows, chosen, order, start, end)
    if not found and page > 1:
        page = clamp_page(page, shown)
        found, shown = home_page(rows, chosen, order, *row_range(page))
    return Shown(ReturnsView(chosen, order, page), found, shown, choices)


def view_from_url(actor: Actor, params: dict[str, str]) -> Shown:
    """The router's view for /returns?…: every value checked, the defaults for any other."""
    own_only = audience_of(actor).provider_id is not None
    with transaction() as session:
        rows = home_rows(session, actor, today())
    choices = home_choices(rows)
    chosen = chosen_filters(choices, params.get("provider"), params.get("quarter"),
                            params.get("status"), params.get("find"), own_only=own_only)
    return shown_view(rows, chosen, sort_of(params.get("sort"), own_only=own_only),
                      page_of(params.get("page")))


class ViewAnswer(NamedTuple):
    """`returns_view`'s outputs, the headings' aria-sort by column (the registered callback
    puts them in the order of the page's headings)."""

    body: object
    sorts: dict[str, str | None]
    caption: object
    count: object
    pager: object
    previous_off: object
    next_off: object
    stored: object
    record: object


def _choice(value: object) -> str | None:
    """A select's value: "all" (or anything not text) is no filter."""
    return value if isinstance(value, str) and value != ALL else None


def returns_view(provider: object, quarter: object, status: object, text: object,
                 action: object, stored: object) -> ViewAnswer:
    """The list for the filters chosen and the `action` taken (PREVIOUS, NEXT, ("sort", a
    column), DRAWN: the stored page, or None for a filter: the first page), from the page's
    store (its sort and page).
    Only the signed-in user's own rows: its audience decides them, and the browser's values
    can only narrow them; anything unreadable is a default."""
    try:
        user = require_user()
        own_only = audience_of(user).provider_id is not None
        with transaction() as session:
            rows = home_rows(session, user, today())
    except AccessRefused as exc:
        nothing = no_update
        return ViewAnswer(nothing, {}, nothing, str(exc), nothing, nothing, nothing, nothing, nothing)
    stored = stored if isinstance(stored, dict) else {}
    order = sort_of(stored.get("sort"), own_only=own_only)
    order, page = moved(order, page_of(stored.get("page")), action, sortable_keys(own_only=own_only))
    choices = home_choices(rows)
    chosen = chosen_filters(choices, _choice(provider), _choice(quarter), _choice(status),
                            text if isinstance(text, str) else None, own_only=own_only)
    drawn = shown_view(rows, chosen, order, max(page, 1))
    view, last = drawn.view, page_count(drawn.shown)
    cols = columns(own_only=own_only, with_comments=choices.with_comments)
    return ViewAnswer(
        table_rows(drawn.rows, cols, may_edit=may_edit_returns(user)),
        {key: sort_state(view.order, key) for key in sortable_keys(own_only=own_only)},
        caption_text(view.order, own_only),
        count_text(drawn.shown, choices.total),
        pager_text(view.page, drawn.shown),
        "true" if view.page <= 1 else "false",
        "true" if view.page >= last else "false",
        view.stored(),
        *show(view_search(view, choices), RETURNS_TITLE),
    )


def on_change(provider: object, quarter: object, status: object, text: object,
              _sorts: object, _previous: object, _next: object, stored: object) -> tuple:
    """`returns_view` for what the user did; nothing when the user did nothing. As the router
    draws the page, only the record of the view as drawn (its page kept):
    assets/navigation.js counts on this first answer to put the view in the address bar in
    place, so that the user's first change is a new history entry."""
    headings = ctx.outputs_list[1]
    if page_drawn():
        # Only the record: the router has just drawn these very rows, headings and pager.
        # Sending them again made the browser redraw the whole table a second time as the
        # page loaded (on a phone, a third of a second of blocked main thread: Lighthouse).
        drawn = returns_view(provider, quarter, status, text, DRAWN, stored)
        return (no_update, [no_update] * len(headings), *(no_update,) * 6, drawn.record)
    if not user_acted():
        return (no_update, [no_update] * len(headings), *(no_update,) * 7)
    action = table_action(ids.RETURNS_PREV, ids.RETURNS_NEXT, SORT_BUTTON)
    answer = returns_view(provider, quarter, status, text, action, stored)
    sorts = [answer.sorts.get(h["id"]["column"]) if answer.sorts else no_update for h in headings]
    return (answer.body, sorts, *answer[2:])


def register(app: Dash) -> None:
    # The provider select is absent for a provider user's page (an html.Data stands in).
    app.callback(
        Output(ids.RETURNS_BODY, "children"),
        Output({"type": SORT_TH, "column": EVERY}, "aria-sort"),
        Output(ids.RETURNS_CAPTION, "children"),
        Output(ids.RETURNS_COUNT, "children"),
        Output(ids.RETURNS_PAGE_STATUS, "children"),
        Output(ids.RETURNS_PREV, "aria-disabled"),
        Output(ids.RETURNS_NEXT, "aria-disabled"),
        Output(ids.RETURNS_VIEW, "data"),
        *view_outputs(),
        Input(ids.RETURNS_PROVIDER, "value"),
        Input(ids.RETURNS_QUARTER, "value"),
        Input(ids.RETURNS_STATUS, "value"),
        Input(ids.RETURNS_TEXT, "value"),
        Input({"type": SORT_BUTTON, "column": EVERY}, "n_clicks"),
        Input(ids.RETURNS_PREV, "n_clicks"),
        Input(ids.RETURNS_NEXT, "n_clicks"),
        State(ids.RETURNS_VIEW, "data"),
        prevent_initial_call=True,
    )(on_change)
