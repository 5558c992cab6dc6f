"""Strategy progress page callback: the annual figures of every metric with a baseline."""

from __future__ import annotations

from dash import Dash, Input, Output, html, no_update

from callbacks.common import require_user, transaction, view_query
from callbacks.navigation import show, view_outputs, view_title
from dash_app.cache import cached
from layouts import ids
from layouts.progress import progress_body
from models.access import AccessRefused, provider_scope
from models.reporting.slugs import url_slugs
from models.reporting.trends import strategy_progress

TITLE = "Strategy progress"


def update_progress(provisional: bool | None = False) -> tuple:
    try:
        user = require_user()
        provider_scope(user)  # an account that may see nothing is told so
    except AccessRefused as exc:
        return [html.P(str(exc), className="field-error")], no_update
    with transaction() as session:
        groups = strategy_progress(session, user, provisional=bool(provisional))
        slugs = cached(session, url_slugs)["service"]
    return (progress_body(groups, bool(provisional), slugs),
            *show(view_query(provisional=bool(provisional)), view_title(TITLE)))


def register(app: Dash) -> None:
    app.callback(
        Output(ids.PROGRESS_BODY, "children"),
        *view_outputs(),
        Input(ids.PROGRESS_PROVISIONAL, "value"),
        prevent_initial_call="initial_duplicate",
    )(update_progress)
