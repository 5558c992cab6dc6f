"""How numbers and dates read on screen and in every file: one formatter for each.

Figures people read carry a thousands separator ("1,364"); machine-readable outputs (the CSV,
form values, cache keys) ask for `grouped=False` and get the bare number ("1364"). A figure
withheld by disclosure control is a word or a marker ("<5"), never passed through here."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from models.rules.measures import Rate, round_half_up


def _digits(grouped: bool) -> str:
    return "," if grouped else ""


def format_number(value: float | None, *, grouped: bool = True) -> str:
    """1364 -> "1,364"; 12.25 -> "12.3" (one decimal place, half up, when it has a fraction)."""
    if value is None:
        return ""
    if float(value).is_integer():
        return format(int(value), _digits(grouped))
    tenths = Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return format(tenths, f"{_digits(grouped)}.1f")


def format_percent(value: float | None, *, grouped: bool = True) -> str:
    """A whole percentage, rounded half up (the one rule every format uses): "96%", "1,250%"."""
    return "" if value is None else f"{format(round_half_up(value), _digits(grouped))}%"


def format_target(value: float | None, unit: str, *, grouped: bool = True) -> str:
    return (format_percent(value, grouped=grouped) if unit == "percent"
            else format_number(value, grouped=grouped))


def format_entered(text: str | None) -> str:
    """A figure as stored from a form ("1364") read back to people: "1,364". Anything that
    is not a plain whole number (blank, a marker, words) is returned as it is."""
    text = text or ""
    digits = text[1:] if text.startswith("-") else text
    return format_number(int(text)) if digits.isdigit() and digits.isascii() else text


def format_money(value: float | None) -> str:
    """Whole pounds: "£12,500" (contract values are budgeted in pounds)."""
    return "" if value is None else f"£{round_half_up(value):,}"


def format_rate(rate: Rate, *, grouped: bool = True) -> str:
    """'68% (52 of 76)', '72% (1,052 of 1,461)': the percentage with the counts behind it."""
    if rate.percent is None:
        return "No one assessed"
    return (f"{rate.percent}% ({format_number(rate.numerator, grouped=grouped)} of "
            f"{format_number(rate.denominator, grouped=grouped)})")


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


def format_date_entry(day: dt.date) -> str:
    """04/01/2027: a date as a form shows it for editing, in the order it is typed."""
    return f"{day:%d/%m/%Y}"


# Dates typed into forms: UK order, whatever language the browser speaks. ------------------

UK_DATE_EXAMPLE = "for example 4/1/2027 for 4 January 2027"


def parse_uk_date(text: str | None) -> dt.date | None:
    """'04/01/2027' (or 4/1/2027, 4-1-2027, 4.1.2027) is 4 January 2027; ISO '2027-01-04' is
    accepted too, as the date picker sends it. None for empty; ValueError with a plain
    message for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) >= 10 and text[4] == "-" else _dmy(text)
    except ValueError:
        raise ValueError(f"Enter a real date as day/month/year, {UK_DATE_EXAMPLE}") from None


def _dmy(text: str) -> dt.date:
    for sep in "/-. ":
        text = text.replace(sep, "/")
    parts = [p for p in text.split("/") if p]
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
        raise ValueError(text)
    day, month, year = (int(p) for p in parts)
    return dt.date(year, month, day)


# A figure against its target: one rule for the Overview, the service page, the grid and the files.

def against_target(actual: float | None, target: float | None, unit: str,
                   percent_of_target: float | None, *, grouped: bool = True) -> str:
    """How a figure reads against its target. A count reads as its % of target ("96%"). A
    rate reads as itself against its target ("72% against a target of 75%"): its "% of
    target" (96%) is a percentage of a percentage, easily misread as the rate. "" when
    there is nothing to compare (no figure, no target)."""
    if unit != "percent":
        return format_percent(percent_of_target, grouped=grouped)
    if actual is None or target is None:
        return ""
    return (f"{format_percent(actual, grouped=grouped)} against a target of "
            f"{format_percent(target, grouped=grouped)}")


def baseline_label(value: float, period: str | None, unit: str) -> str:
    """The baseline in words. A count's baseline is a whole year's total, so it says so
    ("Baseline (2018/19, full year): 1,200"); a rate's is a level ("Baseline (2018/19): 65%")."""
    if unit == "percent":
        return f"Baseline ({period}): {format_percent(value)}" if period else \
            f"Baseline: {format_percent(value)}"
    return f"Baseline ({period + ', ' if period else ''}full year): {format_number(value)}"
