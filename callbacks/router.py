"""The page router: which layout a path shows, decided on the server for this user."""

from __future__ import annotations

from dash import Dash, Input, Output, State, html

from callbacks.common import AccessDenied, query_params, require_user, today, transaction
from dash_app.database import sessions
from layouts import ids
from layouts.overview import overview_page
from layouts.return_form import return_form_page
from layouts.returns_home import returns_home_page
from layouts.review import review_page
from layouts.shell import not_found
from models.access import AccessRefused
from models.audit import record_refusal
from models.overview import default_quarter, year_choices
from models.periods import parse_quarter, year_label
from models.return_store import load_return_view, returns_home, review_queue


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


def render_returns(user) -> html.Div:  # noqa: ANN001
    with transaction() as session:
        rows = returns_home(session, user, today())
    return returns_home_page(rows, user.role)


def render_return_form(user, search: str | None) -> html.Div:  # noqa: ANN001
    params = query_params(search)
    try:
        service_id, period_id = int(params["service"]), int(params["period"])
    except (KeyError, ValueError):
        return html.Div([html.H1("Return not found", className="h2"),
                         html.P("Choose a return from the returns page.")])
    try:
        with transaction() as session:
            view = load_return_view(session, user, service_id, period_id, today())
    except AccessRefused as exc:
        record_refusal(sessions(), user.id, f"open return for service {service_id}, period "
                       f"{period_id}", exc.entity, exc.entity_id)
        return html.Div([html.H1("No access", className="h2"), html.P(str(exc))])
    return return_form_page(view)


def render_review(user) -> html.Div:  # noqa: ANN001
    try:
        with transaction() as session:
            items = review_queue(session, user)
    except AccessRefused as exc:
        return html.Div([html.H1("No access", className="h2"), html.P(str(exc))])
    return review_page(items)


def display_page(pathname: str | None, search: str | None) -> object:
    try:
        user = require_user()
    except AccessDenied:
        return html.P("Sign in to see this page.")
    if pathname in (None, "/", "/overview"):
        return render_overview(search)
    if pathname == "/returns":
        return render_returns(user)
    if pathname == "/returns/edit":
        return render_return_form(user, search)
    if pathname == "/review":
        return render_review(user)
    return not_found(pathname)


def register(app: Dash) -> None:
    app.callback(
        Output(ids.PAGE, "children"),
        Input(ids.URL, "pathname"),
        State(ids.URL, "search"),
    )(display_page)
