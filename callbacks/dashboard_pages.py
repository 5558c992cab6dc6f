"""Callbacks for the priority view and the submission status grid."""

from __future__ import annotations

import datetime as dt

from dash import Dash, Input, Output, html, no_update
from sqlalchemy.orm import Session

from callbacks.common import require_user, today, transaction, view_query
from callbacks.navigation import show, view_outputs, view_title
from dash_app.cache import cached
from layouts import ids
from layouts.dashboard_pages import priorities_body, submissions_body
from models.access import AccessRefused, Audience, audience_of, provider_scope
from models.reporting.performance import performance_table
from models.reporting.priorities import PriorityGroup, priority_groups
from models.reporting.slugs import url_slugs
from models.reporting.submissions import submission_grid
from models.rules.periods import parse_quarter, parse_year_label, quarter_label


def update_priorities(year_text: str | None, quarter_text: str | None) -> tuple:
    try:
        user = require_user()
        audience = audience_of(user)  # an account that may see nothing is told so
        year = parse_year_label(year_text or "")
        quarter = parse_quarter(quarter_text or "") or 1
    except (AccessRefused, ValueError) as exc:
        return [html.P(str(exc), className="field-error")], no_update
    with transaction() as session:
        groups = cached(session, priority_view, audience, year, quarter, today())
        slugs = cached(session, url_slugs)["service"]
    return (priorities_body(groups, year_text, slugs),
            *show(view_query(year=year_text, quarter=f"Q{quarter}"),
                  view_title("Priorities", quarter_label(year, quarter))))


def priority_view(session: Session, audience: Audience, year: int, quarter: int,
                  today: dt.date) -> list[PriorityGroup]:
    """Each priority's services' headline rows: what the page draws, without the rest of the
    performance table, so the cache keeps and reads back only that."""
    return priority_groups(session, performance_table(session, audience, year, quarter, today))


def update_submissions(year_text: str | None) -> tuple:
    try:
        user = require_user()
        provider_scope(user)  # an account that may see nothing is told so
        year = parse_year_label(year_text or "")
    except (AccessRefused, ValueError) as exc:
        return [html.P(str(exc), className="field-error")], no_update
    with transaction() as session:
        rows, rates = submission_grid(session, user, year, today())
    return (submissions_body(rows, rates),
            *show(view_query(year=year_text), view_title("Submission status", year_text)))


def register(app: Dash) -> None:
    app.callback(
        Output(ids.PRIORITY_BODY, "children"),
        *view_outputs(),
        Input(ids.PRIORITY_YEAR, "value"),
        Input(ids.PRIORITY_QUARTER, "value"),
        prevent_initial_call="initial_duplicate",
    )(update_priorities)
    app.callback(
        Output(ids.SUBMISSIONS_BODY, "children"),
        *view_outputs(),
        Input(ids.SUBMISSIONS_YEAR, "value"),
        prevent_initial_call="initial_duplicate",
    )(update_submissions)
