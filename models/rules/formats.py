"""How numbers and dates read on screen and in every file: one formatter for each."""

from __future__ import annotations

import datetime as dt

from models.rules.measures import round_half_up


def format_number(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.1f}"


def format_percent(value: float | None) -> str:
    """A whole percentage, rounded half up (the one rule every format uses)."""
    return "" if value is None else f"{round_half_up(value)}%"


def format_target(value: float | None, unit: str) -> str:
    return format_percent(value) if unit == "percent" else format_number(value)



def format_date(day: dt.date) -> str:
    """GOV.UK style: 25 November 2026."""
    return f"{day.day} {day:%B %Y}"
