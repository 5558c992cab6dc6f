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


# Dates and times as people read them, GOV.UK style. Machine formats (ISO 8601 in CSV cells,
# file names, form values, cache keys and the audit store) are a different thing and stay ISO.

def format_date(day: dt.date) -> str:
    """25 November 2026 (a datetime gives its date)."""
    return f"{day.day} {day:%B %Y}"


def format_time(moment: dt.datetime | dt.time) -> str:
    """14:05: the 24-hour clock, with no room for a.m./p.m. mistakes."""
    return f"{moment:%H:%M}"


def format_datetime(moment: dt.datetime) -> str:
    """25 November 2026 at 14:05."""
    return f"{format_date(moment)} at {format_time(moment)}"
