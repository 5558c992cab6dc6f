"""What needs attention: the exception report for the chosen quarter."""

from __future__ import annotations

from dash import Dash, Input, Output, html, no_update

from callbacks.common import quarter_view, today, transaction, view_query
from callbacks.navigation import show, view_outputs, view_title
from dash_app.cache import cached
from layouts import ids
from layouts.attention import attention_body
from models.access import AccessRefused
from models.reporting.attention import attention_report
from models.rules.periods import quarter_label

PAGE_TITLE = "What needs attention"


def update_attention(year_text: str | None, quarter_text: str | None,
                     provisional: bool | None = False) -> tuple:
    """The report's sections for the chosen year and quarter, and the view's record (the URL
    follows it: callbacks/navigation.py)."""
    try:
        audience, year, quarter = quarter_view(year_text, quarter_text)
    except (AccessRefused, ValueError) as exc:
        return [html.P(str(exc), className="field-error")], no_update
    with transaction() as session:
        report = cached(session, attention_report, audience, year, quarter, today(),
                        provisional=bool(provisional))
    return (attention_body(report),
            *show(view_query(year=year_text, quarter=f"Q{quarter}", provisional=bool(provisional)),
                  view_title(PAGE_TITLE, quarter_label(year, quarter))))


def register(app: Dash) -> None:
    app.callback(
        Output(ids.ATTENTION_BODY, "children"),
        *view_outputs(),
        Input(ids.ATTENTION_YEAR, "value"),
        Input(ids.ATTENTION_QUARTER, "value"),
        Input(ids.ATTENTION_PROVISIONAL, "value"),
        prevent_initial_call="initial_duplicate",
    )(update_attention)
