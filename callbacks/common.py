"""What every callback needs: the signed-in user, today, and a database session."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlencode

from flask import current_app

from dash_app.auth import require_user  # noqa: F401 - re-exported
from dash_app.database import transaction  # noqa: F401 - re-exported


def today() -> dt.date:
    return current_app.config["MONITOR_SETTINGS"].current_date()


def one_time_password_lifetime() -> dt.timedelta:
    return current_app.config["MONITOR_SETTINGS"].one_time_password_lifetime


def view_query(**params: object) -> str:
    """The URL query that restores a view, keys in the order given: None and False are left
    out (the defaults), True is written as 1."""
    return urlencode({key: "1" if value is True else str(value)
                      for key, value in params.items() if value is not None and value is not False})


def query_params(search: str | None) -> dict[str, str]:
    """'?year=2024/25&quarter=Q2' -> {'year': '2024/25', 'quarter': 'Q2'} (first value wins)."""
    parsed = parse_qs((search or "").lstrip("?"))
    return {key: values[0] for key, values in parsed.items() if values}
