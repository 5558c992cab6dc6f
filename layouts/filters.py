"""Filter controls shared by the dashboard pages: native selects with visible labels."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

QUARTER_OPTIONS = [{"label": f"Q{q}", "value": f"Q{q}"} for q in (1, 2, 3, 4)]
ALL = "all"


def select(component_id: str, label: str, options: list[dict], value: str) -> html.Div:
    return html.Div([
        dbc.Label(label, html_for=component_id),
        dbc.Select(id=component_id, options=options, value=value),
    ], className="filter")


def choice_options(pairs: list[tuple[int, str]], everything: str) -> list[dict]:
    return [{"label": everything, "value": ALL}] + [
        {"label": name, "value": str(i)} for i, name in pairs]


def provisional_switch(component_id: str, value: bool) -> html.Div:
    # data-print-*: what the printed page's header says for each state (assets/print.js).
    return html.Div(dbc.Switch(
        id=component_id, value=value,
        label="Include submitted returns not yet approved (marked provisional)",
    ), className="filter align-self-end",
        **{"data-print-on": "Provisional: includes submitted returns not yet approved",
           "data-print-off": "Approved returns only"})


def chosen_id(value: str | None, allowed: list[tuple[int, str]]) -> int | None:
    """A filter value from the browser, accepted only if it is one of the offered ids."""
    if not value or value == ALL:
        return None
    try:
        wanted = int(value)
    except ValueError:
        return None
    return wanted if any(i == wanted for i, _ in allowed) else None
