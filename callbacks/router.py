"""The page router: which layout a path shows, decided on the server for this user."""

from __future__ import annotations

from dash import Dash, Input, Output, State, html

from callbacks.common import AccessDenied, query_params, require_user, today, transaction
from layouts import ids
from layouts.overview import overview_page
from layouts.shell import not_found
from models.overview import default_quarter, year_choices
from models.periods import parse_quarter, year_label


def render_overview(search: str | None) -> html.Div:
    """The Overview for the quarter in the URL, or the latest due quarter."""
    params = query_params(search)
    with transaction() as session:
        choices = year_choices(session)
        default = default_quarter(session, today())
    values = {value for _, value in choices}
    year = params.get("year") if params.get("year") in values else year_label(default.year)
    try:
        quarter = parse_quarter(params.get("quarter", "")) or default.quarter
    except ValueError:
        quarter = default.quarter
    options = [{"label": label, "value": value} for label, value in choices]
    return overview_page(options, year, f"Q{quarter}")


def display_page(pathname: str | None, search: str | None) -> object:
    try:
        require_user()
    except AccessDenied:
        return html.P("Sign in to see this page.")
    if pathname in (None, "/", "/overview"):
        return render_overview(search)
    return not_found(pathname)


def register(app: Dash) -> None:
    app.callback(
        Output(ids.PAGE, "children"),
        Input(ids.URL, "pathname"),
        State(ids.URL, "search"),
    )(display_page)
