"""UK financial years (1 April to 31 March, labelled 2024/25) and their quarters."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

QUARTER_MONTHS = {1: (4, 6), 2: (7, 9), 3: (10, 12), 4: (1, 3)}
DUE_DAYS_AFTER_QUARTER_END = 20
_YEAR_LABEL = re.compile(r"^(\d{4})/(\d{2})$")


def financial_year_of(day: dt.date) -> int:
    """The start year of the financial year containing `day` (2024 for 2024/25)."""
    return day.year if day.month >= 4 else day.year - 1


def quarter_of(day: dt.date) -> int:
    return (day.month - 4) % 12 // 3 + 1


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def parse_year_label(label: str) -> int:
    """'2024/25' -> 2024. Raises ValueError with a plain-English message."""
    match = _YEAR_LABEL.match(label.strip())
    if not match:
        raise ValueError(f"'{label}' is not a financial year; write it like 2024/25.")
    start = int(match.group(1))
    if (start + 1) % 100 != int(match.group(2)):
        raise ValueError(f"'{label}' is not a financial year; the years must follow on, like 2024/25.")
    return start


def quarter_label(year: int, quarter: int) -> str:
    return f"Q{quarter} {year_label(year)}"


def parse_quarter(text: str) -> int | None:
    """'Q2' -> 2, 'year' -> None."""
    value = text.strip().lower()
    if value == "year":
        return None
    if value in {"q1", "q2", "q3", "q4"}:
        return int(value[1])
    raise ValueError(f"'{text}' is not a quarter; use Q1, Q2, Q3, Q4 or year.")


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int

    @property
    def start(self) -> dt.date:
        first, _ = QUARTER_MONTHS[self.quarter]
        return dt.date(self.year + (self.quarter == 4), first, 1)

    @property
    def end(self) -> dt.date:
        _, last = QUARTER_MONTHS[self.quarter]
        calendar_year = self.year + (self.quarter == 4)
        return dt.date(calendar_year, last, calendar.monthrange(calendar_year, last)[1])

    @property
    def default_due_date(self) -> dt.date:
        return self.end + dt.timedelta(days=DUE_DAYS_AFTER_QUARTER_END)

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)

    def previous(self) -> Quarter:
        if self.quarter == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.quarter - 1)

    def next(self) -> Quarter:
        if self.quarter == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.quarter + 1)

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        return cls(financial_year_of(day), quarter_of(day))


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from `first` to `last` inclusive."""
    out: list[Quarter] = []
    current = first
    while (current.year, current.quarter) <= (last.year, last.quarter):
        out.append(current)
        current = current.next()
    return out


def format_date(day: dt.date) -> str:
    """GOV.UK style: 25 November 2026."""
    return f"{day.day} {day:%B %Y}"
